// Package router assembles Gatehouse's HTTP surface: it mounts the GraphQL
// API, the playground, health checks and metrics, and wraps them in the
// middleware every request goes through.
//
//	route                      handler
//	/graphql                   GraphQL (POST, GET for queries, websocket, SSE)
//	/graphql/playground        GraphiQL, every asset served from the binary
//	/graphql/schema.graphql    the schema's SDL, when Options.Schema is set
//	/-/health/live             200 while the process serves
//	/-/health/ready            200 when the database and Redis answer, else 503
//	/metrics                   Prometheus, when Options.Gatherer is set (see Metrics)
//	/outpost.gatehouse/        the embedded outpost's endpoints, on every host
//	any path of an external    the embedded outpost (Options.OutpostHosts: a
//	host                       proxy provider's application)
//	/                          a landing page pointing at the above
//
// Every request gets a request ID (X-Request-ID), its client address (from
// X-Forwarded-For only when the peer is a trusted proxy), an access-log line,
// panic recovery and HTTP metrics. The /graphql routes answer CORS for
// Options.CORSOrigins (cors.go).
package router

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gatehouse-id/gatehouse/authn"
	"github.com/gatehouse-id/gatehouse/requestinfo"
)

// Check is a named readiness check: nil means ready.
type Check struct {
	Name  string
	Check func(ctx context.Context) error
}

// Options are what the router mounts and how.
type Options struct {
	// GraphQL serves /graphql; it is wrapped by Authenticate and Guard here.
	GraphQL http.Handler
	// Authenticate puts the viewer in the request context.
	Authenticate func(http.Handler) http.Handler
	// Guard refuses cross-origin cookie-authenticated requests.
	Guard func(http.Handler) http.Handler
	// Schema serves GET /graphql/schema.graphql; it is wrapped by
	// Authenticate here. Nil serves none.
	Schema http.Handler
	// CORSOrigins are the origins whose pages may call /graphql with
	// credentials (CORS); others get no CORS headers.
	CORSOrigins []string
	// Playground serves /graphql/playground and everything under it.
	Playground http.Handler
	// Web serves the web frontend under /if/.
	Web http.Handler
	// Root answers GET /; it is wrapped by Authenticate here. Nil serves a
	// short page pointing at the API.
	Root http.Handler
	// OIDC serves OpenID Connect discovery and the provider's endpoints
	// (OIDCPaths); nil serves none.
	OIDC http.Handler
	// OIDCSession serves the provider's endpoints that act on the
	// browser's Gatehouse session: continuing an authorization after a
	// flow (OIDCResumePath) and ending the session (OIDCEndSessionPath,
	// OIDCSignedOutPath). It is wrapped by Authenticate here.
	OIDCSession http.Handler
	// Ready lists the readiness checks of /-/health/ready.
	Ready []Check
	// Gatherer serves GET /metrics; nil answers 404 there (metrics served
	// on a separate listener by Metrics, or not at all).
	Gatherer prometheus.Gatherer
	// MetricsToken, when set, is the bearer token /metrics requires.
	MetricsToken string
	// Registerer collects the router's own metrics.
	Registerer prometheus.Registerer
	// TrustedProxies are the peers whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// MaxBodyBytes bounds request bodies.
	MaxBodyBytes int64
	// Outpost is the embedded outpost: it serves everything under
	// OutpostPrefix on every host, and every request whose host
	// OutpostHosts reports (an application's external host). Nil serves
	// none.
	Outpost http.Handler
	// OutpostHosts reports whether a host name (lower case, no port) is a
	// proxy provider's external host; nil means none is.
	OutpostHosts func(host string) bool
	// EndStreams, when closed, ends every long-lived request (subscription
	// websockets and SSE streams), which graceful shutdown cannot wait for.
	EndStreams <-chan struct{}
	// Logger writes the access log and errors.
	Logger *slog.Logger
}

// Where the OpenID Connect provider is served (oidc/provider's paths; the
// router does not import the provider).
const (
	OIDCDiscoveryPath  = "/.well-known/openid-configuration"
	OIDCPrefix         = "/oauth2/"
	OIDCResumePath     = "/oauth2/authorize/resume"
	OIDCEndSessionPath = "/oauth2/end_session"
	OIDCSignedOutPath  = "/oauth2/end_session/done"
	// OIDCDevicePath is the device authorization's verification URI and
	// OIDCDeviceContinuePath where the browser goes on after the code.
	OIDCDevicePath         = "/device"
	OIDCDeviceContinuePath = "/oauth2/device/continue"
)

// OutpostPrefix is where the outpost's own endpoints (forward-auth checks,
// sign-in and its callback) are served, on every host.
const OutpostPrefix = "/outpost.gatehouse/"

// New returns the HTTP handler of the whole server.
func New(o Options) http.Handler {
	mux := http.NewServeMux()
	graphql := o.GraphQL
	if o.Guard != nil {
		graphql = o.Guard(graphql)
	}
	if o.Authenticate != nil {
		graphql = o.Authenticate(graphql)
	}
	mux.Handle("/graphql", cors(o.CORSOrigins, endWith(o.EndStreams, limitBody(graphql, o.MaxBodyBytes))))
	if o.Schema != nil {
		schema := o.Schema
		if o.Authenticate != nil {
			schema = o.Authenticate(schema)
		}
		mux.Handle("/graphql/schema.graphql", cors(o.CORSOrigins, schema))
	}
	if o.Playground != nil {
		mux.Handle("/graphql/playground", o.Playground)
		mux.Handle("/graphql/playground/", o.Playground)
	}
	mux.HandleFunc("GET /-/health/live", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
	})
	mux.Handle("GET /-/health/ready", readiness(o.Ready))
	if o.Gatherer != nil {
		mux.Handle("GET /metrics", metrics(o.Gatherer, o.MetricsToken))
	}
	if o.Web != nil {
		mux.Handle("/if/", o.Web)
	}
	if o.OIDC != nil {
		mux.Handle(OIDCDiscoveryPath, limitBody(o.OIDC, o.MaxBodyBytes))
		mux.Handle(OIDCPrefix, limitBody(o.OIDC, o.MaxBodyBytes))
	}
	if o.OIDCSession != nil {
		withSession := o.OIDCSession
		if o.Authenticate != nil {
			withSession = o.Authenticate(withSession)
		}
		mux.Handle("GET "+OIDCResumePath, withSession)
		mux.Handle(OIDCEndSessionPath, limitBody(withSession, o.MaxBodyBytes))
		mux.Handle("GET "+OIDCSignedOutPath, withSession)
		mux.Handle("GET "+OIDCDevicePath, withSession)
		mux.Handle("GET "+OIDCDeviceContinuePath, withSession)
	}
	if o.Root != nil {
		root := o.Root
		if o.Authenticate != nil {
			root = o.Authenticate(root)
		}
		mux.Handle("GET /{$}", root)
	} else {
		mux.Handle("GET /{$}", landing())
	}
	mux.HandleFunc("/", notFound)
	if o.Outpost == nil {
		return middleware(mux, o)
	}
	mux.Handle(OutpostPrefix, limitBody(o.Outpost, o.MaxBodyBytes))
	return middleware(byHost(o.OutpostHosts, o.Outpost, mux), o)
}

// byHost sends a request for an external host to the outpost (whatever
// its path: the application behind it owns every path but the outpost's
// own) and every other request to core.
func byHost(external func(host string) bool, outpost, core http.Handler) http.Handler {
	if external == nil {
		return core
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if external(HostName(r)) {
			outpost.ServeHTTP(w, r)
			return
		}
		core.ServeHTTP(w, r)
	})
}

func notFound(w http.ResponseWriter, _ *http.Request) {
	writeError(w, http.StatusNotFound, "not found")
}

// Metrics returns the whole handler of a separate metrics listener: GET
// /metrics from g (requiring token when set), 404 for everything else.
func Metrics(g prometheus.Gatherer, token string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics(g, token))
	mux.HandleFunc("/", notFound)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		mux.ServeHTTP(w, r)
	})
}

// metrics serves g's metrics, to requests carrying "Authorization: Bearer
// <token>" only when token is set (compared in constant time; others get
// 401).
func metrics(g prometheus.Gatherer, token string) http.Handler {
	serve := promhttp.HandlerFor(g, promhttp.HandlerOpts{})
	if token == "" {
		return serve
	}
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, got, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		// Hashes of equal length: the comparison says nothing of the
		// token's length either.
		sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			writeError(w, http.StatusUnauthorized, "a valid metrics token is required")
			return
		}
		serve.ServeHTTP(w, r)
	})
}

// limitBody reads a request body of at most limit bytes before the
// handler runs, and answers a larger one 413 itself: the GraphQL
// transports would report a failed read as an internal error.
func limitBody(next http.Handler, limit int64) http.Handler {
	if limit <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > limit {
			tooLarge(w, limit)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
		if _, over := errors.AsType[*http.MaxBytesError](err); over {
			tooLarge(w, limit)
			return
		}
		if err != nil {
			authn.WriteError(w, http.StatusBadRequest, "BAD_REQUEST", "the request body could not be read")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

func tooLarge(w http.ResponseWriter, limit int64) {
	authn.WriteError(w, http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE",
		fmt.Sprintf("the request body is larger than %d bytes", limit))
}

// endWith gives streaming requests (websocket upgrades, SSE) a context that
// also ends when end is closed; ordinary requests keep theirs, so a graceful
// shutdown lets them finish.
func endWith(end <-chan struct{}, next http.Handler) http.Handler {
	if end == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isStream(r) {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		go func() {
			select {
			case <-end:
				cancel()
			case <-ctx.Done():
			}
		}()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func isStream(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket") ||
		strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

func readiness(checks []Check) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		status, results := http.StatusOK, map[string]string{}
		for _, c := range checks {
			if err := c.Check(ctx); err != nil {
				status = http.StatusServiceUnavailable
				results[c.Name] = "unavailable"
				continue
			}
			results[c.Name] = "ok"
		}
		state := "ok"
		if status != http.StatusOK {
			state = "unavailable"
		}
		writeJSON(w, status, map[string]any{"status": state, "checks": results})
	})
}

var landingPage = template.Must(template.New("landing").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Gatehouse</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Gatehouse</h1>
<p>The GraphQL API is at <a href="/graphql/playground"><code>/graphql</code></a>; explore it in the <a href="/graphql/playground">playground</a>.</p>
</main></body></html>`))

func landing() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		_ = landingPage.Execute(w, nil)
	})
}

// writeError answers {"error": message}.
func writeError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]any{"error": message})
}

func writeJSON(w http.ResponseWriter, status int, v map[string]any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// middleware wraps every request: security headers, request ID, client
// address, recovery, access log and metrics.
func middleware(next http.Handler, o Options) http.Handler {
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gatehouse_http_requests_total",
		Help: "HTTP requests by route and status code.",
	}, []string{"route", "code"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "gatehouse_http_request_duration_seconds",
		Help:    "HTTP request duration by route.",
		Buckets: prometheus.DefBuckets,
	}, []string{"route"})
	if o.Registerer != nil {
		o.Registerer.MustRegister(requests, duration)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		reqID := newRequestID()
		w.Header().Set("X-Request-ID", reqID)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		info := requestinfo.Info{
			ClientIP:  ClientIP(r, o.TrustedProxies),
			Host:      HostName(r),
			UserAgent: validText(r.UserAgent()),
			RequestID: reqID,
			Headers:   headers(r.Header),
		}
		r = r.WithContext(requestinfo.NewContext(r.Context(), info))
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler { //nolint:errorlint // sentinel compared as net/http does
					panic(p)
				}
				logger.ErrorContext(r.Context(), "http handler panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()), "request_id", reqID)
				if !rec.wrote {
					writeJSON(rec, http.StatusInternalServerError, map[string]any{"error": "internal error", "request_id": reqID})
				}
			}
			route := routeLabel(r.URL.Path)
			requests.WithLabelValues(route, strconv.Itoa(rec.status)).Inc()
			duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
			logger.LogAttrs(r.Context(), slog.LevelInfo, "http request",
				slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", rec.status),
				slog.Duration("duration", time.Since(start)), slog.String("client_ip", info.ClientIP.String()),
				slog.String("request_id", reqID))
		}()
		next.ServeHTTP(rec, r)
	})
}

// routeLabel bounds the metric's route label to the known routes.
func routeLabel(path string) string {
	switch {
	case path == "/graphql", path == "/graphql/schema.graphql":
		return path
	case strings.HasPrefix(path, "/graphql/playground"):
		return "/graphql/playground"
	case strings.HasPrefix(path, "/if/assets/"):
		return "/if/assets"
	case strings.HasPrefix(path, "/if/flow/"):
		return "/if/flow"
	case path == "/if/user/", path == "/if/admin/":
		return path
	case strings.HasPrefix(path, OutpostPrefix+"auth/"):
		return OutpostPrefix + "auth"
	case strings.HasPrefix(path, OutpostPrefix):
		return OutpostPrefix
	case path == "/-/health/live", path == "/-/health/ready", path == "/metrics", path == "/":
		return path
	default:
		return "other"
	}
}

// headers flattens h for policies: lower-case names, values joined (as
// valid UTF-8). The Authorization and Cookie headers are left out:
// policies never see credentials.
func headers(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		name := strings.ToLower(k)
		if name == "authorization" || name == "cookie" || name == "gatehouse-session" {
			continue
		}
		out[name] = validText(strings.Join(vs, ", "))
	}
	return out
}

// validText replaces what is not UTF-8 in a header value (HTTP allows any
// byte above 0x7f; net/http refuses NUL) so that what flows and sessions
// store of the request is text on every backend.
func validText(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ClientIP returns the client's address: the peer's, unless the peer is a
// trusted proxy, in which case the rightmost X-Forwarded-For entry that is
// not itself a trusted proxy. Entries that do not parse end the walk, so a
// client cannot inject an address past a proxy that appends correctly.
func ClientIP(r *http.Request, trusted []netip.Prefix) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	peer = peer.Unmap()
	if !isTrusted(peer, trusted) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	addr := peer
	for _, raw := range slices.Backward(hops) {
		hop, err := netip.ParseAddr(strings.TrimSpace(raw))
		if err != nil {
			return addr
		}
		addr = hop.Unmap()
		if !isTrusted(addr, trusted) {
			return addr
		}
	}
	return addr
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// statusRecorder remembers the status written, for logs and metrics, and
// passes through the interfaces streaming transports need.
type statusRecorder struct {
	http.ResponseWriter

	status int
	wrote  bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush and Hijack (SSE, websockets).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Flush implements http.Flusher for transports that check for it directly.
func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack implements http.Hijacker for websocket upgrades.
func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := s.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, fmt.Errorf("response writer %T cannot hijack", s.ResponseWriter)
	}
	s.status, s.wrote = http.StatusSwitchingProtocols, true
	return h.Hijack()
}

// HostName is the host name r was sent to, lower case, without the port or
// an IPv6 literal's brackets.
func HostName(r *http.Request) string {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.ToLower(strings.Trim(host, "[]"))
}
