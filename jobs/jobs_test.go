package jobs_test

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/database"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/jobs"
)

// startRunner starts a Runner on b's database with b's clock, logging
// warnings and errors to the test output, and makes sure it is stopped
// before the database is closed.
func startRunner(t *testing.T, b *testBundle) *jobs.Runner {
	t.Helper()
	runner, err := jobs.Start(t.Context(), jobs.Config{
		DB:      b.db,
		Logger:  slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		NowFunc: b.clock(),
	})
	require.NoError(t, err)
	// Cleanups run last-in first-out: this one before the database's.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), 30*time.Second)
		defer cancel()
		require.NoError(t, runner.Stop(ctx))
	})
	return runner
}

func TestRunnerCleansUpOnStart(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			expiredToken := b.token(t, "expired", true, new(b.now.Add(-time.Hour)))
			liveToken := b.token(t, "live", true, new(b.now.Add(time.Hour)))
			expiredFlowToken := b.flowToken(t, b.now.Add(-time.Hour))
			liveFlowToken := b.flowToken(t, b.now.Add(time.Hour))
			expiredEvent := b.event(t, b.now.Add(-time.Hour))
			liveEvent := b.event(t, b.now.Add(time.Hour))

			runner := startRunner(t, b)

			// The periodic jobs run on start once a leader is elected (about
			// two seconds); the default interval (ten minutes) is never reached.
			ctx := systemContext(t)
			gone := func(ids []int, err error, id int) bool { return err == nil && !slices.Contains(ids, id) }
			require.Eventually(t, func() bool {
				tokens, err := b.db.Ent.Token.Query().IDs(ctx)
				if !gone(tokens, err, expiredToken) {
					return false
				}
				flowTokens, err := b.db.Ent.FlowToken.Query().IDs(ctx)
				if !gone(flowTokens, err, expiredFlowToken) {
					return false
				}
				events, err := b.db.Ent.Event.Query().IDs(ctx)
				return gone(events, err, expiredEvent)
			}, 30*time.Second, 50*time.Millisecond)
			require.ElementsMatch(t, []int{liveToken}, b.tokenIDs(t))
			require.ElementsMatch(t, []int{liveFlowToken}, b.flowTokenIDs(t))
			require.ElementsMatch(t, []int{liveEvent}, b.eventIDs(t))

			stopCtx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			require.NoError(t, runner.Stop(stopCtx))
			require.NoError(t, runner.Stop(stopCtx), "stopping again is a no-op")
		})
	}
}

func TestRunnerStopWhenContextEnded(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			runner := startRunner(t, b)

			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			// Graceful stop gives up at once and Stop falls back to
			// cancelling the jobs. River may still finish stopping before it
			// notices the context, in which case there is nothing to report.
			if err := runner.Stop(ctx); err != nil {
				require.ErrorIs(t, err, context.Canceled)
			}
			require.NoError(t, runner.Stop(t.Context()), "the runner is stopped either way")
		})
	}
}

func TestStartRejectsBadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  jobs.Config
	}{
		{"NoDatabase", jobs.Config{}},
		{"UnknownDialect", jobs.Config{DB: &database.DB{Dialect: "mysql"}}},
		{"NegativeInterval", jobs.Config{DB: &database.DB{Dialect: "sqlite3"}, CleanupInterval: -time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			runner, err := jobs.Start(t.Context(), tt.cfg)
			require.Error(t, err)
			require.Nil(t, runner)
		})
	}
}
