package jobs_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/jobs"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
)

func TestDeleteExpiredTokensWorker(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			longAgo := time.Now().Add(-24 * time.Hour)
			b.token(t, "expired", true, new(b.now.Add(-time.Hour)))
			atNow := b.token(t, "expires-now", true, new(b.now))
			live := b.token(t, "live", true, new(b.now.Add(time.Hour)))
			forever := b.token(t, "non-expiring", false, nil)
			foreverPast := b.token(t, "non-expiring-past-date", false, &longAgo)
			b.flowToken(t, b.now.Add(-time.Hour))
			flowAtNow := b.flowToken(t, b.now)
			flowLive := b.flowToken(t, b.now.Add(time.Hour))

			var logs logBuffer
			newWorker := func(c *ent.Client) river.Worker[jobargs.DeleteExpiredTokens] {
				return jobs.NewDeleteExpiredTokensWorker(jobs.Deps{
					Ent:     c,
					Logger:  slog.New(slog.NewTextHandler(&logs, nil)),
					NowFunc: b.clock(),
				})
			}

			work(t, b, newWorker, jobargs.DeleteExpiredTokens{})
			require.ElementsMatch(t, []int{atNow, live, forever, foreverPast}, b.tokenIDs(t))
			require.ElementsMatch(t, []int{flowAtNow, flowLive}, b.flowTokenIDs(t))
			require.Contains(t, logs.take(), `msg="deleted expired tokens" tokens=1 flow_tokens=1`)

			// Idempotent: a second run finds nothing to delete and says nothing.
			work(t, b, newWorker, jobargs.DeleteExpiredTokens{})
			require.ElementsMatch(t, []int{atNow, live, forever, foreverPast}, b.tokenIDs(t))
			require.ElementsMatch(t, []int{flowAtNow, flowLive}, b.flowTokenIDs(t))
			require.Empty(t, logs.take())
		})
	}
}
