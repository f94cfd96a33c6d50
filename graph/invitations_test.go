package graph_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

const createInvitation = `mutation($in: CreateInvitationInput!) {
  createInvitation(input: $in) { token link invitation { id name singleUse uses expires fixedData flow { slug } createdBy { username } } }
}`

type invitationCreated struct {
	CreateInvitation struct {
		Token, Link string
		Invitation  struct {
			ID, Name  string
			SingleUse bool
			Uses      int
			Expires   *time.Time
			FixedData map[string]any
			Flow      struct{ Slug string }
			CreatedBy struct{ Username string }
		}
	}
}

func TestInvitations(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			flowID := b.createFlow(t, "signup", "enrollment")
			loginID := b.createFlow(t, "login", "authentication")
			expires := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)

			var out invitationCreated
			b.mustDo(t, b.admin, createInvitation, map[string]any{"in": map[string]any{
				"name": "new-hire", "flowID": flowID, "expires": expires, "fixedData": map[string]any{"email": "hire@example.com"},
			}}, &out)
			c := out.CreateInvitation
			require.Equal(t, "https://login.example.com/if/flow/signup/?itoken="+c.Token, c.Link)
			require.Equal(t, "new-hire", c.Invitation.Name)
			require.True(t, c.Invitation.SingleUse, "single use by default")
			require.Equal(t, "signup", c.Invitation.Flow.Slug)
			require.Equal(t, "root", c.Invitation.CreatedBy.Username)
			require.Equal(t, map[string]any{"email": "hire@example.com"}, c.Invitation.FixedData)
			require.True(t, expires.Equal(*c.Invitation.Expires))

			var list struct {
				Invitations struct{ TotalCount int }
			}
			b.mustDo(t, b.admin, `{ invitations { totalCount } }`, nil, &list)
			require.Equal(t, 1, list.Invitations.TotalCount)
			resp := b.do(t, b.alice, `{ invitations { totalCount edges { node { id } } } }`, nil)
			if len(resp.Errors) == 0 {
				require.NotContains(t, string(resp.Data), c.Invitation.ID, "users do not see invitations")
			}
			requireCode(t, b.do(t, b.alice, createInvitation, map[string]any{"in": map[string]any{"name": "mine", "flowID": flowID}}), "FORBIDDEN")
			require.NotContains(t, strings.ToLower(string(b.do(t, b.admin, `{ invitations { edges { node { id } } } }`, nil).Data)), strings.ToLower(c.Token))

			e := requireCode(t, b.do(t, b.admin, createInvitation, map[string]any{"in": map[string]any{"name": "wrong-flow", "flowID": loginID}}), "VALIDATION_FAILED")
			require.Equal(t, "flowId", e.Extensions["field"])
			requireCode(t, b.do(t, b.admin, createInvitation, map[string]any{"in": map[string]any{"name": "new-hire", "flowID": flowID}}), "CONFLICT")
			e = requireCode(t, b.do(t, b.admin, createInvitation, map[string]any{"in": map[string]any{"name": "late", "flowID": flowID, "expires": time.Now().Add(-time.Hour)}}), "VALIDATION_FAILED")
			require.Equal(t, "expires", e.Extensions["field"])

			var deleted struct{ DeleteInvitation string }
			b.mustDo(t, b.admin, `mutation($id: ID!) { deleteInvitation(id: $id) }`, map[string]any{"id": c.Invitation.ID}, &deleted)
			b.mustDo(t, b.admin, `{ invitations { totalCount } }`, nil, &list)
			require.Zero(t, list.Invitations.TotalCount)
		})
	}
}
