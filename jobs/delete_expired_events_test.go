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

func TestDeleteExpiredEventsWorker(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			b.event(t, b.now.Add(-365*24*time.Hour))
			b.event(t, b.now.Add(-time.Second))
			atNow := b.event(t, b.now)
			live := b.event(t, b.now.Add(time.Hour))

			var logs logBuffer
			newWorker := func(c *ent.Client) river.Worker[jobargs.DeleteExpiredEvents] {
				return jobs.NewDeleteExpiredEventsWorker(jobs.Deps{
					Ent:     c,
					Logger:  slog.New(slog.NewTextHandler(&logs, nil)),
					NowFunc: b.clock(),
				})
			}

			work(t, b, newWorker, jobargs.DeleteExpiredEvents{})
			require.ElementsMatch(t, []int{atNow, live}, b.eventIDs(t))
			require.Contains(t, logs.take(), `msg="deleted expired audit events" events=2`)

			// Idempotent: a second run finds nothing to delete and says nothing.
			work(t, b, newWorker, jobargs.DeleteExpiredEvents{})
			require.ElementsMatch(t, []int{atNow, live}, b.eventIDs(t))
			require.Empty(t, logs.take())
		})
	}
}
