package email

import (
	"context"
	"strings"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/emailkey"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/problem"
)

var _ executor.LinkSender = (*Stage)(nil)

// SendLink implements executor.LinkSender: the link an administrator
// sends. It is the link the stage sends when the flow reaches it (the
// same token, bound to u and the flow, with the stage's expiry and
// single_use; the same mail), saved with no execution to tell when it is
// used. It is not counted against the per-user mail limit (PerUser): the
// caller decides who may send it. It refuses a user without an address
// and, unless the link activates them, an inactive one.
func (s *Stage) SendLink(ctx context.Context, tx *ent.Tx, req *executor.Request, u *ent.User) (executor.Link, error) {
	if why := s.deps.MailUnavailable(); why != "" {
		return executor.Link{}, &problem.PreconditionError{Reason: executor.ReasonMailUnavailable, Message: "mail cannot be sent: " + why}
	}
	if strings.TrimSpace(u.Email) == "" {
		return executor.Link{}, &problem.PreconditionError{Reason: executor.ReasonNoEmail, Message: "the user has no email address"}
	}
	if !u.IsActive && !s.activates() {
		return executor.Link{}, &problem.PreconditionError{Reason: executor.ReasonInactive, Message: "the user is inactive"}
	}
	st := state{To: emailkey.Mask(u.Email), UserID: u.ID, Intent: s.cfg.Template.intent(), Activate: s.cfg.ActivateUserOnSuccess}
	doc, brandTitle, link, err := s.prepare(ctx, req, &st)
	if err != nil {
		return executor.Link{}, err
	}
	expires := s.expiry()
	if err := s.store(ctx, tx, req, &st, u, "", doc, brandTitle, link, expires); err != nil {
		return executor.Link{}, err
	}
	return executor.Link{To: st.To, Expires: expires}, nil
}
