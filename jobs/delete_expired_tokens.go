package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"entgo.io/ent/dialect/sql"
	"github.com/riverqueue/river"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/flowtoken"
	"github.com/gatehouse-id/gatehouse/ent/oauth2authrequest"
	"github.com/gatehouse-id/gatehouse/ent/oauth2token"
	"github.com/gatehouse-id/gatehouse/ent/token"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
)

// DeleteExpiredTokensWorker works jobargs.DeleteExpiredTokens: it deletes
// the Tokens that are expiring and whose expiry is before its clock's now,
// and the FlowTokens whose expiry is before now. Non-expiring tokens are
// kept whatever their expiry says. Running it again deletes nothing more,
// so retries and overlapping runs are harmless. It is safe for concurrent
// use.
type DeleteExpiredTokensWorker struct {
	river.WorkerDefaults[jobargs.DeleteExpiredTokens]

	ent    *ent.Client
	logger *slog.Logger
	now    func() time.Time
}

// NewDeleteExpiredTokensWorker returns a worker that deletes with deps.Ent,
// logs to deps.Logger and reads the time from deps.NowFunc.
func NewDeleteExpiredTokensWorker(deps Deps) *DeleteExpiredTokensWorker {
	deps = deps.withDefaults()
	return &DeleteExpiredTokensWorker{ent: deps.Ent, logger: deps.Logger, now: deps.NowFunc}
}

// Timeout bounds one run; it implements river.Worker.
func (w *DeleteExpiredTokensWorker) Timeout(*river.Job[jobargs.DeleteExpiredTokens]) time.Duration {
	return cleanupTimeout
}

// Work deletes the expired tokens and flow tokens, as the system viewer. The
// two deletions are separate statements: if the second fails, the first
// stays done, and the returned error (wrapped) makes River retry the job.
func (w *DeleteExpiredTokensWorker) Work(ctx context.Context, _ *river.Job[jobargs.DeleteExpiredTokens]) error {
	ctx = viewer.SystemContext(ctx)
	now := w.now()
	tokens, err := w.ent.Token.Delete().
		Where(token.Expiring(true), token.ExpiresLT(now)).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("delete expired tokens: %w", err)
	}
	flowTokens, err := w.ent.FlowToken.Delete().
		Where(flowtoken.ExpiresLT(now)).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("delete expired flow tokens: %w", err)
	}
	oauth, err := w.ent.OAuth2Token.Delete().
		Where(oauth2token.ExpiresAtLT(now)).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("delete expired oauth2 tokens: %w", err)
	}
	// An authorization request is the family of the tokens it issued: it
	// goes once it has expired and none of them is left.
	requests, err := w.ent.OAuth2AuthRequest.Delete().
		Where(oauth2authrequest.ExpiresAtLT(now), func(s *sql.Selector) {
			t := sql.Table(oauth2token.Table)
			s.Where(sql.NotExists(sql.Select(t.C(oauth2token.FieldID)).From(t).
				Where(sql.ColumnsEQ(t.C(oauth2token.FieldFamily), s.C(oauth2authrequest.FieldID)))))
		}).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("delete expired oauth2 authorization requests: %w", err)
	}
	if tokens > 0 || flowTokens > 0 || oauth > 0 || requests > 0 {
		w.logger.InfoContext(ctx, "deleted expired tokens", "tokens", tokens, "flow_tokens", flowTokens,
			"oauth2_tokens", oauth, "oauth2_requests", requests)
	}
	return nil
}
