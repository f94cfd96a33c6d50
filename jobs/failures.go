package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
)

// maxErrorText bounds the error text a SYSTEM_TASK_EXCEPTION event keeps.
const maxErrorText = 500

// unauditedKinds are job kinds whose failures are not audit events: their
// failures are recorded where they belong (a notification transport's
// status), and an event for each could notify through the failing
// transport again.
var unauditedKinds = map[string]bool{jobargs.KindNotifyEvent: true, jobargs.KindNotifyDeliver: true}

// failureRecorder is River's ErrorHandler: a job that failed for good (its
// last attempt, after which River discards it) or panicked is recorded as
// SYSTEM_TASK_EXCEPTION, which the system tasks page, the audit log and
// notification rules see. Earlier failed attempts are only logged: River
// retries them. It never changes what River does with the job.
type failureRecorder struct {
	ent     *ent.Client
	auditor Auditor
	logger  *slog.Logger
	// unaudited are the kinds left out (unauditedKinds).
	unaudited map[string]bool
}

var _ river.ErrorHandler = failureRecorder{}

// HandleError implements river.ErrorHandler.
func (f failureRecorder) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	if job.Attempt >= job.MaxAttempts {
		f.record(ctx, job, "error", err.Error())
	}
	return nil
}

// HandlePanic implements river.ErrorHandler. A panic is a bug: every one is
// recorded (its trace goes to the log only).
func (f failureRecorder) HandlePanic(ctx context.Context, job *rivertype.JobRow, panicVal any, trace string) *river.ErrorHandlerResult {
	f.logger.ErrorContext(ctx, "job panicked", "kind", job.Kind, "job_id", job.ID, "panic", fmt.Sprint(panicVal), "stack", trace)
	f.record(ctx, job, "panic", fmt.Sprint(panicVal))
	return nil
}

func (f failureRecorder) record(ctx context.Context, job *rivertype.JobRow, how, text string) {
	if f.auditor == nil || f.unaudited[job.Kind] {
		return
	}
	if len(text) > maxErrorText {
		text = text[:maxErrorText] + "…"
	}
	_, err := f.auditor.Record(ctx, f.ent, enum.EventActionSystemTaskException, map[string]any{
		"task": job.Kind, "job_id": strconv.FormatInt(job.ID, 10), "attempt": job.Attempt, "max_attempts": job.MaxAttempts,
		"failure": how, "error": text,
	})
	if err != nil {
		f.logger.WarnContext(ctx, "record system_task_exception event", "kind", job.Kind, "error", err)
	}
}
