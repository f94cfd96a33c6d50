package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
	"github.com/gatehouse-id/gatehouse/oidc/keys"
)

// signingKeyCheckInterval is how often the rotation job looks at the
// signing keys; keys are replaced every keys.DefaultRotation.
const signingKeyCheckInterval = time.Hour

// RotateSigningKeysWorker works jobargs.RotateSigningKeys with the key
// store's Rotate: a key older than its rotation period is replaced, and
// retired keys whose tokens have expired are deleted; keys a provider
// pins are neither retired nor deleted. Rotate is idempotent, so retries
// and overlapping runs are harmless.
type RotateSigningKeysWorker struct {
	river.WorkerDefaults[jobargs.RotateSigningKeys]

	keys    *keys.Store
	every   time.Duration
	logger  *slog.Logger
	ent     *ent.Client
	auditor Auditor
}

// NewRotateSigningKeysWorker returns a worker that rotates deps.SigningKeys
// every deps.SigningKeyRotation (keys.DefaultRotation when zero).
func NewRotateSigningKeysWorker(deps Deps) *RotateSigningKeysWorker {
	deps = deps.withDefaults()
	every := deps.SigningKeyRotation
	if every == 0 {
		every = keys.DefaultRotation
	}
	return &RotateSigningKeysWorker{keys: deps.SigningKeys, every: every, logger: deps.Logger, ent: deps.Ent, auditor: deps.Auditor}
}

// Timeout bounds one run; it implements river.Worker.
func (w *RotateSigningKeysWorker) Timeout(*river.Job[jobargs.RotateSigningKeys]) time.Duration {
	return cleanupTimeout
}

// Work rotates the keys. A failure is returned wrapped, and River retries
// the job.
func (w *RotateSigningKeysWorker) Work(ctx context.Context, _ *river.Job[jobargs.RotateSigningKeys]) error {
	created, deleted, err := w.keys.Rotate(ctx, w.every)
	if err != nil {
		return fmt.Errorf("rotate signing keys: %w", err)
	}
	if created > 0 || deleted > 0 {
		w.logger.InfoContext(ctx, "rotated signing keys", "created", created, "deleted", deleted)
	}
	if created > 0 && w.auditor != nil {
		// A new key signs from now on: a SECRET_ROTATE for the audit log
		// (a failure to record it does not undo the rotation).
		if _, err := w.auditor.Record(ctx, w.ent, enum.EventActionSecretRotate, map[string]any{
			audit.KeyModel: "signing_key", "created": created, "deleted": deleted,
		}); err != nil {
			w.logger.WarnContext(ctx, "record secret_rotate event", "error", err)
		}
	}
	return nil
}
