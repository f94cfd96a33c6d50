package jobs_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/signingkey"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/jobs"
	"github.com/gatehouse-id/gatehouse/oidc/keys"
)

// The runner rotates signing keys that are due as soon as it starts.
func TestRunnerRotatesSigningKeys(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			const secret = "a-secret-key-of-at-least-32-characters"
			past, err := keys.New(b.db.Ent, secret, keys.Options{NowFunc: func() time.Time { return b.now.Add(-keys.DefaultRotation) }})
			require.NoError(t, err)
			require.NoError(t, past.Ensure(t.Context()))
			store, err := keys.New(b.db.Ent, secret, keys.Options{NowFunc: b.clock()})
			require.NoError(t, err)

			runner, err := jobs.Start(t.Context(), jobs.Config{
				DB:          b.db,
				Logger:      slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
				NowFunc:     b.clock(),
				SigningKeys: store,
			})
			require.NoError(t, err)
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), 30*time.Second)
				defer cancel()
				require.NoError(t, runner.Stop(ctx))
			})

			ctx := systemContext(t)
			require.Eventually(t, func() bool {
				n, err := b.db.Ent.SigningKey.Query().Where(signingkey.RetiredAtNotNil()).Count(ctx)
				return err == nil && n == len(keys.Algorithms)
			}, 30*time.Second, 50*time.Millisecond, "the due keys are retired")
			current, err := b.db.Ent.SigningKey.Query().Where(signingkey.RetiredAtIsNil()).All(ctx)
			require.NoError(t, err)
			require.Len(t, current, len(keys.Algorithms), "a new key per algorithm")
		})
	}
}
