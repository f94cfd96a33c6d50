// Command gatehouse is the Gatehouse identity server.
//
//	gatehouse serve     run the HTTP server (and, by default, the job workers)
//	gatehouse worker    run only the job workers
//	gatehouse migrate   apply database migrations and exit
//	gatehouse version   print the version
//
// Configuration comes from GATEHOUSE_* environment variables (see README).
// This file wires the packages together; it holds no logic of its own.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-id/gatehouse/applications"
	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/authn"
	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/bootstrap"
	"github.com/gatehouse-id/gatehouse/brand"
	"github.com/gatehouse-id/gatehouse/config"
	"github.com/gatehouse-id/gatehouse/counter"
	counterredis "github.com/gatehouse-id/gatehouse/counter/redisstore"
	countersql "github.com/gatehouse-id/gatehouse/counter/sqlstore"
	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/database"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/flowstate"
	flowstateredis "github.com/gatehouse-id/gatehouse/executor/flowstate/redisstore"
	flowstatesql "github.com/gatehouse-id/gatehouse/executor/flowstate/sqlstore"
	"github.com/gatehouse-id/gatehouse/executor/stages"
	"github.com/gatehouse-id/gatehouse/graph"
	"github.com/gatehouse-id/gatehouse/integrity"
	"github.com/gatehouse-id/gatehouse/jobs"
	"github.com/gatehouse-id/gatehouse/notify"
	"github.com/gatehouse-id/gatehouse/oidc/keys"
	"github.com/gatehouse-id/gatehouse/oidc/provider"
	"github.com/gatehouse-id/gatehouse/outpost"
	"github.com/gatehouse-id/gatehouse/outposts"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/policy/builtin"
	"github.com/gatehouse-id/gatehouse/pubsub"
	"github.com/gatehouse-id/gatehouse/router"
	"github.com/gatehouse-id/gatehouse/seal"
	"github.com/gatehouse-id/gatehouse/session"
	sessionredis "github.com/gatehouse-id/gatehouse/session/redisstore"
	sessionsql "github.com/gatehouse-id/gatehouse/session/sqlstore"
	"github.com/gatehouse-id/gatehouse/session/userhook"
	"github.com/gatehouse-id/gatehouse/web"
	"github.com/gatehouse-id/gatehouse/web/playground"
)

const usage = `usage: gatehouse <command>

commands:
  serve     run the HTTP server (and the job workers unless GATEHOUSE_WORKER=false)
  worker    run only the background job workers
  migrate   apply database migrations and exit
  schema    print the GraphQL schema (SDL) that /graphql serves
  outpost   run a standalone outpost: gatehouse outpost --core <public URL> --token <token>
            (or GATEHOUSE_OUTPOST_CORE, GATEHOUSE_OUTPOST_TOKEN); listens on GATEHOUSE_LISTEN
  version   print the version

Configuration is read from GATEHOUSE_* environment variables; see README.md.
`

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run executes the command in args and returns the process exit code.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (len(args) > 1 && args[0] != "outpost") {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "version":
		fmt.Fprintln(stdout, version())
		return 0
	case "schema": // needs no configuration: the schema is the binary's
		fmt.Fprint(stdout, graph.SDL())
		return 0
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "gatehouse: %v\n", err)
		return 2
	}
	logger := cfg.Logger(os.Stderr)
	// Libraries that log through slog's default logger (zitadel/oidc's
	// request errors) then log as Gatehouse does: its format and level.
	slog.SetDefault(logger)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	switch args[0] {
	case "serve":
		err = serve(ctx, cfg, logger, stdout)
	case "worker":
		err = work(ctx, cfg, logger)
	case "outpost":
		var oa outpostArgs
		if oa, err = parseOutpostArgs(args[1:], getenv, stderr); err != nil {
			fmt.Fprintf(stderr, "gatehouse outpost: %v\n", err)
			return 2
		}
		err = runOutpost(ctx, oa, cfg, logger, stdout)
	case "migrate":
		var a *app
		if a, err = open(ctx, cfg, logger); err == nil {
			a.close()
		}
	default:
		fmt.Fprint(stderr, usage)
		return 2
	}
	if err != nil {
		logger.Error("gatehouse stopped", "error", err)
		return 1
	}
	return 0
}

func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return "gatehouse " + info.Main.Version
	}
	return "gatehouse (development build)"
}

// app is what every command shares: the database with its hooks, the
// stores (Redis when configured, else the database), the pub/sub broker and
// the metrics registry.
type app struct {
	cfg      *config.Config
	logger   *slog.Logger
	db       *database.DB
	redis    *redis.Client
	broker   pubsub.Broker
	registry *prometheus.Registry
	recorder *audit.Recorder
	counters counter.Store
	// lockouts keep account lockouts when counters are in Redis; nil when
	// counters are durable themselves.
	lockouts   counter.Store
	sessions   *session.Manager
	announcer  *authn.Announcer
	executions flowstate.Store
	sweepers   []jobs.Sweeper
	kinds      integrity.Kinds
	// secretKey seals and derives what Gatehouse hands out
	// (GATEHOUSE_SECRET_KEY, or the data directory's).
	secretKey string
	// signingKeys are the OpenID Connect provider's keys (serve creates
	// the first ones).
	signingKeys *keys.Store
	// queue is the job queue (jobs enqueued in a write's transaction, the
	// admin's list of jobs).
	queue *jobs.Queue
	// gate decides, for every event, whether to queue its notification.
	gate *notify.Gate
	// mail queues the flows' mail (the email stage's links): the queue,
	// which reports through Ready whether mail can be delivered (tests
	// put a recorder here).
	mail executor.Mailer
	// embedded is the embedded outpost (set by handler; runEmbedded runs
	// it).
	embedded *outpost.Outpost
	// nowFunc is the clock of the flows and the workers (nil: time.Now).
	nowFunc func() time.Time
}

// brandDomain is the default brand's host name: the public origin's, or
// localhost when it is not a name a brand can have (an IPv6 literal).
func brandDomain(public string) string {
	u, err := url.Parse(public)
	if err != nil {
		return "localhost"
	}
	host := strings.ToLower(u.Hostname())
	if host == "" || strings.Contains(host, ":") {
		return "localhost"
	}
	return host
}

// open connects to the database (migrating it) and to Redis when
// configured, and installs the hooks every write goes through.
func open(ctx context.Context, cfg *config.Config, logger *slog.Logger) (*app, error) {
	a := &app{cfg: cfg, logger: logger, registry: prometheus.NewRegistry()}
	a.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	db, err := database.Open(ctx, database.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Logger: logger})
	if err != nil {
		return nil, err
	}
	a.db = db
	if err := db.Migrate(ctx); err != nil {
		a.close()
		return nil, err
	}
	if cfg.RedisURL != "" {
		opts, err := redis.ParseURL(cfg.RedisURL)
		if err != nil {
			a.close()
			return nil, fmt.Errorf("parse GATEHOUSE_REDIS_URL: %w", err)
		}
		a.redis = redis.NewClient(opts)
		if err := a.redis.Ping(ctx).Err(); err != nil {
			a.close()
			return nil, fmt.Errorf("connect to redis: %w", err)
		}
		a.broker = pubsub.NewRedis(a.redis, cfg.RedisPrefix, &pubsub.Options{Logger: logger})
		a.counters = counterredis.New(a.redis, cfg.RedisPrefix, nil)
		// What must outlive a Redis that loses data (account lockouts,
		// revoked sessions) stays in the database.
		durable := countersql.New(db.Ent, nil)
		a.lockouts = durable
		sessions := sessionredis.New(a.redis, cfg.RedisPrefix, nil)
		a.sweepers = []jobs.Sweeper{
			{Name: "lockouts and revocations", DeleteExpired: durable.DeleteExpired},
			{Name: "the active sessions index", DeleteExpired: sessions.DeleteExpired},
		}
		a.sessions = &session.Manager{
			Store:       sessions,
			Revocations: session.NewCounterRevocations(durable, nil),
		}
		a.executions = flowstateredis.New(a.redis, cfg.RedisPrefix, nil)
	} else {
		a.broker = pubsub.NewLocal(&pubsub.Options{Logger: logger})
		counters := countersql.New(db.Ent, nil)
		sessions := sessionsql.New(db.Ent, nil)
		executions := flowstatesql.New(db.Ent, nil)
		a.counters, a.sessions, a.executions = counters, &session.Manager{Store: sessions}, executions
		a.sweepers = []jobs.Sweeper{
			{Name: "sessions", DeleteExpired: sessions.DeleteExpired},
			{Name: "flow executions", DeleteExpired: executions.DeleteExpired},
			{Name: "counters", DeleteExpired: counters.DeleteExpired},
		}
	}
	a.kinds = integrity.Kinds{Stages: stages.All(), Policies: builtin.All()}
	integrity.Install(db.Ent, a.kinds)
	a.recorder = &audit.Recorder{Broker: a.broker, App: "gatehouse", Retention: cfg.EventRetention, Logger: logger}
	a.recorder.Install(db.Ent)
	a.announcer = &authn.Announcer{Broker: a.broker, Logger: logger}
	a.announcer.Install(db.Ent)
	a.sessions.EndedFunc = a.announcer.User
	outposts.Install(db.Ent, a.broker, logger)
	userhook.Install(db.Ent, a.sessions, logger)
	executor.InvalidateOn(db.Ent, a.counters, logger)
	if a.secretKey, _, err = cfg.ResolveSecretKey(); err != nil {
		a.close()
		return nil, err
	}
	if a.signingKeys, err = keys.New(db.Ent, a.secretKey, keys.Options{Logger: logger}); err != nil {
		a.close()
		return nil, err
	}
	if a.queue, err = a.jobQueue(); err != nil {
		a.close()
		return nil, err
	}
	a.mail = a.queue
	// Events queue their notification in their own transaction, while a
	// rule exists (notify.Gate).
	a.gate = notify.NewGate(notify.GateParams{Client: db.Ent, Queue: a.queue, Broker: a.broker, Logger: logger})
	a.gate.Install(db.Ent)
	a.recorder.Notifier = a.gate
	logger.Info("database ready", "dialect", db.Dialect, "location", db.Location, "redis", cfg.RedisURL != "")
	return a, nil
}

func (a *app) close() {
	if a.broker != nil {
		_ = a.broker.Close()
	}
	if a.redis != nil {
		_ = a.redis.Close()
	}
	if a.db != nil {
		_ = a.db.Close()
	}
}

// readyChecks are the dependencies /-/health/ready reports on.
func (a *app) readyChecks() []router.Check {
	checks := []router.Check{{Name: "database", Check: a.db.Ping}}
	if a.redis != nil {
		checks = append(checks, router.Check{Name: "redis", Check: func(ctx context.Context) error {
			return a.redis.Ping(ctx).Err()
		}})
	}
	return checks
}

func serve(ctx context.Context, cfg *config.Config, logger *slog.Logger, stdout io.Writer) error {
	_, created, err := cfg.ResolveSecretKey()
	if err != nil {
		return err
	}
	if created && cfg.DatabaseURL != "" {
		logger.Warn("generated a secret key in the data directory; set GATEHOUSE_SECRET_KEY so that every server of this deployment uses the same one")
	}
	a, err := open(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer a.close()
	// The OpenID Connect provider's first keys (a server signs; `migrate`
	// needs none and the worker's rotation creates any missing).
	if err := a.signingKeys.Ensure(ctx); err != nil {
		return fmt.Errorf("signing keys: %w", err)
	}

	hasher := credential.NewHasher(credential.DefaultParams(), 0)
	boot, err := bootstrap.Run(ctx, a.db.Ent, bootstrap.Params{
		Dialect:       a.db.Dialect,
		Password:      cfg.BootstrapPassword,
		Email:         cfg.BootstrapEmail,
		Token:         cfg.BootstrapToken,
		GenerateToken: cfg.Dev,
		Hasher:        hasher,
		Logger:        logger,
		SecretKey:     a.secretKey,
	})
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}

	if cfg.Worker {
		runner, err := jobs.Start(ctx, a.jobsConfig())
		if err != nil {
			return err
		}
		defer stopWorkers(runner, cfg.ShutdownTimeout, logger)
	}

	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	public := cfg.PublicOrigin(ln.Addr().String())
	if err := a.applyDefaults(ctx, public); err != nil {
		_ = ln.Close()
		return err
	}
	endStreams := make(chan struct{})
	closeStreams := sync.OnceFunc(func() { close(endStreams) })
	defer closeStreams()
	handler, err := a.handler(public, hasher, endStreams)
	if err != nil {
		_ = ln.Close()
		return err
	}
	a.runEmbedded(ctx)
	go a.gate.Run(ctx)
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(closeStreams)
	metrics, err := listenMetrics(ctx, cfg, a.registry, logger)
	if err != nil {
		_ = ln.Close()
		return err
	}
	metricsURL := ""
	if metrics != nil {
		defer metrics.Close()
		metricsURL = "http://" + metrics.Addr + "/metrics"
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	printBanner(stdout, public, metricsURL, boot)
	logger.Info("gatehouse listening", "address", ln.Addr().String(), "public_url", public, "dev", cfg.Dev)

	select {
	case err := <-served:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if metrics != nil {
		_ = metrics.Shutdown(shutdownCtx)
	}
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// applyDefaults applies the default blueprints (flows and brand) that this
// database has never seen.
func (a *app) applyDefaults(ctx context.Context, public string) error {
	_, err := blueprints.ApplyDefaults(ctx, a.db.Ent, blueprints.DefaultsParams{
		Dialect: a.db.Dialect, BrandDomain: brandDomain(public), Kinds: a.kinds, Logger: a.logger,
	})
	if err != nil {
		return fmt.Errorf("apply default blueprints: %w", err)
	}
	return nil
}

// handler wires the flow engine, the policy engine and the API over the
// app's stores: everything a server at public serves. Subscriptions end
// when endStreams closes.
func (a *app) handler(public string, hasher *credential.Hasher, endStreams <-chan struct{}) (http.Handler, error) {
	cfg, logger := a.cfg, a.logger
	auth := &authn.Authenticator{
		Client: a.db.Ent, Sessions: a.sessions, Logger: logger,
		SecureCookies: strings.HasPrefix(public, "https://"),
	}
	policies := policy.NewEngine(a.db.Ent, a.kinds.Policies, policy.Deps{Counters: a.counters, Logger: logger},
		&policy.EngineOptions{Recorder: a.recorder.For(a.db.Ent)})
	flows := executor.New(executor.Deps{
		Client: a.db.Ent, Sessions: a.sessions, Policies: policies, Hasher: hasher,
		Counters: a.counters, Lockouts: a.lockouts, Auditor: a.recorder, Logger: logger,
		Secrets: seal.NewKeys(a.secretKey), Mail: a.mail, PublicURL: public, NowFunc: a.nowFunc,
	}, executor.Options{
		Kinds: a.kinds.Stages, Store: a.executions, Broker: a.broker,
		StartLimits: executor.StartLimits{PerIP: unlimitedIfZero(cfg.FlowStartsPerIP), PerSession: unlimitedIfZero(cfg.FlowStartsPerSession)},
		Handoffs:    []executor.Handoff{provider.NewHandoff(a.db.Ent, a.recorder, nil)},
	})
	site := func(r *http.Request) (brand.Site, error) {
		return brand.ForHost(r.Context(), a.db.Ent, router.HostName(r))
	}
	access := &applications.Access{Client: a.db.Ent, Policies: policies}
	outpostCore := &outposts.Service{
		Client: a.db.Ent, SecretKey: a.secretKey, Issuer: public, Keys: a.signingKeys,
		UserSessions: a.sessions, Access: access, Broker: a.broker, Logger: logger,
	}
	sso, err := provider.New(provider.Options{
		Client: a.db.Ent, Keys: a.signingKeys, Issuer: public, SecretKey: a.secretKey,
		Flows: flows, Sessions: a.sessions, SessionID: authn.SessionID,
		Access:             access,
		Recorder:           a.recorder,
		AuthenticationFlow: siteFlow(site, func(s brand.Site) string { return s.AuthenticationFlow }),
		InvalidationFlow:   siteFlow(site, func(s brand.Site) string { return s.InvalidationFlow }),
		DeviceCodeFlow:     siteFlow(site, func(s brand.Site) string { return s.DeviceCodeFlow }),
		DevicePollInterval: cfg.DevicePollInterval,
		PageFunc:           ssoPage,
		Logger:             logger,
	})
	if err != nil {
		return nil, err
	}
	// The public URL's origin and the allowed ones: the CSRF guard, the
	// websocket origin check and CORS trust the same list.
	origins := append([]string{public}, cfg.AllowedOrigins...)
	guard, err := authn.CrossOriginGuard(origins)
	if err != nil {
		return nil, err
	}
	// The embedded outpost is a client of this very handler, in process.
	var core http.Handler
	embedded, err := a.embeddedOutpost(public, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		core.ServeHTTP(w, r)
	}))
	if err != nil {
		return nil, err
	}
	core = router.New(router.Options{
		GraphQL: graph.NewHandler(graph.Deps{
			Client:       a.db.Ent,
			Version:      version(),
			Stages:       a.kinds.Stages,
			Policies:     a.kinds.Policies,
			Hasher:       hasher,
			Broker:       a.broker,
			Executor:     flows,
			Sessions:     a.sessions,
			PolicyEngine: policies,
			Keys:         a.signingKeys,
			JobQueue:     a.queue,
			PublicURL:    public,
			Logger:       logger,
			Auditor:      a.recorder,
			OutpostCore:  outpostCore,
			Secrets:      seal.NewKeys(a.secretKey),
		}, graph.Options{
			Dev:              cfg.Dev,
			WebsocketOrigins: origins,
			WebsocketAuth:    auth.WebsocketAuth,
			WebsocketSession: auth.WebsocketSession,
			Watch:            (&authn.Watcher{Auth: auth, Broker: a.broker, Logger: logger}).Watch,
			Registerer:       a.registry,
			Logger:           logger,
		}),
		Authenticate:   auth.Middleware,
		Guard:          guard,
		CORSOrigins:    origins,
		Schema:         graph.SchemaHandler(cfg.Dev),
		Playground:     playground.Handler(playground.Options{Endpoint: "/graphql", BasePath: "/graphql/playground"}),
		Web:            web.Handler(),
		Root:           web.Root(site, logger),
		OIDC:           sso.Handler(),
		OIDCSession:    sso.SessionHandler(),
		Ready:          a.readyChecks(),
		Gatherer:       a.mainMetrics(),
		MetricsToken:   cfg.MetricsToken,
		Registerer:     a.registry,
		TrustedProxies: cfg.TrustedProxies,
		MaxBodyBytes:   cfg.MaxBodyBytes,
		EndStreams:     endStreams,
		Logger:         logger,
		Outpost:        embedded,
		OutpostHosts:   externalHosts(public, embedded),
	})
	return core, nil
}

// ssoPage shows the OpenID Connect provider's own pages (its errors, the
// signed-out page) in the web app's look.
func ssoPage(w http.ResponseWriter, r *http.Request, status int, p provider.Page) {
	kind := web.MessageInfo
	if p.Error {
		kind = web.MessageError
	}
	web.ServeMessage(w, r, status, web.Message{Kind: kind, Title: p.Title, Text: p.Text})
}

// unlimitedIfZero maps a configured limit, where 0 means none, to the
// executor's, where a negative limit means none.
func unlimitedIfZero(n int64) int64 {
	if n == 0 {
		return -1
	}
	return n
}

// siteFlow returns the slug of the flow pick chooses from the brand
// serving a request.
func siteFlow(site func(*http.Request) (brand.Site, error), pick func(brand.Site) string) func(*http.Request) (string, error) {
	return func(r *http.Request) (string, error) {
		s, err := site(r)
		return pick(s), err
	}
}
