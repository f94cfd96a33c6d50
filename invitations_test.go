package main

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	entevent "github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

// An administrator invites someone over GraphQL: the invited sign-up (the
// default enrolment flow with an invitation stage in front) gets the
// invitation's fixed email whatever is typed, spends the single-use
// invitation, and records INVITATION_USED; the same link then refuses,
// and so does the flow without a link.
func TestInvitationSignUp(t *testing.T) {
	t.Parallel()
	for _, backend := range []string{"embedded", "postgres+redis"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			s := newTestServer(t, newServerEnv(t, backend))
			admin := s.headless()
			require.True(t, admin.login("admin", adminPassword).Completed)
			var flows struct {
				Flows struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
			admin.must(`{ flows(where: {slug: "default-enrollment-flow"}) { edges { node { id } } } }`, nil, &flows)
			require.Len(t, flows.Flows.Edges, 1)
			flowID := flows.Flows.Edges[0].Node.ID
			var stage struct{ CreateStage struct{ ID string } }
			admin.must(`mutation { createStage(input: {name: "invite-only", config: {invitation: {continueFlowWithoutInvitation: false}}}) { id } }`, nil, &stage)
			admin.must(`mutation($f: ID!, $s: ID!) { createFlowStageBinding(input: {flowID: $f, stageID: $s, order: 6}) { id } }`,
				map[string]any{"f": flowID, "s": stage.CreateStage.ID}, nil)
			var created struct {
				CreateInvitation struct{ Token, Link string }
			}
			admin.must(`mutation($f: ID!) { createInvitation(input: {name: "new-hire", flowID: $f, fixedData: {email: "hire@example.com"}}) { token link } }`,
				map[string]any{"f": flowID}, &created)
			link, err := url.Parse(created.CreateInvitation.Link)
			require.NoError(t, err)
			require.Equal(t, "/if/flow/default-enrollment-flow/", link.Path)
			require.Equal(t, created.CreateInvitation.Token, link.Query().Get("itoken"))

			invitee := s.headless()
			v := invitee.passCaptcha(invitee.startWith("default-enrollment-flow", link.RawQuery))
			require.Equal(t, "PromptChallenge", v.Challenge.Typename, "errors: %v", v.Challenge.Errors)
			v = invitee.submit(v.ID, map[string]any{"prompt": map[string]any{"values": map[string]any{
				"username": "hire", "password": "correct-horse-battery-9", "password_repeat": "correct-horse-battery-9",
			}}})
			require.Equal(t, "PromptChallenge", v.Challenge.Typename, "errors: %v", v.Challenge.Errors)
			v = invitee.submit(v.ID, map[string]any{"prompt": map[string]any{"values": map[string]any{"name": "New Hire", "email": "typed@example.com"}}})
			require.Equal(t, "EmailChallenge", v.Challenge.Typename, "errors: %v", v.Challenge.Errors)
			require.Empty(t, invitee.mails("typed@example.com"), "the typed address gets nothing")
			mails := invitee.mails("hire@example.com")
			require.Len(t, mails, 1, "the verification goes to the invitation's address")
			v = invitee.followLink(mails[0].Data["link"])
			require.True(t, v.Completed, "errors: %v", v.Challenge.Errors)

			ctx := viewer.SystemContext(t.Context())
			u, err := s.app.db.Ent.User.Query().Where(user.Username("hire")).Only(ctx)
			require.NoError(t, err)
			require.Equal(t, "hire@example.com", u.Email, "the invitation's fixed email wins over what was typed")
			used, err := s.app.db.Ent.Event.Query().Where(entevent.ActionEQ(enum.EventActionInvitationUsed)).Count(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, used)

			again := s.headless()
			v = again.passCaptcha(again.startWith("default-enrollment-flow", link.RawQuery))
			require.Equal(t, "AccessDeniedChallenge", v.Challenge.Typename, "a spent invitation is refused")
			require.Contains(t, v.Challenge.ErrorMessage, "not valid")

			uninvited := s.headless()
			v = uninvited.passCaptcha(uninvited.start("default-enrollment-flow"))
			require.Equal(t, "AccessDeniedChallenge", v.Challenge.Typename)
			require.Contains(t, v.Challenge.ErrorMessage, "need an invitation")
		})
	}
}
