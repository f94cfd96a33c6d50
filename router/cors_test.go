package router_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/router"
)

func TestCORS(t *testing.T) {
	t.Parallel()
	h := router.New(router.Options{GraphQL: ok, Schema: ok, CORSOrigins: []string{"https://app.example.com/", "http://login.example.com"}})
	preflight := func(path, origin, method, headers string) http.Header {
		return serve(h, http.MethodOptions, path, nil, http.Header{
			"Origin": {origin}, "Access-Control-Request-Method": {method}, "Access-Control-Request-Headers": {headers},
		}).Header()
	}

	got := preflight("/graphql", "https://app.example.com", "POST", "Content-Type, Gatehouse-Session")
	require.Equal(t, "https://app.example.com", got.Get("Access-Control-Allow-Origin"), "configured with a trailing slash, matched without")
	require.Equal(t, "true", got.Get("Access-Control-Allow-Credentials"))
	require.Equal(t, "GET, POST, OPTIONS", got.Get("Access-Control-Allow-Methods"))
	require.Equal(t, "600", got.Get("Access-Control-Max-Age"))
	require.Subset(t, got.Values("Vary"), []string{"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"})

	got = preflight("/graphql/schema.graphql", "http://login.example.com", "GET", "")
	require.Equal(t, "http://login.example.com", got.Get("Access-Control-Allow-Origin"), "the schema file too")

	for name, hdr := range map[string]http.Header{
		"another origin":           preflight("/graphql", "https://evil.example.net", "POST", "Content-Type"),
		"another scheme":           preflight("/graphql", "http://app.example.com", "POST", "Content-Type"),
		"a method the API has not": preflight("/graphql", "https://app.example.com", "DELETE", ""),
		"a header not allowed":     preflight("/graphql", "https://app.example.com", "POST", "Content-Type, X-Other"),
	} {
		require.Empty(t, hdr.Get("Access-Control-Allow-Origin"), name)
		require.Empty(t, hdr.Get("Access-Control-Allow-Credentials"), name)
	}

	rec := serve(h, http.MethodPost, "/graphql", nil, http.Header{"Origin": {"https://app.example.com"}})
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "https://app.example.com", rec.Header().Get("Access-Control-Allow-Origin"))
	require.Contains(t, rec.Header().Get("Access-Control-Expose-Headers"), "X-Request-ID")
	require.JSONEq(t, `{"data":{}}`, rec.Body.String(), "the request itself is served")

	rec = serve(h, http.MethodPost, "/graphql", nil, http.Header{"Origin": {"https://evil.example.net"}})
	require.Equal(t, http.StatusOK, rec.Code, "CORS refuses nothing itself: the browser does")
	require.Empty(t, rec.Header().Get("Access-Control-Allow-Origin"))
	require.Equal(t, []string{"Origin"}, rec.Header().Values("Vary"))

	none := router.New(router.Options{GraphQL: ok})
	rec = serve(none, http.MethodOptions, "/graphql", nil, http.Header{"Origin": {"https://app.example.com"}, "Access-Control-Request-Method": {"POST"}})
	require.Empty(t, rec.Header().Get("Access-Control-Allow-Origin"), "no origins, no CORS")
}
