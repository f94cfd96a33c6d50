package invitation_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/invitation"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/invitations"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

func TestKind(t *testing.T) {
	t.Parallel()
	stagetest.RequireKind(t, "invitation", invitation.Kind, &invitation.Stage{})
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	stagetest.RunValidation(t, invitation.Definition(), []typedconfigtest.Case{
		{Name: "defaults", Want: &invitation.Config{}},
		{Name: "open sign-up", Config: `{"continue_flow_without_invitation": true}`, Want: &invitation.Config{ContinueFlowWithoutInvitation: true}},
		{Name: "not a boolean", Config: `{"continue_flow_without_invitation": "yes"}`, Field: "continue_flow_without_invitation"},
		{Name: "unknown field", Config: `{"single_use": true}`, Field: "single_use"},
	})
}

type bundle struct {
	env  *stagetest.Env
	flow *ent.Flow
}

// request returns a request of the invitation stage in an execution of
// the sign-up flow, started with query.
func (b *bundle) request(query url.Values) *executor.Request {
	req := b.env.Request(invitation.Kind)
	req.Execution.FlowID = b.flow.ID
	req.Execution.Query = query.Encode()
	req.Flow.Slug = b.flow.Slug
	return req
}

func (b *bundle) invite(t *testing.T, name string, singleUse bool, expires *time.Time) string {
	t.Helper()
	_, token, err := invitations.Create(b.env.Ctx, b.env.Client, invitations.Params{
		Name: name, FlowID: b.flow.ID, SingleUse: singleUse, Expires: expires,
		FixedData: map[string]any{"email": "invited@example.com", "department": "sales"},
	}, b.env.Clock.Now())
	require.NoError(t, err)
	return token
}

func TestRun(t *testing.T) {
	t.Parallel()
	stagetest.Dialects(t, func(t *testing.T, d string) *bundle {
		env := stagetest.New(t, d, invitation.Definition())
		flow := env.Client.Flow.Create().SetSlug("signup").SetName("Sign up").SetTitle("Sign up").SetDesignation(enum.FlowDesignationEnrollment).SaveX(env.Ctx)
		return &bundle{env: env, flow: flow}
	}, map[string]func(t *testing.T, b *bundle){
		"no token denies": func(t *testing.T, b *bundle) {
			require.Equal(t, executor.Deny(invitation.MessageRequired), b.env.Run(t, invitation.Kind, `{}`, b.request(nil)))
		},
		"no token continues when allowed": func(t *testing.T, b *bundle) {
			req := b.request(nil)
			require.Equal(t, executor.Next(), b.env.Run(t, invitation.Kind, `{"continue_flow_without_invitation": true}`, req))
			require.Empty(t, req.Execution.Context.PromptData())
		},
		"a valid token fixes the invitation's data": func(t *testing.T, b *bundle) {
			token := b.invite(t, "welcome", true, nil)
			req := b.request(url.Values{"itoken": {token}, "next": {"/"}})
			require.NoError(t, req.Execution.Context.Set(executor.KeyPromptData, map[string]any{"username": "newbie", "email": "typed@example.com"}))
			require.Equal(t, executor.Next(), b.env.Run(t, invitation.Kind, `{}`, req))
			require.Equal(t, map[string]any{"username": "newbie", "email": "invited@example.com", "department": "sales"}, req.Execution.Context.PromptData())
			require.Equal(t, map[string]any{"email": "invited@example.com", "department": "sales"}, req.Execution.Context.FixedPromptData())
			events := b.env.Auditor.Events()
			require.Len(t, events, 1)
			require.Equal(t, enum.EventActionInvitationUsed, events[0].Action)
			require.Equal(t, "welcome", events[0].Data["invitation"])

			again := b.request(url.Values{"itoken": {token}})
			require.Equal(t, executor.Deny(invitation.MessageInvalid), b.env.Run(t, invitation.Kind, `{}`, again), "spent")
			require.Empty(t, again.Execution.Context.FixedPromptData())
		},
		"a token from a prompt answer": func(t *testing.T, b *bundle) {
			token := b.invite(t, "typed", false, nil)
			req := b.request(nil)
			require.NoError(t, req.Execution.Context.Set(executor.KeyPromptData, map[string]any{"token": token}))
			require.Equal(t, executor.Next(), b.env.Run(t, invitation.Kind, `{}`, req))
			require.Equal(t, "sales", req.Execution.Context.PromptData()["department"])
		},
		"an invalid token denies even when open": func(t *testing.T, b *bundle) {
			expires := b.env.Clock.Now().Add(time.Minute)
			expired := b.invite(t, "soon", false, &expires)
			b.env.Clock.Advance(2 * time.Minute)
			for _, token := range []string{"unknown-token", expired} {
				req := b.request(url.Values{"itoken": {token}})
				require.Equal(t, executor.Deny(invitation.MessageInvalid), b.env.Run(t, invitation.Kind, `{"continue_flow_without_invitation": true}`, req))
			}
			require.Empty(t, b.env.Auditor.Events())
		},
		"another flow's invitation denies": func(t *testing.T, b *bundle) {
			token := b.invite(t, "elsewhere", false, nil)
			other := b.env.Client.Flow.Create().SetSlug("partners").SetName("p").SetTitle("p").SetDesignation(enum.FlowDesignationEnrollment).SaveX(b.env.Ctx)
			req := b.request(url.Values{"itoken": {token}})
			req.Execution.FlowID = other.ID
			require.Equal(t, executor.Deny(invitation.MessageInvalid), b.env.Run(t, invitation.Kind, `{}`, req))
		},
	})
}
