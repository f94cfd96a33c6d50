package graph_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/oauth2token"
	"github.com/gatehouse-id/gatehouse/ent/userconsent"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

type userConsents struct {
	Node struct {
		Consents []struct {
			Application struct{ Slug string }
			Scopes      []string
		}
	}
}

const userConsentsQuery = `query($id: ID!) { node(id: $id) { ... on User { consents { application { slug } scopes } } } }`

// An admin sees another user's live consents and revokes one: the
// consent and the user's tokens from its provider go, nobody else's.
func TestAdminUserConsents(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		f := connectedSetup(t, b)
		ctx := viewer.SystemContext(context.Background())
		alice := map[string]any{"id": itoa(b.alice.UserID)}

		// A user may read their own User, not its consents (viewer has them).
		requireCode(t, b.do(t, f.bob, userConsentsQuery, map[string]any{"id": itoa(f.bob.UserID)}), "FORBIDDEN")
		var out userConsents
		b.mustDo(t, b.admin, userConsentsQuery, alice, &out)
		require.Len(t, out.Node.Consents, 2, "alice's live consents, by name")
		require.Equal(t, "notes", out.Node.Consents[0].Application.Slug)
		require.Equal(t, []string{"openid", "email"}, out.Node.Consents[0].Scopes)
		require.Equal(t, "wiki", out.Node.Consents[1].Application.Slug)

		const revoke = `mutation($id: ID!, $slug: String!) { revokeUserConsent(userID: $id, applicationSlug: $slug) }`
		vars := map[string]any{"id": itoa(b.alice.UserID), "slug": "notes"}
		requireCode(t, b.do(t, f.bob, revoke, vars), "FORBIDDEN")
		requireCode(t, b.do(t, b.alice, revoke, vars), "FORBIDDEN") // not even their own, through the admin's field
		requireCode(t, b.do(t, b.admin, revoke, map[string]any{"id": itoa(b.alice.UserID), "slug": "docs"}), "NOT_FOUND")
		var ok struct{ RevokeUserConsent bool }
		b.mustDo(t, b.admin, revoke, vars, &ok)
		require.True(t, ok.RevokeUserConsent)

		require.False(t, b.client.UserConsent.Query().
			Where(userconsent.UserID(b.alice.UserID), userconsent.ApplicationID(f.notes.ID)).ExistX(ctx))
		require.Zero(t, b.client.OAuth2Token.Query().Where(oauth2token.UserID(b.alice.UserID), oauth2token.ClientID(f.notesClient),
			oauth2token.RevokedAtIsNil()).CountX(ctx), "alice's Notes tokens are revoked")
		require.Equal(t, 2, b.client.OAuth2Token.Query().Where(oauth2token.UserID(f.bob.UserID), oauth2token.ClientID(f.notesClient),
			oauth2token.RevokedAtIsNil()).CountX(ctx), "bob's stay")
		require.True(t, b.client.UserConsent.Query().
			Where(userconsent.UserID(f.bob.UserID), userconsent.ApplicationID(f.notes.ID)).ExistX(ctx))

		b.mustDo(t, b.admin, userConsentsQuery, alice, &out)
		require.Len(t, out.Node.Consents, 1)
		requireCode(t, b.do(t, b.admin, revoke, vars), "NOT_FOUND") // a consent is revoked once
	})
}
