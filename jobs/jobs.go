package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"entgo.io/ent/dialect"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/gatehouse-id/gatehouse/database"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
	"github.com/gatehouse-id/gatehouse/oidc/keys"
)

const (
	// DefaultCleanupInterval is how often the cleanup jobs run when
	// Config.CleanupInterval is zero.
	DefaultCleanupInterval = 10 * time.Minute

	// hardStopTimeout bounds the StopAndCancel that Stop falls back to.
	hardStopTimeout = 30 * time.Second

	// cleanupMaxAttempts caps River's retries of a periodic cleanup job:
	// with River's backoff (attempt⁴ seconds) the last retry comes about six
	// minutes after the first failure, and the next periodic run starts over
	// anyway, so retrying for days (River's default of 25 attempts) would
	// only pile up jobs.
	cleanupMaxAttempts = 5
)

// Config configures Start.
type Config struct {
	// DB is the migrated database River queues on and the workers clean.
	// Required.
	DB *database.DB
	// Logger receives River's logs and the workers'; nil discards.
	Logger *slog.Logger
	// NowFunc is the clock the workers decide expiry with; nil means time.Now.
	NowFunc func() time.Time
	// CleanupInterval is how often the cleanup jobs run (and they run once
	// at start); zero means DefaultCleanupInterval.
	CleanupInterval time.Duration
	// Sweepers are the database-backed stores the state cleanup job sweeps.
	Sweepers []Sweeper
	// SigningKeys are the OpenID Connect provider's keys; when set, a job
	// rotates them (hourly check, keys replaced every keys.DefaultRotation).
	SigningKeys *keys.Store
	// Mail delivers the send-mail jobs; a zero value leaves them to
	// another process.
	Mail MailDeps
	// Auditor records the workers' audit events (EMAIL_SENT).
	Auditor Auditor
	// Notify delivers event notifications; a zero value leaves them to
	// another process.
	Notify NotifyDeps
}

// Runner is a started River client that works Gatehouse's jobs. Its methods
// are safe for concurrent use.
type Runner struct {
	client queueClient
	logger *slog.Logger
}

// queueClient is the part of River's client the Runner uses. River's client
// is generic over the driver's transaction type (*river.Client[pgx.Tx] on
// PostgreSQL, *river.Client[*sql.Tx] on SQLite); none of these methods
// mention it, so both satisfy this interface and the type parameter stops at
// newClient.
type queueClient interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
}

// queueSettings are the River client settings that depend on the dialect.
type queueSettings struct {
	// maxWorkers is how many jobs of the default queue run at once.
	maxWorkers int
	// fetchCooldown is the least time between two fetches of new jobs.
	fetchCooldown time.Duration
	// fetchPollInterval is how often the queue is polled for new jobs. River
	// requires it to be at least fetchCooldown.
	fetchPollInterval time.Duration
	// pollOnly turns off River's notifier (LISTEN/NOTIFY on PostgreSQL, an
	// outbox table polled every 50 ms on SQLite).
	pollOnly bool
}

// settingsFor returns the queue settings for a dialect.
//
// PostgreSQL: LISTEN/NOTIFY wakes the producer as soon as a job is
// inserted, so polling is only a fallback; up to 10 jobs at once.
//
// SQLite: one writer at a time, and River has a single connection, so two
// workers are plenty. River's SQLite driver emulates notifications by
// polling a river_notification table every 50 ms on that one connection;
// poll-only mode replaces this with a fetch every 500 ms, so new jobs wait
// at most half a second and an idle server issues a few queries a second.
func settingsFor(d string) (queueSettings, error) {
	switch d {
	case dialect.Postgres:
		return queueSettings{
			maxWorkers:        10,
			fetchCooldown:     river.FetchCooldownDefault,     // 100 ms
			fetchPollInterval: river.FetchPollIntervalDefault, // 1 s
		}, nil
	case dialect.SQLite:
		return queueSettings{
			maxWorkers:        2,
			fetchCooldown:     river.FetchCooldownDefault, // 100 ms
			fetchPollInterval: 500 * time.Millisecond,
			pollOnly:          true,
		}, nil
	default:
		return queueSettings{}, fmt.Errorf("unsupported database dialect %q", d)
	}
}

// Start builds a River client on cfg.DB with every worker registered (see
// Register) and the periodic cleanup jobs scheduled, and starts it. The
// database must already be migrated (database.DB.Migrate applies River's
// migrations too). It returns an error, and starts nothing, when cfg is
// invalid or River refuses to start.
//
// ctx bounds nothing after Start returns: jobs see its values but not its
// cancellation, so that a server shutting down on a cancelled context still
// drains running jobs. The Runner runs until Stop.
func Start(ctx context.Context, cfg Config) (*Runner, error) {
	if cfg.DB == nil {
		return nil, errors.New("start jobs: no database")
	}
	if cfg.CleanupInterval < 0 {
		return nil, fmt.Errorf("start jobs: negative cleanup interval %s", cfg.CleanupInterval)
	}
	settings, err := settingsFor(cfg.DB.Dialect)
	if err != nil {
		return nil, fmt.Errorf("start jobs: %w", err)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	interval := cfg.CleanupInterval
	if interval == 0 {
		interval = DefaultCleanupInterval
	}

	workers := river.NewWorkers()
	Register(workers, Deps{
		Ent: cfg.DB.Ent, Logger: logger, NowFunc: cfg.NowFunc, Sweepers: cfg.Sweepers, SigningKeys: cfg.SigningKeys,
		Mail: cfg.Mail, Auditor: cfg.Auditor, Notify: cfg.Notify,
	})
	client, err := newClient(cfg.DB, &river.Config{
		Logger:            logger,
		Workers:           workers,
		ErrorHandler:      failureRecorder{ent: cfg.DB.Ent, auditor: cfg.Auditor, logger: logger, unaudited: unauditedKinds},
		PeriodicJobs:      periodicJobs(interval, cfg.SigningKeys != nil),
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: settings.maxWorkers}},
		FetchCooldown:     settings.fetchCooldown,
		FetchPollInterval: settings.fetchPollInterval,
		PollOnly:          settings.pollOnly,
	})
	if err != nil {
		return nil, fmt.Errorf("start jobs: %w", err)
	}
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		return nil, fmt.Errorf("start jobs: %w", err)
	}
	logger.InfoContext(ctx, "jobs started", "dialect", cfg.DB.Dialect,
		"max_workers", settings.maxWorkers, "cleanup_interval", interval)
	return &Runner{client: client, logger: logger}, nil
}

// newClient returns a River client on db with River's driver for its
// dialect. This is the only place that knows River's transaction type.
func newClient(db *database.DB, cfg *river.Config) (queueClient, error) {
	switch db.Dialect {
	case dialect.Postgres:
		c, err := river.NewClient(riverpgxv5.New(db.Pool), cfg)
		if err != nil {
			return nil, fmt.Errorf("create river client: %w", err)
		}
		return c, nil
	case dialect.SQLite:
		c, err := river.NewClient(riversqlite.New(db.RiverSQL), cfg)
		if err != nil {
			return nil, fmt.Errorf("create river client: %w", err)
		}
		return c, nil
	default:
		return nil, fmt.Errorf("unsupported database dialect %q", db.Dialect)
	}
}

// periodicJobs returns the jobs River's leader enqueues every interval, and
// once as it is elected (RunOnStart); with signingKeys, also the hourly
// signing key rotation.
func periodicJobs(interval time.Duration, signingKeys bool) []*river.PeriodicJob {
	opts := func() *river.InsertOpts { return &river.InsertOpts{MaxAttempts: cleanupMaxAttempts} }
	jobs := []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(interval),
			func() (river.JobArgs, *river.InsertOpts) { return jobargs.DeleteExpiredTokens{}, opts() },
			&river.PeriodicJobOpts{RunOnStart: true, ID: jobargs.KindDeleteExpiredTokens}),
		river.NewPeriodicJob(river.PeriodicInterval(interval),
			func() (river.JobArgs, *river.InsertOpts) { return jobargs.DeleteExpiredEvents{}, opts() },
			&river.PeriodicJobOpts{RunOnStart: true, ID: jobargs.KindDeleteExpiredEvents}),
		river.NewPeriodicJob(river.PeriodicInterval(interval),
			func() (river.JobArgs, *river.InsertOpts) { return jobargs.DeleteExpiredState{}, opts() },
			&river.PeriodicJobOpts{RunOnStart: true, ID: jobargs.KindDeleteExpiredState}),
	}
	if signingKeys {
		jobs = append(jobs, river.NewPeriodicJob(river.PeriodicInterval(signingKeyCheckInterval),
			func() (river.JobArgs, *river.InsertOpts) { return jobargs.RotateSigningKeys{}, opts() },
			&river.PeriodicJobOpts{RunOnStart: true, ID: jobargs.KindRotateSigningKeys}))
	}
	return jobs
}

// Stop stops the runner gracefully: it fetches no more jobs and waits for
// running ones to finish. If ctx ends first, it cancels the running jobs'
// contexts and waits up to 30 seconds more for them to return; it then
// returns an error wrapping ctx's error, also when that hard stop succeeded.
// Calling Stop again, or after a successful Stop, returns nil.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if err == nil {
		return nil
	}
	if ctx.Err() == nil {
		return fmt.Errorf("stop jobs: %w", err)
	}
	r.logger.WarnContext(ctx, "jobs did not finish in time; cancelling them", "error", err)
	hardCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hardStopTimeout)
	defer cancel()
	if hardErr := r.client.StopAndCancel(hardCtx); hardErr != nil {
		return fmt.Errorf("stop jobs: %w", errors.Join(err, fmt.Errorf("cancel running jobs: %w", hardErr)))
	}
	return fmt.Errorf("stop jobs gracefully: %w", err)
}
