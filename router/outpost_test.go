package router_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/router"
)

func TestOutpostRouting(t *testing.T) {
	t.Parallel()
	outpost := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Served-By", "outpost")
		w.WriteHeader(http.StatusTeapot)
	})
	h := router.New(router.Options{
		GraphQL: ok, Outpost: outpost,
		OutpostHosts: func(host string) bool { return host == "wiki.example.com" },
	})
	for _, tc := range []struct {
		host, path string
		outpost    bool
	}{
		{"wiki.example.com", "/", true},
		{"WIKI.example.com:8443", "/graphql", true}, // the application owns every path of its host
		{"wiki.example.com", "/-/health/live", true},
		{"login.example.com", "/outpost.gatehouse/auth/nginx", true}, // the outpost's endpoints answer on the core's host
		{"login.example.com", "/outpost.gatehouse/start", true},
		{"login.example.com", "/graphql", false},
		{"login.example.com", "/-/health/live", false},
		{"wiki.example.com.evil.net", "/", false},
	} {
		rec := serve(h, http.MethodGet, "http://"+tc.host+tc.path, nil, nil)
		require.Equal(t, tc.outpost, rec.Header().Get("X-Served-By") == "outpost", "%s%s", tc.host, tc.path)
		require.NotEmpty(t, rec.Header().Get("X-Request-ID"), "every request goes through the middleware")
	}

	h = router.New(router.Options{GraphQL: ok})
	rec := serve(h, http.MethodGet, "http://login.example.com/outpost.gatehouse/auth/nginx", nil, nil)
	require.Equal(t, http.StatusNotFound, rec.Code, "no outpost: nothing served there")
}
