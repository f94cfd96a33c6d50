// Package invitation is the enrolment stage that checks an invitation
// (package invitations): the token comes from the flow's link
// (?itoken=…) or a prompt answer named "token". A valid invitation is
// spent (a single-use one by compare-and-set: of two sign-ups with one
// link, one passes), its fixed data becomes answers nobody may change
// (prompt stages apply them over what is typed), and INVITATION_USED is
// recorded. Without a token the flow continues only when the stage allows
// it; an invalid token (unknown, another flow's, expired, spent) always
// denies, with one message for every reason.
package invitation

import (
	"context"
	"errors"
	"maps"
	"net/url"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/invitations"
)

// Kind is the stage kind's persisted name.
const Kind = "invitation"

// KeyInvitation is the context key of the redeemed invitation's ID.
const KeyInvitation = "invitation"

// PromptField is the prompt answer a token may also come in.
const PromptField = "token"

// Messages of the denials.
const (
	MessageRequired = "You need an invitation to sign up here."
	MessageInvalid  = "This invitation is not valid: it may have expired or been used already."
)

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, func() *Config { return &Config{} }, New)
}

// Config configures an invitation stage.
type Config struct {
	// ContinueFlowWithoutInvitation lets the flow go on when no token was
	// given (open sign-up that invitations only pre-fill).
	ContinueFlowWithoutInvitation bool `json:"continue_flow_without_invitation"`
}

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// Validate implements typedconfig.Config: every value is valid.
func (*Config) Validate() error { return nil }

// Stage redeems the flow's invitation.
type Stage struct {
	cfg  *Config
	deps executor.Deps
}

// New builds an invitation stage.
func New(cfg *Config, deps executor.Deps) (executor.Stage, error) {
	return &Stage{cfg: cfg, deps: deps}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }

// Run implements executor.Runner.
func (s *Stage) Run(ctx context.Context, req *executor.Request) (executor.Result, error) {
	token := tokenOf(req)
	if token == "" {
		if s.cfg.ContinueFlowWithoutInvitation {
			return executor.Next(), nil
		}
		return executor.Deny(MessageRequired), nil
	}
	inv, err := invitations.Redeem(ctx, s.deps.Client, token, req.Execution.FlowID, s.deps.Now())
	if errors.Is(err, invitations.ErrInvalid) {
		return executor.Deny(MessageInvalid), nil
	}
	if err != nil {
		return executor.Result{}, err
	}
	c := req.Execution.Context
	prompt := c.PromptData()
	maps.Copy(prompt, inv.FixedData)
	fixed := c.FixedPromptData()
	maps.Copy(fixed, inv.FixedData)
	for key, value := range map[string]any{executor.KeyPromptData: prompt, executor.KeyFixedPromptData: fixed, KeyInvitation: inv.ID} {
		if err := c.Set(key, value); err != nil {
			return executor.Result{}, err
		}
	}
	s.deps.Record(ctx, enum.EventActionInvitationUsed, map[string]any{
		"invitation": inv.Name, "invitation_id": inv.ID, "flow": req.Flow.Slug, "uses": inv.Uses, "single_use": inv.SingleUse,
	})
	return executor.Next(), nil
}

// tokenOf returns the token of the flow's query, else of the prompt
// answers; "" when neither has one.
func tokenOf(req *executor.Request) string {
	if q, err := url.ParseQuery(req.Execution.Query); err == nil {
		if t := q.Get(invitations.QueryParam); t != "" {
			return t
		}
	}
	if t, ok := req.Execution.Context.PromptData()[PromptField].(string); ok {
		return t
	}
	return ""
}
