package executor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Sending a resumption link on someone's behalf (an administrator's
// "send a recovery link to this user").
//
// SendLink plans a flow for a user as if that user had started it and
// been identified, moves the plan on to the first stage that can mail a
// resumption link (a LinkSender: the email stage), dropping the entries
// before it unrun, and lets that stage save the execution and mail the
// link, as it does when a flow reaches it. The link then works exactly as
// one the flow sent: opening it resumes the saved execution after the
// link's stage, for that user, and every later stage (the second factor,
// the new password) still runs. Nothing is stored but what the stage
// stores (its FlowToken and the queued mail); no execution is created
// until the link is opened.

// LinkSender is a stage that can mail a resumption link for a user when
// the flow was planned without being run to it (Executor.SendLink).
type LinkSender interface {
	// SendLink saves req's execution, whose current entry is this stage
	// and whose pending user is u, for a link, and queues the link's mail
	// to u, both in tx; the link is the same as when the flow reaches the
	// stage. It refuses a user the stage would not mail, or when mail
	// cannot be sent (*problem.PreconditionError).
	SendLink(ctx context.Context, tx *ent.Tx, req *Request, u *ent.User) (Link, error)
}

// Link describes a resumption link that was mailed.
type Link struct {
	// To is the address the link went to, masked ("a***@example.com").
	To string
	// Expires is when the link stops working.
	Expires time.Time
}

// SendLinkParams describe a link to send for a user.
type SendLinkParams struct {
	// Slug names the flow.
	Slug string
	// User is the user the link is for: the flow's pending user.
	User *ent.User
	// Tx is the transaction the link's token and mail are written in.
	Tx *ent.Tx
}

// Reasons of the *problem.PreconditionError SendLink returns.
const (
	// ReasonNoEmail: the user has no email address.
	ReasonNoEmail = "no_email"
	// ReasonInactive: the user is inactive.
	ReasonInactive = "inactive"
	// ReasonNotApplicable: the flow's policies refuse the user.
	ReasonNotApplicable = "flow_not_applicable"
	// ReasonMailUnavailable: the server cannot send mail.
	ReasonMailUnavailable = "mail_unavailable"
)

// ErrNoLinkStage is returned by SendLink for a flow whose plan for the
// user has no stage that sends a link.
var ErrNoLinkStage = errors.New("executor: the flow has no stage that sends a link")

// SendLink plans flow p.Slug for p.User and has its first LinkSender stage
// mail the user a link that resumes the flow after that stage (see
// LinkSender). It returns ErrFlowNotFound for an unknown flow,
// ErrNoLinkStage when the plan has no such stage, and *problem.PreconditionError
// when the flow's policies refuse the user or the stage will not mail
// them. The caller commits p.Tx; until then nothing is sent.
func (x *Executor) SendLink(ctx context.Context, p SendLinkParams) (Link, error) {
	sys := viewer.SystemContext(ctx)
	gen, err := x.planner.generation(sys)
	if err != nil {
		return Link{}, err
	}
	f, err := x.flowBySlug(sys, p.Slug, gen)
	if err != nil {
		return Link{}, err
	}
	now := x.deps.Now()
	st := &state{flow: f, info: flowInfo(f), now: now, generation: gen}
	st.exec = &Execution{
		Format: DocumentFormat, FlowID: f.ID, FlowSlug: f.Slug, Context: Context{}, CreatedAt: now, UpdatedAt: now,
	}
	if err := st.exec.Context.Set(KeyPendingUser, p.User.ID); err != nil {
		return Link{}, err
	}
	if hasPolicies(f) {
		res, err := x.deps.Policies.EvaluateTarget(sys, policy.Target{FlowID: f.ID}, f.PolicyEngineMode, x.policyRequest(sys, st))
		if err != nil {
			return Link{}, fmt.Errorf("evaluate policies of flow %s: %w", f.Slug, err)
		}
		if !res.Passing {
			return Link{}, &problem.PreconditionError{Reason: ReasonNotApplicable, Message: "the flow " + f.Slug + " does not apply to the user"}
		}
	}
	entries, proposals, err := x.planner.plan(sys, f, p.User.ID, func() *policy.Request { return x.policyRequest(sys, st) }, gen)
	if err != nil {
		return Link{}, err
	}
	if err := st.exec.Context.Merge(proposals); err != nil {
		return Link{}, err
	}
	for _, e := range entries {
		st.exec.Plan.Append(e)
	}
	for {
		entry, ok := st.exec.Current()
		if !ok {
			return Link{}, ErrNoLinkStage
		}
		stage, err := x.stage(sys, entry, gen)
		if err != nil {
			return Link{}, err
		}
		if s, ok := stage.(LinkSender); ok {
			return s.SendLink(sys, p.Tx, st.request(entry), p.User)
		}
		// The stages before the link's are passed over: the person the
		// link is for never runs them.
		st.exec.record(entry, "passed_over", now)
		st.exec.Plan.pop()
	}
}
