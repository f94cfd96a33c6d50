package jobs

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/gatehouse-id/gatehouse/database"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/jobs/joblist"
	"github.com/gatehouse-id/gatehouse/problem"
)

// ListJobs returns a page of jobs, newest first. A malformed cursor is a
// problem.FieldError on "after".
func (e *Queue) ListJobs(ctx context.Context, f joblist.Filter) (joblist.Page, error) {
	if f.First < 1 {
		return joblist.Page{}, problem.Invalid("first", "must be at least 1")
	}
	// One more than asked tells whether another page follows.
	params := river.NewJobListParams().OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(f.First + 1)
	if len(f.States) > 0 {
		params = params.States(f.States...)
	}
	if len(f.Kinds) > 0 {
		params = params.Kinds(f.Kinds...)
	}
	if f.After != "" {
		after, ok := parseCursor(f.After)
		if !ok {
			return joblist.Page{}, problem.Invalid("after", "is not a cursor of this list")
		}
		params = params.Where("id < @gatehouse_after", river.NamedArgs{"gatehouse_after": after})
	}
	res, err := e.river.list(ctx, params)
	if err != nil {
		return joblist.Page{}, fmt.Errorf("list jobs: %w", err)
	}
	page := joblist.Page{Jobs: res.Jobs}
	if len(page.Jobs) > f.First {
		page.Jobs, page.HasNextPage = page.Jobs[:f.First], true
	}
	for _, j := range page.Jobs {
		page.Cursors = append(page.Cursors, cursorOf(j.ID))
	}
	if n := len(page.Cursors); n > 0 {
		page.EndCursor = page.Cursors[n-1]
	}
	return page, nil
}

// cursorPrefix starts every cursor (before base64): the list is newest
// first, so a cursor is the ID of the last job seen. River's own cursors
// cannot be made for a single job.
const cursorPrefix = "job:"

// cursorOf returns the cursor after the job id.
func cursorOf(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(id, 10)))
}

// parseCursor reads a cursor of cursorOf.
func parseCursor(c string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(b), cursorPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}

// RetryJob makes a job that is not running available to work at once
// (again, if it had finished); an unknown ID is problem.ErrNotFound. A
// retried mail that went out before is not sent twice (SendMailWorker).
// In a transaction of ctx (ent.TxFromContext: a GraphQL mutation), the
// change is part of it.
func (e *Queue) RetryJob(ctx context.Context, id int64) (*rivertype.JobRow, error) {
	native, err := nativeOf(ctx)
	if err != nil {
		return nil, err
	}
	job, err := e.river.retry(ctx, native, id)
	return job, adminError("retry", err)
}

// CancelJob cancels a job that has not finished (a running one is told to
// stop); a finished job is returned unchanged. An unknown ID is
// problem.ErrNotFound. Like RetryJob, it joins ctx's transaction.
func (e *Queue) CancelJob(ctx context.Context, id int64) (*rivertype.JobRow, error) {
	native, err := nativeOf(ctx)
	if err != nil {
		return nil, err
	}
	job, err := e.river.cancel(ctx, native, id)
	return job, adminError("cancel", err)
}

// nativeOf returns the driver transaction of ctx's ent transaction, or
// nil outside one. (On SQLite an operation outside the transaction would
// wait for the write lock the transaction holds.)
func nativeOf(ctx context.Context) (any, error) {
	tx := ent.TxFromContext(ctx)
	if tx == nil {
		return nil, nil //nolint:nilnil // no transaction is a normal state
	}
	native, err := database.Native(tx.DriverTx())
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return native, nil
}

func adminError(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, rivertype.ErrNotFound):
		return fmt.Errorf("%s job: %w", op, problem.ErrNotFound)
	default:
		return fmt.Errorf("%s job: %w", op, err)
	}
}
