package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
)

// Sweeper is a store that can remove its expired records.
type Sweeper struct {
	// Name names the store in logs ("sessions").
	Name string
	// DeleteExpired removes what expired at now and returns how many.
	DeleteExpired func(ctx context.Context, now time.Time) (int, error)
}

// DeleteExpiredStateWorker runs every configured Sweeper. It is safe for
// concurrent use; a failing sweeper does not stop the others, and the job
// fails (and is retried) when any failed.
type DeleteExpiredStateWorker struct {
	river.WorkerDefaults[jobargs.DeleteExpiredState]

	deps Deps
}

// NewDeleteExpiredStateWorker returns a worker over deps.Sweepers.
func NewDeleteExpiredStateWorker(deps Deps) *DeleteExpiredStateWorker {
	return &DeleteExpiredStateWorker{deps: deps.withDefaults()}
}

// Timeout bounds one run; it implements river.Worker.
func (w *DeleteExpiredStateWorker) Timeout(*river.Job[jobargs.DeleteExpiredState]) time.Duration {
	return cleanupTimeout
}

// Work runs the sweepers.
func (w *DeleteExpiredStateWorker) Work(ctx context.Context, _ *river.Job[jobargs.DeleteExpiredState]) error {
	now := w.deps.NowFunc()
	var errs []error
	for _, s := range w.deps.Sweepers {
		n, err := s.DeleteExpired(ctx, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("delete expired %s: %w", s.Name, err))
			continue
		}
		if n > 0 {
			w.deps.Logger.InfoContext(ctx, "deleted expired records", "store", s.Name, "count", n)
		}
	}
	return errors.Join(errs...)
}
