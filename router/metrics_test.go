package router_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/router"
)

// TestMetricsToken: with a token, /metrics answers only requests that
// carry it as a bearer token.
func TestMetricsToken(t *testing.T) {
	t.Parallel()
	const token = "0123456789abcdef0123456789abcdef"
	reg := prometheus.NewRegistry()
	h := router.New(router.Options{GraphQL: ok, Gatherer: reg, Registerer: reg, MetricsToken: token})
	for name, authorization := range map[string]string{
		"missing":          "",
		"wrong":            "Bearer " + strings.Repeat("x", len(token)),
		"prefix":           "Bearer " + token[:10],
		"longer":           "Bearer " + token + "0",
		"another scheme":   "Basic " + token,
		"without a scheme": token,
	} {
		rec := serve(h, http.MethodGet, "/metrics", nil, http.Header{"Authorization": {authorization}})
		require.Equal(t, http.StatusUnauthorized, rec.Code, name)
		require.Equal(t, `Bearer realm="metrics"`, rec.Header().Get("WWW-Authenticate"), name)
		require.NotContains(t, rec.Body.String(), "gatehouse_http_requests_total", name)
	}
	for _, authorization := range []string{"Bearer " + token, "bearer " + token} {
		rec := serve(h, http.MethodGet, "/metrics", nil, http.Header{"Authorization": {authorization}})
		require.Equal(t, http.StatusOK, rec.Code)
		require.Contains(t, rec.Body.String(), `gatehouse_http_requests_total{code="401",route="/metrics"} 6`)
	}
}

// TestMetricsListener: the handler of a separate metrics listener serves
// /metrics (behind the token when set) and nothing else.
func TestMetricsListener(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: "probe_total", Help: "A probe."}))
	h := router.Metrics(reg, "")
	rec := serve(h, http.MethodGet, "/metrics", nil, nil)
	require.Equal(t, http.StatusOK, rec.Code)
	require.Contains(t, rec.Body.String(), "probe_total 0")
	for _, target := range []string{"/", "/graphql", "/-/health/live", "/metrics/x"} {
		require.Equal(t, http.StatusNotFound, serve(h, http.MethodGet, target, nil, nil).Code, target)
	}
	require.Equal(t, http.StatusNotFound, serve(h, http.MethodPost, "/metrics", nil, nil).Code)

	const token = "0123456789abcdef0123456789abcdef"
	h = router.Metrics(reg, token)
	require.Equal(t, http.StatusUnauthorized, serve(h, http.MethodGet, "/metrics", nil, nil).Code)
	rec = serve(h, http.MethodGet, "/metrics", nil, http.Header{"Authorization": {"Bearer " + token}})
	require.Equal(t, http.StatusOK, rec.Code)
	require.Contains(t, rec.Body.String(), "probe_total 0")
}
