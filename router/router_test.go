package router_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/logtest"
	"github.com/gatehouse-id/gatehouse/requestinfo"
	"github.com/gatehouse-id/gatehouse/router"
)

// waitLimit bounds every wait on another goroutine, so a broken router fails
// the test instead of hanging it. Nothing sleeps: waits end on channels.
const waitLimit = 10 * time.Second

// ok is a GraphQL handler that answers 200 with a fixed body.
var ok = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	_, _ = io.WriteString(w, `{"data":{}}`)
})

// serve sends one request to h and returns the recorded response.
func serve(h http.Handler, method, target string, body io.Reader, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(context.Background(), method, target, body)
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// receive waits for one value from ch.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitLimit):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func TestClientIP(t *testing.T) {
	t.Parallel()
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	addr := netip.MustParseAddr
	for _, tc := range []struct {
		name    string
		remote  string
		xff     []string
		trusted []netip.Prefix
		want    netip.Addr
	}{
		{name: "no trusted proxies: the peer wins over X-Forwarded-For", remote: "203.0.113.7:5555", xff: []string{"198.51.100.1"}, want: addr("203.0.113.7")},
		{name: "untrusted peer: its X-Forwarded-For is ignored", remote: "203.0.113.7:5555", xff: []string{"198.51.100.1"}, trusted: proxies, want: addr("203.0.113.7")},
		{name: "trusted peer without X-Forwarded-For", remote: "10.0.0.1:5555", trusted: proxies, want: addr("10.0.0.1")},
		{name: "trusted peer: the forwarded client", remote: "10.0.0.1:5555", xff: []string{"198.51.100.1"}, trusted: proxies, want: addr("198.51.100.1")},
		{name: "chain of trusted hops is walked", remote: "10.0.0.1:5555", xff: []string{"198.51.100.1, 10.0.0.3, 10.0.0.2"}, trusted: proxies, want: addr("198.51.100.1")},
		{name: "spoofed leftmost entry is ignored", remote: "10.0.0.1:5555", xff: []string{"1.1.1.1, 198.51.100.1"}, trusted: proxies, want: addr("198.51.100.1")},
		{name: "spoofed entry that claims to be a proxy is still behind the client", remote: "10.0.0.1:5555", xff: []string{"1.1.1.1, 10.9.9.9, 198.51.100.1, 10.0.0.2"}, trusted: proxies, want: addr("198.51.100.1")},
		{name: "every hop trusted: the leftmost", remote: "10.0.0.1:5555", xff: []string{"10.0.0.3, 10.0.0.2"}, trusted: proxies, want: addr("10.0.0.3")},
		{name: "unparsable hop stops the walk at the last good address", remote: "10.0.0.1:5555", xff: []string{"198.51.100.1, garbage, 10.0.0.2"}, trusted: proxies, want: addr("10.0.0.2")},
		{name: "unparsable rightmost hop: the peer", remote: "10.0.0.1:5555", xff: []string{"198.51.100.1, 198.51.100.2:80"}, trusted: proxies, want: addr("10.0.0.1")},
		{name: "empty hop stops the walk", remote: "10.0.0.1:5555", xff: []string{"198.51.100.1,,10.0.0.2"}, trusted: proxies, want: addr("10.0.0.2")},
		{name: "several headers are one list", remote: "10.0.0.1:5555", xff: []string{"198.51.100.1", "10.0.0.2"}, trusted: proxies, want: addr("198.51.100.1")},
		{name: "several headers: spoofed first header ignored", remote: "10.0.0.1:5555", xff: []string{"1.1.1.1", "198.51.100.1, 10.0.0.2"}, trusted: proxies, want: addr("198.51.100.1")},
		{name: "IPv6 peer", remote: "[2001:db8::1]:443", xff: []string{"198.51.100.1"}, trusted: proxies, want: addr("2001:db8::1")},
		{name: "trusted IPv6 peer forwards an IPv6 client", remote: "[fd00::1]:443", xff: []string{"2001:db8::2"}, trusted: proxies, want: addr("2001:db8::2")},
		{name: "IPv4-mapped peer is unmapped and matched against IPv4 prefixes", remote: "[::ffff:10.0.0.1]:443", xff: []string{"198.51.100.1"}, trusted: proxies, want: addr("198.51.100.1")},
		{name: "untrusted IPv4-mapped peer is reported as IPv4", remote: "[::ffff:203.0.113.7]:443", trusted: proxies, want: addr("203.0.113.7")},
		{name: "IPv4-mapped hop is unmapped", remote: "10.0.0.1:5555", xff: []string{"::ffff:198.51.100.1"}, trusted: proxies, want: addr("198.51.100.1")},
		{name: "peer without a port", remote: "203.0.113.7", want: addr("203.0.113.7")},
		{name: "garbage peer: invalid address", remote: "not-an-address", xff: []string{"198.51.100.1"}, trusted: proxies, want: netip.Addr{}},
		{name: "empty peer: invalid address", remote: "", want: netip.Addr{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			got := router.ClientIP(r, tc.trusted)
			require.Equal(t, tc.want, got, "got %v", got)
		})
	}
}

func TestHealthLive(t *testing.T) {
	t.Parallel()
	h := router.New(router.Options{GraphQL: ok, Ready: []router.Check{{Name: "db", Check: func(context.Context) error {
		return errors.New("down")
	}}}})
	rec := serve(h, http.MethodGet, "/-/health/live", nil, nil)
	require.Equal(t, http.StatusOK, rec.Code, "liveness does not depend on readiness checks")
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	require.JSONEq(t, `{"status":"ok"}`, rec.Body.String())
}

func TestHealthReady(t *testing.T) {
	t.Parallel()
	up := func(context.Context) error { return nil }
	down := func(context.Context) error { return errors.New("dial tcp db.internal:5432: connection refused") }
	for _, tc := range []struct {
		name     string
		checks   []router.Check
		wantCode int
		wantBody string
	}{
		{name: "no checks", wantCode: http.StatusOK, wantBody: `{"status":"ok","checks":{}}`},
		{
			name:     "all ok",
			checks:   []router.Check{{Name: "db", Check: up}, {Name: "redis", Check: up}},
			wantCode: http.StatusOK,
			wantBody: `{"status":"ok","checks":{"db":"ok","redis":"ok"}}`,
		},
		{
			name:     "one check, failing",
			checks:   []router.Check{{Name: "db", Check: down}},
			wantCode: http.StatusServiceUnavailable,
			wantBody: `{"status":"unavailable","checks":{"db":"unavailable"}}`,
		},
		{
			name:     "one of two failing: both reported",
			checks:   []router.Check{{Name: "db", Check: down}, {Name: "redis", Check: up}},
			wantCode: http.StatusServiceUnavailable,
			wantBody: `{"status":"unavailable","checks":{"db":"unavailable","redis":"ok"}}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var deadlines []time.Duration
			checks := make([]router.Check, len(tc.checks))
			for i, c := range tc.checks {
				checks[i] = router.Check{Name: c.Name, Check: func(ctx context.Context) error {
					d, ok := ctx.Deadline()
					require.True(t, ok, "check %s got a context without a deadline", c.Name)
					deadlines = append(deadlines, time.Until(d))
					return c.Check(ctx)
				}}
			}
			h := router.New(router.Options{GraphQL: ok, Ready: checks})
			rec := serve(h, http.MethodGet, "/-/health/ready", nil, nil)
			require.Equal(t, tc.wantCode, rec.Code)
			require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
			require.JSONEq(t, tc.wantBody, rec.Body.String(), "the error text never reaches the client")
			require.Len(t, deadlines, len(tc.checks), "every check runs")
			for _, d := range deadlines {
				require.Positive(t, d)
				require.LessOrEqual(t, d, 3*time.Second)
			}
		})
	}
}

var requestIDPattern = regexp.MustCompile(`^[0-9a-f]{24}$`)

func TestEveryResponseHasRequestIDAndSecurityHeaders(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	h := router.New(router.Options{
		GraphQL:    ok,
		Playground: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}),
		Gatherer:   reg,
		Registerer: reg,
	})
	seen := map[string]string{}
	for range 3 {
		for _, target := range []string{"/", "/graphql", "/graphql/playground", "/-/health/live", "/-/health/ready", "/metrics", "/no/such/page"} {
			rec := serve(h, http.MethodGet, target, nil, nil)
			id := rec.Header().Get("X-Request-ID")
			require.Regexp(t, requestIDPattern, id, "X-Request-Id of %s", target)
			_, dup := seen[id]
			require.False(t, dup, "request ID %s of %s was already given to %s", id, target, seen[id])
			seen[id] = target
			require.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"), target)
			require.Equal(t, "no-referrer", rec.Header().Get("Referrer-Policy"), target)
		}
	}
}

func TestGraphQLRequestInfo(t *testing.T) {
	t.Parallel()
	var got requestinfo.Info
	h := router.New(router.Options{
		GraphQL: http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			got = requestinfo.FromContext(r.Context())
		}),
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
	})
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", strings.NewReader(`{}`))
	req.RemoteAddr = "10.1.2.3:4567"
	req.Header.Set("X-Forwarded-For", "198.51.100.9")
	req.Header.Set("User-Agent", "probe/1.0")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)

	require.Equal(t, netip.MustParseAddr("198.51.100.9"), got.ClientIP)
	require.Equal(t, "probe/1.0", got.UserAgent)
	require.NotEmpty(t, got.RequestID)
	require.Equal(t, rec.Header().Get("X-Request-ID"), got.RequestID)
}

// TestRequestInfoIsText: header values may carry any byte above 0x7f;
// what the request info holds of them (user agent, headers for policies,
// stored with sessions and flows) is valid UTF-8.
func TestRequestInfoIsText(t *testing.T) {
	t.Parallel()
	var got requestinfo.Info
	h := router.New(router.Options{GraphQL: http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		got = requestinfo.FromContext(r.Context())
	})})
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", strings.NewReader(`{}`))
	req.Header.Set("User-Agent", "probe\xff/1.0")
	req.Header.Set("X-Note", "caf\xe9")
	h.ServeHTTP(httptest.NewRecorder(), req)
	require.Equal(t, "probe\uFFFD/1.0", got.UserAgent)
	require.Equal(t, "caf\uFFFD", got.Headers["x-note"])
}

type ctxKey struct{}

func TestAuthenticateAndGuardWrapGraphQL(t *testing.T) {
	t.Parallel()
	type call struct {
		name      string
		requestID string
		marked    any
	}
	newRouter := func(calls *[]call, refuse string) http.Handler {
		record := func(name string, r *http.Request) {
			*calls = append(*calls, call{name, requestinfo.FromContext(r.Context()).RequestID, r.Context().Value(ctxKey{})})
		}
		return router.New(router.Options{
			GraphQL: http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { record("graphql", r) }),
			Authenticate: func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					record("authenticate", r)
					if refuse == "authenticate" {
						w.WriteHeader(http.StatusUnauthorized)
						return
					}
					next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, "viewer")))
				})
			},
			Guard: func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					record("guard", r)
					if refuse == "guard" {
						w.WriteHeader(http.StatusForbidden)
						return
					}
					next.ServeHTTP(w, r)
				})
			},
			Playground: http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { record("playground", r) }),
		})
	}

	t.Run("authenticate runs first, then guard, then graphql", func(t *testing.T) {
		t.Parallel()
		var calls []call
		rec := serve(newRouter(&calls, ""), http.MethodPost, "/graphql", strings.NewReader(`{}`), nil)
		require.Equal(t, http.StatusOK, rec.Code)
		require.Len(t, calls, 3)
		require.Equal(t, []string{"authenticate", "guard", "graphql"}, []string{calls[0].name, calls[1].name, calls[2].name})
		require.Nil(t, calls[0].marked)
		require.Equal(t, "viewer", calls[1].marked, "the guard sees what authenticate put in the context")
		require.Equal(t, "viewer", calls[2].marked)
		for _, c := range calls {
			require.Equal(t, rec.Header().Get("X-Request-ID"), c.requestID, "%s runs inside the request middleware", c.name)
		}
	})
	t.Run("a refusal by authenticate stops the chain", func(t *testing.T) {
		t.Parallel()
		var calls []call
		rec := serve(newRouter(&calls, "authenticate"), http.MethodPost, "/graphql", nil, nil)
		require.Equal(t, http.StatusUnauthorized, rec.Code)
		require.Len(t, calls, 1)
		require.Equal(t, "authenticate", calls[0].name)
	})
	t.Run("a refusal by guard stops the chain", func(t *testing.T) {
		t.Parallel()
		var calls []call
		rec := serve(newRouter(&calls, "guard"), http.MethodPost, "/graphql", nil, nil)
		require.Equal(t, http.StatusForbidden, rec.Code)
		require.Len(t, calls, 2)
		require.Equal(t, "guard", calls[1].name)
	})
	t.Run("other routes are not wrapped", func(t *testing.T) {
		t.Parallel()
		var calls []call
		h := newRouter(&calls, "authenticate")
		require.Equal(t, http.StatusOK, serve(h, http.MethodGet, "/-/health/live", nil, nil).Code)
		require.Equal(t, http.StatusOK, serve(h, http.MethodGet, "/graphql/playground", nil, nil).Code)
		require.Equal(t, http.StatusOK, serve(h, http.MethodGet, "/graphql/playground/assets/app.js", nil, nil).Code)
		require.Len(t, calls, 2)
		require.Equal(t, "playground", calls[0].name)
		require.Equal(t, "playground", calls[1].name)
	})
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		limit   int64
		size    int
		chunked bool // hide the length, as a chunked upload does
		tooLong bool
	}{
		{name: "at the limit", limit: 64, size: 64},
		{name: "one byte over", limit: 64, size: 65, tooLong: true},
		{name: "far over", limit: 1024, size: 1 << 20, tooLong: true},
		{name: "over, length unknown", limit: 64, size: 65, chunked: true, tooLong: true},
		{name: "within, length unknown", limit: 64, size: 64, chunked: true},
		{name: "no limit configured", limit: 0, size: 1 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var (
				called bool
				n      int64
				err    error
			)
			h := router.New(router.Options{
				GraphQL: http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
					called = true
					n, err = io.Copy(io.Discard, r.Body)
				}),
				MaxBodyBytes: tc.limit,
			})
			var body io.Reader = bytes.NewReader(make([]byte, tc.size))
			if tc.chunked {
				body = io.MultiReader(body)
			}
			rec := serve(h, http.MethodPost, "/graphql", body, nil)
			if !tc.tooLong {
				require.True(t, called)
				require.NoError(t, err)
				require.Equal(t, int64(tc.size), n, "the handler reads the whole body")
				return
			}
			require.False(t, called, "an oversized body never reaches the handler")
			require.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
			require.JSONEq(t, fmt.Sprintf(`{"errors":[{"message":"the request body is larger than %d bytes","extensions":{"code":"PAYLOAD_TOO_LARGE"}}]}`, tc.limit), rec.Body.String())
		})
	}
}

// metricLines returns the sample lines of the /metrics page of h.
func metricLines(t *testing.T, h http.Handler) []string {
	t.Helper()
	rec := serve(h, http.MethodGet, "/metrics", nil, nil)
	require.Equal(t, http.StatusOK, rec.Code)
	var out []string
	for line := range strings.SplitSeq(rec.Body.String(), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	h := router.New(router.Options{
		GraphQL:    ok,
		Playground: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}),
		Gatherer:   reg,
		Registerer: reg,
	})
	require.Equal(t, http.StatusOK, serve(h, http.MethodPost, "/graphql", strings.NewReader(`{}`), nil).Code)
	require.Equal(t, http.StatusOK, serve(h, http.MethodGet, "/graphql/playground/app.js", nil, nil).Code)
	require.Equal(t, http.StatusOK, serve(h, http.MethodGet, "/-/health/live", nil, nil).Code)
	for _, target := range []string{"/nope", "/wp-admin/setup.php", "/graphql/"} {
		rec := serve(h, http.MethodGet, target, nil, nil)
		require.Equal(t, http.StatusNotFound, rec.Code, target)
		require.Equal(t, "application/json", rec.Header().Get("Content-Type"), target)
		require.JSONEq(t, `{"error":"not found"}`, rec.Body.String(), target)
	}

	lines := metricLines(t, h)
	for _, want := range []string{
		`gatehouse_http_requests_total{code="200",route="/graphql"} 1`,
		`gatehouse_http_requests_total{code="200",route="/graphql/playground"} 1`,
		`gatehouse_http_requests_total{code="200",route="/-/health/live"} 1`,
		`gatehouse_http_requests_total{code="404",route="other"} 3`,
		`gatehouse_http_request_duration_seconds_count{route="/graphql"} 1`,
	} {
		require.Contains(t, lines, want)
	}
	for _, line := range lines {
		require.NotContains(t, line, "nope", "unknown paths never become label values")
		require.NotContains(t, line, "wp-admin")
	}

	// The scrape itself was counted once it finished.
	require.Contains(t, metricLines(t, h), `gatehouse_http_requests_total{code="200",route="/metrics"} 1`)
}

// TestMetricsRouteLabelIsBounded: whatever paths clients request, the route
// label only takes the values of known routes, or a client could create
// metric series without bound.
func TestMetricsRouteLabelIsBounded(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	h := router.New(router.Options{GraphQL: ok, Gatherer: reg, Registerer: reg})
	for _, target := range []string{"/-/health/x1", "/-/health/x2", "/-/health/live/x3", "/-/healthz", "/metrics/x4"} {
		require.Equal(t, http.StatusNotFound, serve(h, http.MethodGet, target, nil, nil).Code, target)
	}
	lines := metricLines(t, h)
	for _, line := range lines {
		for _, probe := range []string{"x1", "x2", "x3", "x4", "healthz"} {
			require.NotContains(t, line, probe, "a requested path became a label value")
		}
	}
	require.Contains(t, lines, `gatehouse_http_requests_total{code="404",route="other"} 5`)
}

func TestMetricsNotMountedWithoutGatherer(t *testing.T) {
	t.Parallel()
	rec := serve(router.New(router.Options{GraphQL: ok}), http.MethodGet, "/metrics", nil, nil)
	require.Equal(t, http.StatusNotFound, rec.Code)
}

func TestPanicRecovery(t *testing.T) {
	t.Parallel()
	logs := &logtest.Buffer{}
	reg := prometheus.NewRegistry()
	srv := httptest.NewServer(router.New(router.Options{
		GraphQL: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Panic") != "" {
				panic("boom")
			}
			w.WriteHeader(http.StatusNoContent)
		}),
		Gatherer:   reg,
		Registerer: reg,
		Logger:     slog.New(slog.NewTextHandler(logs, nil)),
	}))
	t.Cleanup(srv.Close)

	post := func(panics bool) (*http.Response, []byte) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/graphql", strings.NewReader(`{}`))
		require.NoError(t, err)
		if panics {
			req.Header.Set("X-Panic", "1")
		}
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, body
	}

	resp, body := post(true)
	require.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	id := resp.Header.Get("X-Request-ID")
	require.Regexp(t, requestIDPattern, id)
	var got map[string]string
	require.NoError(t, json.Unmarshal(body, &got))
	require.Equal(t, map[string]string{"error": "internal error", "request_id": id}, got, "no panic value or stack reaches the client")
	require.Contains(t, logs.String(), "http handler panic")
	require.Contains(t, logs.String(), "boom")
	require.Contains(t, logs.String(), "request_id="+id)

	resp, _ = post(false)
	require.Equal(t, http.StatusNoContent, resp.StatusCode, "the server keeps serving")

	lines := metricLines(t, srv.Config.Handler)
	require.Contains(t, lines, `gatehouse_http_requests_total{code="500",route="/graphql"} 1`)
	require.Contains(t, lines, `gatehouse_http_requests_total{code="204",route="/graphql"} 1`)
}

func TestPanicAfterWriteKeepsResponse(t *testing.T) {
	t.Parallel()
	h := router.New(router.Options{GraphQL: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, "partial")
		panic("late boom")
	})})
	rec := serve(h, http.MethodPost, "/graphql", nil, nil)
	require.Equal(t, http.StatusAccepted, rec.Code)
	require.Equal(t, "partial", rec.Body.String(), "nothing is appended to a response already started")
}

func TestAbortHandlerPanicPropagates(t *testing.T) {
	t.Parallel()
	h := router.New(router.Options{GraphQL: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	})})
	require.PanicsWithValue(t, http.ErrAbortHandler, func() {
		serve(h, http.MethodPost, "/graphql", nil, nil)
	}, "net/http must see ErrAbortHandler to abort the connection")
}

func TestStreamsEndStreamingRequestsOnly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		header, value string
	}{
		{name: "server-sent events", header: "Accept", value: "text/event-stream"},
		{name: "server-sent events among other types", header: "Accept", value: "application/json, text/event-stream"},
		{name: "websocket upgrade", header: "Upgrade", value: "websocket"},
		{name: "websocket upgrade in another case", header: "Upgrade", value: "WebSocket"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			end := make(chan struct{})
			contexts := map[string]chan context.Context{"stream": make(chan context.Context, 1), "plain": make(chan context.Context, 1)}
			release := make(chan struct{})
			h := router.New(router.Options{
				GraphQL: http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
					contexts[r.Header.Get("X-Kind")] <- r.Context()
					<-release
				}),
				EndStreams: end,
			})
			var wg sync.WaitGroup
			wg.Go(func() {
				serve(h, http.MethodPost, "/graphql", nil, http.Header{"X-Kind": {"stream"}, tc.header: {tc.value}})
			})
			wg.Go(func() {
				serve(h, http.MethodPost, "/graphql", nil, http.Header{"X-Kind": {"plain"}, "Accept": {"application/json"}})
			})
			defer wg.Wait()
			defer close(release)

			stream := receive(t, contexts["stream"], "the streaming request")
			plain := receive(t, contexts["plain"], "the ordinary request")
			require.NoError(t, stream.Err(), "a stream runs until EndStreams is closed")
			require.NotEmpty(t, requestinfo.FromContext(stream).RequestID, "the stream's context keeps the request's values")

			close(end)
			receive(t, stream.Done(), "the stream's context to end")
			require.ErrorIs(t, stream.Err(), context.Canceled)
			require.NoError(t, plain.Err(), "ordinary requests are left to the graceful shutdown")
		})
	}
}

func TestStreamAfterEndStreamsEndsAtOnce(t *testing.T) {
	t.Parallel()
	end := make(chan struct{})
	close(end)
	var plainErr error
	h := router.New(router.Options{
		GraphQL: http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Accept") != "text/event-stream" {
				plainErr = r.Context().Err()
				return
			}
			receive(t, r.Context().Done(), "a stream opened during shutdown to end")
		}),
		EndStreams: end,
	})
	serve(h, http.MethodPost, "/graphql", nil, http.Header{"Accept": {"text/event-stream"}})
	rec := serve(h, http.MethodPost, "/graphql", nil, http.Header{"Accept": {"application/json"}})
	require.Equal(t, http.StatusOK, rec.Code)
	require.NoError(t, plainErr, "ordinary requests still run during shutdown")
}

func TestLandingPage(t *testing.T) {
	t.Parallel()
	h := router.New(router.Options{GraphQL: ok})
	rec := serve(h, http.MethodGet, "/", nil, nil)
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))
	csp := rec.Header().Get("Content-Security-Policy")
	require.Contains(t, csp, "default-src 'none'")
	require.Contains(t, csp, "frame-ancestors 'none'")
	require.Contains(t, rec.Body.String(), "<h1>Gatehouse</h1>")
	require.Contains(t, rec.Body.String(), `href="/graphql/playground"`)

	rec = serve(h, http.MethodPost, "/", nil, nil)
	require.Equal(t, http.StatusNotFound, rec.Code, "the landing page answers GET only")
	require.Empty(t, rec.Header().Get("Content-Security-Policy"))
}

func TestPlaygroundNotMountedWhenNil(t *testing.T) {
	t.Parallel()
	rec := serve(router.New(router.Options{GraphQL: ok}), http.MethodGet, "/graphql/playground", nil, nil)
	require.Equal(t, http.StatusNotFound, rec.Code)
}
