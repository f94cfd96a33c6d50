package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
)

// DeleteExpiredEventsWorker works jobargs.DeleteExpiredEvents: it deletes
// the audit events whose retention date (expires) is before its clock's
// now. Running it again deletes nothing more, so retries and overlapping
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

// Work deletes the expired events, as the system viewer, in one statement.
// A failure is returned wrapped, and River retries the job.
func (w *DeleteExpiredEventsWorker) Work(ctx context.Context, _ *river.Job[jobargs.DeleteExpiredEvents]) error {
	ctx = viewer.SystemContext(ctx)
	n, err := w.ent.Event.Delete().
		Where(event.ExpiresLT(w.now())).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("delete expired events: %w", err)
	}
	if n > 0 {
		w.logger.InfoContext(ctx, "deleted expired audit events", "events", n)
	}
	return nil
}
