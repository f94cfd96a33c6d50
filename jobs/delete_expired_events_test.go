package jobs_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
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
			// Stored notifications expire with their event.
			b.notification(t, b.now.Add(-time.Second))
			notifiedAtNow := b.notification(t, b.now)
			notifiedLive := b.notification(t, b.now.Add(time.Hour))

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
			require.ElementsMatch(t, []int{notifiedAtNow, notifiedLive}, b.notificationIDs(t))
			out := logs.take()
			require.Contains(t, out, `msg="deleted expired audit events" events=2`)
			require.Contains(t, out, `msg="deleted expired notifications" notifications=1`)

			// Idempotent: a second run finds nothing to delete and says nothing.
			work(t, b, newWorker, jobargs.DeleteExpiredEvents{})
			require.ElementsMatch(t, []int{atNow, live}, b.eventIDs(t))
			require.ElementsMatch(t, []int{notifiedAtNow, notifiedLive}, b.notificationIDs(t))
			require.Empty(t, logs.take())
		})
	}
}

// notification stores a LOCAL notification expiring at expires (of an
// event that need not exist any more) and returns its ID.
func (b *testBundle) notification(t *testing.T, expires time.Time) int {
	t.Helper()
	ctx := systemContext(t)
	u, err := b.db.Ent.User.Create().SetUsername(servicetest.UniqueName("notified-")).Save(ctx)
	require.NoError(t, err)
	n, err := b.db.Ent.Notification.Create().SetUserID(u.ID).SetKey(servicetest.UniqueName("key-")).SetEventID(1).
		SetRule("rule").SetSeverity(enum.NotificationSeverityNotice).SetAction(enum.EventActionLoginFailed).
		SetBody("LOGIN_FAILED").SetEvent(map[string]any{}).SetCreatedAt(b.now).SetExpires(expires).Save(ctx)
	require.NoError(t, err)
	return n.ID
}

// notificationIDs returns the IDs of every stored notification.
func (b *testBundle) notificationIDs(t *testing.T) []int {
	t.Helper()
	ids, err := b.db.Ent.Notification.Query().IDs(systemContext(t))
	require.NoError(t, err)
	return ids
}
