package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/notification"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
)

// DeleteExpiredEventsWorker works jobargs.DeleteExpiredEvents: it deletes
// the audit events whose retention date (expires) is before its clock's
// now, and the stored notifications (LOCAL transports) of such events,
// which expire with them. Running it again deletes nothing more, so retries and overlapping
// runs are harmless. It is safe for concurrent use.
type DeleteExpiredEventsWorker struct {
	river.WorkerDefaults[jobargs.DeleteExpiredEvents]

	ent    *ent.Client
	logger *slog.Logger
	now    func() time.Time
}

// NewDeleteExpiredEventsWorker returns a worker that deletes with deps.Ent,
// logs to deps.Logger and reads the time from deps.NowFunc.
func NewDeleteExpiredEventsWorker(deps Deps) *DeleteExpiredEventsWorker {
	deps = deps.withDefaults()
	return &DeleteExpiredEventsWorker{ent: deps.Ent, logger: deps.Logger, now: deps.NowFunc}
}

// Timeout bounds one run; it implements river.Worker.
func (w *DeleteExpiredEventsWorker) Timeout(*river.Job[jobargs.DeleteExpiredEvents]) time.Duration {
	return cleanupTimeout
}

// Work deletes the expired events and notifications, as the system
// viewer, one statement each. A failure is returned wrapped, and River
// retries the job.
func (w *DeleteExpiredEventsWorker) Work(ctx context.Context, _ *river.Job[jobargs.DeleteExpiredEvents]) error {
	ctx = viewer.SystemContext(ctx)
	now := w.now()
	n, err := w.ent.Event.Delete().
		Where(event.ExpiresLT(now)).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("delete expired events: %w", err)
	}
	if n > 0 {
		w.logger.InfoContext(ctx, "deleted expired audit events", "events", n)
	}
	n, err = w.ent.Notification.Delete().
		Where(notification.ExpiresLT(now)).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("delete expired notifications: %w", err)
	}
	if n > 0 {
		w.logger.InfoContext(ctx, "deleted expired notifications", "notifications", n)
	}
	return nil
}
