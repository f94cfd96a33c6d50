package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/oauth2authrequest"
	"github.com/gatehouse-id/gatehouse/ent/oauth2token"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/userconsent"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

// connectedFixture is two users' consents and tokens at four applications.
type connectedFixture struct {
	bob          viewer.Viewer
	notes, wiki  *ent.Application
	notesClient  string
	otherClients []string
}

// connectedSetup gives alice a permanent consent to Notes, an expiring
// one to Wiki, a lapsed one to Chat, and bob a consent to Notes; both
// hold an access and a refresh token and an unexchanged code from each
// of Notes', Wiki's and Chat's providers. Docs has no provider, and nobody consented to it.
func connectedSetup(t *testing.T, b *testBundle) connectedFixture {
	t.Helper()
	ctx := viewer.SystemContext(context.Background())
	flow := b.client.Flow.Create().SetSlug("authz").SetName("authz").SetTitle("authz").
		SetDesignation(enum.FlowDesignationAuthorization).SaveX(ctx)
	app := func(name, clientID string) *ent.Application {
		create := b.client.Application.Create().SetName(name).SetSlug(clientID).
			SetLaunchURL("https://" + clientID + ".example.com/")
		if clientID != "docs" {
			p := b.client.OAuth2Provider.Create().SetName(name).SetClientID(clientID).SetAuthorizationFlow(flow).SaveX(ctx)
			create.SetProvider(p)
		}
		return create.SaveX(ctx)
	}
	f := connectedFixture{notes: app("Notes", "notes"), wiki: app("Wiki", "wiki"), notesClient: "notes", otherClients: []string{"wiki", "chat"}}
	chat := app("Chat", "chat")
	app("Docs", "docs")
	bob := b.client.User.Create().SetUsername("bob").SaveX(ctx)
	f.bob = viewer.Viewer{Kind: viewer.User, UserID: bob.ID, Username: bob.Username}

	now := time.Now()
	consent := func(userID int, app *ent.Application, expires *time.Time, scopes ...string) {
		b.client.UserConsent.Create().SetUserID(userID).SetApplication(app).SetScopes(scopes).
			SetNillableExpiresAt(expires).ExecX(ctx)
	}
	consent(b.alice.UserID, f.notes, nil, "openid", "email")
	consent(b.alice.UserID, f.wiki, new(now.Add(time.Hour)), "openid")
	consent(b.alice.UserID, chat, new(now.Add(-time.Minute)), "openid", "profile")
	consent(bob.ID, f.notes, nil, "openid", "profile")

	n := 0
	token := func(userID int, app *ent.Application, kind oauth2token.Kind) {
		n++
		p := app.QueryProvider().OnlyX(ctx)
		b.client.OAuth2Token.Create().SetID("token-" + itoa(n)).SetKind(kind).SetFamily("family-" + itoa(userID)).
			SetProviderID(p.ID).SetClientID(p.ClientID).SetUserID(userID).SetScopes([]string{"openid"}).
			SetCreatedAt(now).SetExpiresAt(now.Add(time.Hour)).ExecX(ctx)
	}
	// An authorized request whose code is not exchanged yet.
	pending := func(userID int, app *ent.Application) {
		n++
		p := app.QueryProvider().OnlyX(ctx)
		b.client.OAuth2AuthRequest.Create().SetID("request-" + itoa(n)).SetCreatedAt(now).SetExpiresAt(now.Add(time.Minute)).
			SetProviderID(p.ID).SetClientID(p.ClientID).SetRedirectURI("https://app.example.com/cb").
			SetScopes([]string{"openid"}).SetResponseType("code").
			SetUserID(userID).SetAuthorizedAt(now).SetCodeHash("code-" + itoa(n)).ExecX(ctx)
	}
	for _, u := range []int{b.alice.UserID, bob.ID} {
		for _, a := range []*ent.Application{f.notes, f.wiki, chat} {
			token(u, a, oauth2token.KindAccess)
			token(u, a, oauth2token.KindRefresh)
			pending(u, a)
		}
	}
	return f
}

type connectedApps struct {
	Viewer struct {
		ConnectedApplications []struct {
			Application struct{ Name, Slug, LaunchURL string }
			Scopes      []string
			ConsentedAt time.Time
			ExpiresAt   *time.Time
		}
	}
}

const connectedQuery = `{ viewer { connectedApplications { application { name slug launchUrl } scopes consentedAt expiresAt } } }`

// A user's connected applications are the user's own consents that have
// not lapsed, by name.
func TestConnectedApplications(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		f := connectedSetup(t, b)
		var out connectedApps
		b.mustDo(t, b.alice, connectedQuery, nil, &out)
		got := out.Viewer.ConnectedApplications
		require.Len(t, got, 2, "alice's two live consents; not the lapsed one, not bob's")
		require.Equal(t, "Notes", got[0].Application.Name)
		require.Equal(t, "https://notes.example.com/", got[0].Application.LaunchURL)
		require.Equal(t, []string{"openid", "email"}, got[0].Scopes)
		require.Nil(t, got[0].ExpiresAt, "permanent")
		require.WithinDuration(t, time.Now(), got[0].ConsentedAt, time.Minute)
		require.Equal(t, f.wiki.Slug, got[1].Application.Slug)
		require.NotNil(t, got[1].ExpiresAt)
		require.WithinDuration(t, time.Now().Add(time.Hour), *got[1].ExpiresAt, time.Minute)

		b.mustDo(t, f.bob, connectedQuery, nil, &out)
		require.Len(t, out.Viewer.ConnectedApplications, 1)
		require.Equal(t, []string{"openid", "profile"}, out.Viewer.ConnectedApplications[0].Scopes)

		b.mustDo(t, b.anonymous, connectedQuery, nil, &out)
		require.Empty(t, out.Viewer.ConnectedApplications)
	})
}

// Revoking an application's access forgets the caller's consent and
// revokes the caller's tokens from its provider, and nobody else's.
func TestRevokeApplicationAccess(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		f := connectedSetup(t, b)
		ctx := viewer.SystemContext(context.Background())
		const revoke = `mutation($slug: String!) { revokeApplicationAccess(slug: $slug) }`
		// revoked says, for userID's grants from clientID, whether the access
		// token, the refresh token and the unexchanged code are dead.
		revoked := func(userID int, clientID string) []bool {
			t.Helper()
			tokens := b.client.OAuth2Token.Query().
				Where(oauth2token.UserID(userID), oauth2token.ClientID(clientID)).
				Order(oauth2token.ByID()).AllX(ctx)
			require.Len(t, tokens, 2)
			out := make([]bool, 0, len(tokens)+1)
			for _, tok := range tokens {
				out = append(out, tok.RevokedAt != nil)
			}
			// The pending code goes with the tokens.
			codeLive := b.client.OAuth2AuthRequest.Query().
				Where(oauth2authrequest.UserID(userID), oauth2authrequest.ClientID(clientID)).
				OnlyX(ctx).ExpiresAt.After(time.Now())
			return append(out, !codeLive)
		}

		// Refused, changing nothing: anonymous callers, an unknown slug, an
		// application the caller never consented to (docs).
		requireCode(t, b.do(t, b.anonymous, revoke, map[string]any{"slug": "notes"}), "UNAUTHENTICATED")
		requireCode(t, b.do(t, b.alice, revoke, map[string]any{"slug": "nope"}), "NOT_FOUND")
		requireCode(t, b.do(t, b.alice, revoke, map[string]any{"slug": "docs"}), "NOT_FOUND")
		require.Equal(t, []bool{false, false, false}, revoked(b.alice.UserID, f.notesClient))

		var ok struct{ RevokeApplicationAccess bool }
		b.mustDo(t, b.alice, revoke, map[string]any{"slug": "notes"}, &ok)
		require.True(t, ok.RevokeApplicationAccess)

		// Alice's consent, her Notes tokens (access and refresh) and her
		// pending Notes code are gone.
		require.False(t, b.client.UserConsent.Query().
			Where(userconsent.UserID(b.alice.UserID), userconsent.ApplicationID(f.notes.ID)).ExistX(ctx))
		require.Equal(t, []bool{true, true, true}, revoked(b.alice.UserID, f.notesClient))
		// Bob's consent and tokens, and alice's other applications' tokens, stay.
		require.True(t, b.client.UserConsent.Query().
			Where(userconsent.UserID(f.bob.UserID), userconsent.ApplicationID(f.notes.ID)).ExistX(ctx))
		require.Equal(t, []bool{false, false, false}, revoked(f.bob.UserID, f.notesClient))
		for _, c := range f.otherClients {
			require.Equal(t, []bool{false, false, false}, revoked(b.alice.UserID, c), c)
			require.Equal(t, []bool{false, false, false}, revoked(f.bob.UserID, c), c)
		}
		var out connectedApps
		b.mustDo(t, b.alice, connectedQuery, nil, &out)
		require.Len(t, out.Viewer.ConnectedApplications, 1)
		require.Equal(t, "wiki", out.Viewer.ConnectedApplications[0].Application.Slug)

		// Only bob's consent to Notes is left: alice cannot revoke it.
		requireCode(t, b.do(t, b.alice, revoke, map[string]any{"slug": "notes"}), "NOT_FOUND")
		require.Equal(t, []bool{false, false, false}, revoked(f.bob.UserID, f.notesClient))
		b.mustDo(t, f.bob, connectedQuery, nil, &out)
		require.Len(t, out.Viewer.ConnectedApplications, 1)
	})
}
