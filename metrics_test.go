package main

import (
	"context"
	"io"
	"maps"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// getMetrics fetches url with the bearer token (none when empty) and
// returns the status and body.
func getMetrics(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

// isMetricsPage reports whether body is the Prometheus page.
func isMetricsPage(body string) bool { return strings.Contains(body, "\ngo_goroutines ") }

// TestMetricsOnTheMainListener: production keeps /metrics private unless a
// token guards it; dev mode serves it to anyone.
func TestMetricsOnTheMainListener(t *testing.T) {
	t.Parallel()
	token := randomSecret(t)
	for _, tc := range []struct {
		name  string
		vars  serverEnv
		token string
		want  int
	}{
		{"production", nil, "", http.StatusNotFound},
		{"production, with a token", nil, token, http.StatusNotFound},
		{"dev mode", serverEnv{"GATEHOUSE_DEV": "true"}, "", http.StatusOK},
		{"token, missing", serverEnv{"GATEHOUSE_METRICS_TOKEN": token}, "", http.StatusUnauthorized},
		{"token, wrong", serverEnv{"GATEHOUSE_METRICS_TOKEN": token}, randomSecret(t), http.StatusUnauthorized},
		{"token, right", serverEnv{"GATEHOUSE_METRICS_TOKEN": token}, token, http.StatusOK},
		{"dev mode with a token, missing", serverEnv{"GATEHOUSE_DEV": "true", "GATEHOUSE_METRICS_TOKEN": token}, "", http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newServerEnv(t, "embedded")
			maps.Copy(env, tc.vars)
			s := newTestServer(t, env)
			status, body := getMetrics(t, s.url+"/metrics", tc.token)
			require.Equal(t, tc.want, status)
			require.Equal(t, tc.want == http.StatusOK, isMetricsPage(body))
		})
	}
}

// TestMetricsListener: GATEHOUSE_METRICS_LISTEN serves /metrics on its own
// address (behind the token when one is set), which the banner names, and
// the main listener answers 404 there; both stop on SIGTERM.
func TestMetricsListener(t *testing.T) {
	t.Parallel()
	token := randomSecret(t)
	p := start(t, map[string]string{
		"GATEHOUSE_DATA_DIR":       t.TempDir(),
		"GATEHOUSE_METRICS_LISTEN": "127.0.0.1:0",
		"GATEHOUSE_METRICS_TOKEN":  token,
	})
	m := regexp.MustCompile(`(?m)^  Metrics:\s+(http://127\.0\.0\.1:\d+/metrics)$`).FindStringSubmatch(p.banner)
	require.NotNil(t, m, "the banner names the metrics address:\n%s", p.banner)
	metricsURL := m[1]

	status, body := getMetrics(t, metricsURL, token)
	require.Equal(t, http.StatusOK, status)
	require.True(t, isMetricsPage(body))
	status, body = getMetrics(t, metricsURL, "")
	require.Equal(t, http.StatusUnauthorized, status)
	require.False(t, isMetricsPage(body))
	status, _ = getMetrics(t, strings.TrimSuffix(metricsURL, "/metrics")+"/graphql", token)
	require.Equal(t, http.StatusNotFound, status, "the metrics listener serves nothing else")

	status, body = getMetrics(t, p.url+"/metrics", token)
	require.Equal(t, http.StatusNotFound, status)
	require.False(t, isMetricsPage(body))

	p.stop()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, metricsURL, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	require.Error(t, err, "the metrics listener stopped with the server")
}
