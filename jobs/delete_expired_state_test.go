package jobs_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertest"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/logtest"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/jobs"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
)

func TestDeleteExpiredStateRunsEverySweeper(t *testing.T) {
	t.Parallel()
	db := servicetest.Database(t, "sqlite3")
	now := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	var (
		mu   sync.Mutex
		seen []string
	)
	sweeper := func(name string, n int, err error) jobs.Sweeper {
		return jobs.Sweeper{Name: name, DeleteExpired: func(_ context.Context, at time.Time) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			require.Equal(t, now, at, "sweepers get the worker's clock")
			seen = append(seen, name)
			return n, err
		}}
	}
	logs := &logtest.Buffer{}
	worker := jobs.NewDeleteExpiredStateWorker(jobs.Deps{
		Ent: db.Ent, Logger: logs.Logger(), NowFunc: func() time.Time { return now },
		Sweepers: []jobs.Sweeper{sweeper("sessions", 3, nil), sweeper("executions", 0, errors.New("disk full")), sweeper("counters", 1, nil)},
	})
	tw := rivertest.NewWorker(t, riversqlite.New(db.RiverSQL), &river.Config{}, worker)
	tx, err := db.RiverSQL.BeginTx(t.Context(), nil)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback() }()
	_, err = tw.Work(t.Context(), t, tx, jobargs.DeleteExpiredState{}, nil)
	require.ErrorContains(t, err, "delete expired executions: disk full", "a failing sweeper fails the job")
	require.Equal(t, []string{"sessions", "executions", "counters"}, seen, "one failure does not stop the others")
	require.Contains(t, logs.String(), "store=sessions count=3")
	require.Contains(t, logs.String(), "store=counters count=1")
	require.NotContains(t, logs.String(), "store=executions count", "nothing logged for the failed one")
}
