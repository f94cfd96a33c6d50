package jobs

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
)

// recorded is an Auditor that keeps what it was asked to record.
type recorded struct{ events []map[string]any }

func (r *recorded) Record(_ context.Context, _ *ent.Client, action enum.EventAction, data map[string]any) (*ent.Event, error) {
	if action != enum.EventActionSystemTaskException {
		return nil, errors.New("unexpected action " + string(action))
	}
	r.events = append(r.events, data)
	return &ent.Event{}, nil
}

func TestFailureRecorder(t *testing.T) {
	t.Parallel()
	rec := &recorded{}
	f := failureRecorder{auditor: rec, logger: slog.New(slog.DiscardHandler), unaudited: map[string]bool{"test_quiet": true}}
	ctx := t.Context()
	job := func(kind string, attempt, maxAttempts int) *rivertype.JobRow {
		return &rivertype.JobRow{ID: 42, Kind: kind, Attempt: attempt, MaxAttempts: maxAttempts}
	}

	require.Nil(t, f.HandleError(ctx, job("delete_expired_tokens", 1, 5), errors.New("database is locked")))
	require.Empty(t, rec.events, "a failure River retries is not an event")

	require.Nil(t, f.HandleError(ctx, job("delete_expired_tokens", 5, 5), errors.New("database is locked")))
	require.Equal(t, []map[string]any{{
		"task": "delete_expired_tokens", "job_id": "42", "attempt": 5, "max_attempts": 5, "failure": "error", "error": "database is locked",
	}}, rec.events, "the last attempt's failure is")

	require.Nil(t, f.HandlePanic(ctx, job("rotate_signing_keys", 1, 5), "nil map", "goroutine 1 [running]"))
	require.Len(t, rec.events, 2, "every panic is")
	require.Equal(t, "panic", rec.events[1]["failure"])
	require.Equal(t, "nil map", rec.events[1]["error"])
	require.NotContains(t, rec.events[1], "stack", "the trace goes to the log only")

	long := strings.Repeat("x", 2*maxErrorText)
	f.HandleError(ctx, job("send_mail", 5, 5), errors.New(long))
	require.Len(t, rec.events[2]["error"], maxErrorText+len("…"), "long errors are cut")

	f.HandleError(ctx, job("test_quiet", 5, 5), errors.New("webhook refused"))
	require.Len(t, rec.events, 3, "kinds whose failures are recorded elsewhere make no event")
}
