package graph

import (
	"context"
	"errors"
	"fmt"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/brand"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/graph/model"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/requestinfo"
)

// Reasons of sendRecoveryLink's FAILED_PRECONDITION besides the
// executor's (executor.ReasonNoEmail, …).
const (
	reasonNoRecoveryFlow = "no_recovery_flow"
	reasonNoEmailStage   = "no_email_stage"
)

// sendRecoveryLink mails user id a link into the recovery flow of the
// request's brand that resumes after its email stage
// (executor.SendLink), in the mutation's transaction, and audits it as
// the viewer's (an admin's) action.
func (r *Resolver) sendRecoveryLink(ctx context.Context, id string) (*model.SendRecoveryLinkPayload, error) {
	nid, err := parseID(id)
	if err != nil {
		return nil, err
	}
	c := r.client(ctx)
	u, err := c.User.Get(ctx, nid)
	if err != nil {
		return nil, err
	}
	site, err := brand.ForHost(ctx, c, requestinfo.FromContext(ctx).Host)
	if err != nil {
		return nil, err
	}
	if site.RecoveryFlow == "" {
		return nil, &problem.PreconditionError{Reason: reasonNoRecoveryFlow, Message: "the brand has no recovery flow"}
	}
	tx := ent.TxFromContext(ctx)
	if tx == nil {
		return nil, errors.New("sendRecoveryLink: no transaction")
	}
	link, err := r.Executor.SendLink(ctx, executor.SendLinkParams{Slug: site.RecoveryFlow, User: u, Tx: tx})
	if errors.Is(err, executor.ErrNoLinkStage) {
		return nil, &problem.PreconditionError{
			Reason: reasonNoEmailStage, Message: fmt.Sprintf("the recovery flow %s has no email stage for this user", site.RecoveryFlow),
		}
	}
	if err != nil {
		return nil, err
	}
	// The event's user is the viewer: the admin who sent the link; its
	// subject the user it went to.
	data := audit.Subject(map[string]any{"to": link.To, "recovery_flow": site.RecoveryFlow}, u)
	if err := r.audit(ctx, c, enum.EventActionRecoveryLinkSent, data); err != nil {
		return nil, err
	}
	return &model.SendRecoveryLinkPayload{SentTo: link.To, ExpiresAt: link.Expires}, nil
}
