package graph

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Options configure the GraphQL HTTP handler.
type Options struct {
	// Dev enables introspection for everyone and field suggestions in
	// validation errors. In production both are off (introspection stays on
	// for superusers).
	Dev bool
	// Limits bound each operation; zero fields take DefaultLimits.
	Limits Limits
	// ParserTokenLimit bounds the tokens of a query document (default 15000).
	ParserTokenLimit int
	// WebsocketOrigins are origins, besides the server's own host, whose
	// pages may open subscription websockets ("https://app.example.com").
	WebsocketOrigins []string
	// WebsocketAuth authenticates the Authorization value a websocket client
	// sends in its connection_init payload, returning a context with the
	// resulting viewer; authn.ErrInvalidCredentials refuses them (4403), any
	// other error means they could not be checked (1013). Nil ignores the
	// payload (only the cookie counts).
	WebsocketAuth func(ctx context.Context, authorization string) (context.Context, error)
	// WebsocketSession authenticates a session ID: one a websocket client
	// sends in its connection_init payload (Gatehouse-Session or
	// sessionToken), or one a flow mutation over the socket created. It
	// returns a context whose session (authn.SessionID) and viewer are the
	// session's; an error means the session could not be read (1013 at
	// connection_init, UNAVAILABLE for an operation). Nil ignores session
	// IDs in connection_init and keeps each socket's first viewer.
	WebsocketSession func(ctx context.Context, id string) (context.Context, error)
	// Watch keeps subscriptions under the authority that opened them
	// (authn.Watcher.Watch); nil lets them run until they end.
	Watch WatchFunc
	// WebsocketInitTimeout is how long a websocket may take to send
	// connection_init before it is closed with 4408 (default 10s).
	WebsocketInitTimeout time.Duration
	// Registerer receives the handler's metrics; nil registers none.
	Registerer prometheus.Registerer
	// Logger receives errors that are not shown to clients.
	Logger *slog.Logger
}

// NewHandler returns the /graphql handler: POST for queries and mutations,
// GET for queries only, websocket (graphql-transport-ws) and SSE for
// subscriptions. Automatic persisted queries (Apollo's protocol) work on
// every transport (persisted.go). Mutations run in one transaction each. Authentication is
// the caller's job: the request context must already carry the viewer.
// POST and GET answers carry the HTTP status of their errors (status.go);
// websockets close with graphql-transport-ws's codes (websocket.go).
func NewHandler(deps Deps, opts Options) http.Handler {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	limits := withDefaults(opts.Limits)
	srv := handler.New(NewSchema(deps))

	srv.AddTransport(transport.SSE{KeepAlivePingInterval: 15 * time.Second}) // before POST: both are POSTs
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 15 * time.Second,
		InitTimeout:           cmp.Or(opts.WebsocketInitTimeout, defaultInitTimeout),
		Implementation: wsImplementation{transport.CoderWebsocketImplementation{AcceptOptions: websocket.AcceptOptions{
			OriginPatterns: originPatterns(opts.WebsocketOrigins),
		}}},
		InitFunc: websocketInit(opts),
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.AddTransport(unsupported{}) // last: what no transport above takes

	cache := lru.New[*ast.QueryDocument](1000)
	tokenLimit := orDefault(opts.ParserTokenLimit, 15000)
	srv.SetQueryCache(cache)
	srv.SetParserTokenLimit(tokenLimit)
	srv.SetDisableSuggestion(!opts.Dev)
	present := recordInternal(presentError(logger), deps.Client, deps.Auditor, logger)
	srv.SetErrorPresenter(present)
	srv.SetRecoverFunc(recoverPanic(logger))

	// Every operation finds an ent client in its context (a mutation's
	// transaction replaces it below): configs resolve their references
	// with it (package configref).
	// An operation on a websocket runs as the session the socket holds
	// now (adoptSession).
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if ent.FromContext(ctx) == nil {
			ctx = ent.NewContext(ctx, deps.Client)
		}
		ctx, err := adoptSession(ctx, opts.WebsocketSession)
		if err != nil {
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{present(ctx, problem.ErrUnavailable)}})
		}
		return next(ctx)
	})
	srv.Use(statusExtension{}) // first: the outermost response interceptor sees every error
	srv.Use(persistedQueries{apq: extension.AutomaticPersistedQuery{Cache: lru.New[string](PersistedQueryCacheSize)}})
	srv.Use(singleResponse{})
	srv.Use(introspectionExtension{dev: opts.Dev})
	if opts.Watch != nil {
		srv.Use(authorityExtension{watch: opts.Watch, present: present})
	}
	srv.Use(limitExtension{limits: limits})
	srv.Use(outpostGate{})
	// Flow and session mutations run outside the per-operation transaction:
	// they write sessions, executions and counters through their own stores
	// (on SQLite a held write transaction would lock them out), and each
	// flow step is a compare-and-set of its own.
	srv.Use(transactioner{Transactioner: entgql.Transactioner{
		TxOpener: deps.Client,
		SkipTxFunc: entgql.SkipIfHasFields("startFlow", "submitChallenge", "restartFlow", "cancelFlow",
			"revokeSession", "revokeOtherSessions", "revokeUserSessions"),
	}, present: present})
	if opts.Registerer != nil {
		srv.Use(newMetrics(opts.Registerer))
	}
	return requestCheck{next: withStatus(withWebsocketState(srv)), cache: cache, tokenLimit: tokenLimit}
}

func withDefaults(l Limits) Limits {
	l.MaxDepth = orDefault(l.MaxDepth, DefaultLimits.MaxDepth)
	l.MaxComplexity = orDefault(l.MaxComplexity, DefaultLimits.MaxComplexity)
	l.MaxPageSize = orDefault(l.MaxPageSize, DefaultLimits.MaxPageSize)
	l.DefaultPageSize = orDefault(l.DefaultPageSize, DefaultLimits.DefaultPageSize)
	return l
}

func orDefault(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// originPatterns turns origins into coder/websocket patterns, which match
// "scheme://host" when they contain "://".
func originPatterns(origins []string) []string {
	out := make([]string, 0, len(origins))
	for _, o := range origins {
		if o = strings.TrimRight(strings.TrimSpace(o), "/"); o != "" {
			out = append(out, o)
		}
	}
	return out
}

// Metric labels and the values of labelOutcome.
const (
	labelType    = "type"
	labelOutcome = "outcome"
	outcomeOK    = "ok"
	outcomeError = "error"
)

// metrics count and time GraphQL operations.
type metrics struct {
	operations *prometheus.CounterVec
	duration   *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		operations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gatehouse_graphql_operations_total",
			Help: "GraphQL operations by type and outcome (ok, error).",
		}, []string{labelType, labelOutcome}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gatehouse_graphql_operation_duration_seconds",
			Help:    "Time to the first response of GraphQL operations, by type.",
			Buckets: prometheus.DefBuckets,
		}, []string{labelType}),
	}
	reg.MustRegister(m.operations, m.duration)
	return m
}

// ExtensionName implements graphql.HandlerExtension.
func (*metrics) ExtensionName() string { return "GatehouseMetrics" }

// Validate implements graphql.HandlerExtension.
func (*metrics) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation implements graphql.OperationInterceptor: it times the
// first response of each operation.
func (m *metrics) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	start := time.Now()
	opType := "unknown"
	if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil {
		opType = string(oc.Operation.Operation)
	}
	handle := next(ctx)
	first := true
	return func(ctx context.Context) *graphql.Response {
		resp := handle(ctx)
		if first {
			first = false
			outcome := outcomeOK
			if resp == nil || len(resp.Errors) > 0 {
				outcome = outcomeError
			}
			m.operations.WithLabelValues(opType, outcome).Inc()
			m.duration.WithLabelValues(opType).Observe(time.Since(start).Seconds())
		}
		return resp
	}
}
