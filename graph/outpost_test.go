package graph_test

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/oidc/clients"
	"github.com/gatehouse-id/gatehouse/outposts"
	"github.com/gatehouse-id/gatehouse/session"
)

const (
	createProxy = `mutation($in: CreateProxyProviderInput!) { createProxyProvider(input: $in) {
		id name externalHost internalHost internalHostTLSVerify mode cookieDomain skipPathRegex
		basicAuthEnabled basicAuthUserAttribute basicAuthPasswordAttribute sendAccessToken accessTokenValidity
		authorizationFlow { slug } } }`
	outpostConfigQuery = `{ outpostConfig { outpostID name issuer cookieSecret providers {
		id name applicationSlug mode externalHost internalHost internalHostTLSVerify cookieDomain skipPathRegex
		clientID clientSecret basicAuthEnabled sendAccessToken accessTokenValidity } } }`
	outpostSessionsQuery = `query($p: ID!, $s: [String!]!) { outpostSessions(providerID: $p, sids: $s) {
		sid active allowed identity { uid username email name groups basicAuthUser basicAuthPassword } } }`
)

type proxyProvider struct {
	ID, Name, ExternalHost, InternalHost, Mode, CookieDomain string
	InternalHostTLSVerify, BasicAuthEnabled, SendAccessToken bool
	SkipPathRegex                                            []string
	BasicAuthUserAttribute, BasicAuthPasswordAttribute       string
	AccessTokenValidity                                      int
	AuthorizationFlow                                        struct{ Slug string }
}

type outpostConfig struct {
	OutpostID, Name, Issuer, CookieSecret string
	Providers                             []struct {
		ID, Name, ApplicationSlug, Mode, ExternalHost, InternalHost, CookieDomain string
		InternalHostTLSVerify, BasicAuthEnabled, SendAccessToken                  bool
		SkipPathRegex                                                             []string
		ClientID, ClientSecret                                                    string
		AccessTokenValidity                                                       int
	}
}

type outpostSession struct {
	SID      string `json:"sid"`
	Active   bool
	Allowed  bool
	Identity *struct {
		UID, Username, Email, Name       string
		Groups                           []string
		BasicAuthUser, BasicAuthPassword string
	}
}

// proxy creates a proxy provider through the API with in over a proxy-mode
// provider at app.example.com.
func (b *testBundle) proxy(t *testing.T, flowID string, in map[string]any) proxyProvider {
	t.Helper()
	input := map[string]any{
		"name": "Dashboard", "externalHost": "https://app.example.com", "internalHost": "http://127.0.0.1:9000",
		"authorizationFlowID": flowID,
	}
	maps.Copy(input, in)
	var out struct{ CreateProxyProvider proxyProvider }
	b.mustDo(t, b.admin, createProxy, map[string]any{"in": input}, &out)
	return out.CreateProxyProvider
}

func TestProxyProviderAdmin(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		flowID := b.createFlow(t, "authorize", enum.FlowDesignationAuthorization)
		p := b.proxy(t, flowID, map[string]any{"skipPathRegex": []string{"^/health$"}})
		require.Equal(t, "Dashboard", p.Name)
		require.Equal(t, "PROXY", p.Mode)
		require.True(t, p.InternalHostTLSVerify, "TLS verification is on by default")
		require.Equal(t, []string{"^/health$"}, p.SkipPathRegex)
		require.Equal(t, 600, p.AccessTokenValidity)
		require.Equal(t, "authorize", p.AuthorizationFlow.Slug)

		// Its managed OAuth2 client: marked, one exact redirect URI.
		var managed struct {
			Oauth2Providers struct {
				Edges []struct {
					Node struct {
						Name          string
						ClientType    string
						RedirectUris  []struct{ URL, MatchingMode string }
						ProxyProvider *struct{ ID string }
					}
				}
			}
		}
		b.mustDo(t, b.admin, `{ oauth2Providers { edges { node { name clientType redirectUris { url matchingMode } proxyProvider { id } } } } }`, nil, &managed)
		require.Len(t, managed.Oauth2Providers.Edges, 1)
		m := managed.Oauth2Providers.Edges[0].Node
		require.Equal(t, "CONFIDENTIAL", m.ClientType)
		require.Equal(t, "https://app.example.com/outpost.gatehouse/callback", m.RedirectUris[0].URL)
		require.Equal(t, "STRICT", m.RedirectUris[0].MatchingMode)
		require.NotNil(t, m.ProxyProvider)
		require.Equal(t, p.ID, m.ProxyProvider.ID)

		// The managed client changes only through its proxy provider.
		var ids struct {
			Oauth2Providers struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		b.mustDo(t, b.admin, `{ oauth2Providers { edges { node { id } } } }`, nil, &ids)
		managedID := ids.Oauth2Providers.Edges[0].Node.ID
		for _, q := range []string{
			`mutation($id: ID!) { updateOAuth2Provider(id: $id, input: {name: "x"}) { id } }`,
			`mutation($id: ID!) { rotateClientSecret(id: $id) { clientSecret } }`,
			`mutation($id: ID!) { deleteOAuth2Provider(id: $id) }`,
		} {
			e := requireCode(t, b.do(t, b.admin, q, map[string]any{"id": managedID}), "FAILED_PRECONDITION")
			require.Equal(t, "managed_by_proxy_provider", e.Extensions["reason"])
		}

		// Bad input names the field.
		for _, tc := range []struct {
			name  string
			in    map[string]any
			field string
		}{
			{"proxy mode needs an internal host", map[string]any{"name": "x1", "externalHost": "https://x1.example.com", "internalHost": ""}, "internalHost"},
			{"forward_domain needs a cookie domain", map[string]any{"name": "x2", "externalHost": "https://x2.example.com", "mode": "FORWARD_DOMAIN"}, "cookieDomain"},
			{"the external host is under the cookie domain", map[string]any{"name": "x3", "externalHost": "https://x3.example.org", "mode": "FORWARD_DOMAIN", "cookieDomain": "example.com"}, "cookieDomain"},
			{"an external host with a path", map[string]any{"name": "x4", "externalHost": "https://x4.example.com/app"}, "externalHost"},
			{"a taken host, another port", map[string]any{"name": "x5", "externalHost": "https://app.example.com:8443"}, "externalHost"},
			{"a regex that does not compile", map[string]any{"name": "x6", "externalHost": "https://x6.example.com", "skipPathRegex": []string{"^/(health$"}}, "skipPathRegex"},
			{"a validity out of range", map[string]any{"name": "x7", "externalHost": "https://x7.example.com", "accessTokenValidity": 5}, "accessTokenValidity"},
		} {
			in := map[string]any{"internalHost": "http://127.0.0.1:9000", "authorizationFlowID": flowID}
			maps.Copy(in, tc.in)
			e := requireCode(t, b.do(t, b.admin, createProxy, map[string]any{"in": in}), "VALIDATION_FAILED")
			require.Equal(t, tc.field, e.Extensions["field"], "%s: %s", tc.name, e.Message)
		}

		// Only superusers.
		requireCode(t, b.do(t, b.alice, `{ proxyProviders { edges { node { id } } } }`, nil), "FORBIDDEN")
		requireCode(t, b.do(t, b.alice, createProxy, map[string]any{"in": map[string]any{
			"name": "y", "externalHost": "https://y.example.com", "internalHost": "http://127.0.0.1:1", "authorizationFlowID": flowID,
		}}), "FORBIDDEN")

		// An update keeps the managed client in step.
		var upd struct{ UpdateProxyProvider proxyProvider }
		b.mustDo(t, b.admin, `mutation($id: ID!) { updateProxyProvider(id: $id, input: {externalHost: "https://dash.example.com", mode: FORWARD_SINGLE}) { id externalHost mode } }`,
			map[string]any{"id": p.ID}, &upd)
		require.Equal(t, "https://dash.example.com", upd.UpdateProxyProvider.ExternalHost)
		b.mustDo(t, b.admin, `{ oauth2Providers { edges { node { name clientType redirectUris { url matchingMode } proxyProvider { id } } } } }`, nil, &managed)
		require.Equal(t, "https://dash.example.com/outpost.gatehouse/callback", managed.Oauth2Providers.Edges[0].Node.RedirectUris[0].URL)

		// Deleting it deletes the managed client.
		b.mustDo(t, b.admin, `mutation($id: ID!) { deleteProxyProvider(id: $id) }`, map[string]any{"id": p.ID}, nil)
		b.mustDo(t, b.admin, `{ oauth2Providers { edges { node { name clientType redirectUris { url matchingMode } proxyProvider { id } } } } }`, nil, &managed)
		require.Empty(t, managed.Oauth2Providers.Edges)
	})
}

func TestOutpostAdmin(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		embedded, err := outposts.EnsureEmbedded(viewer.SystemContext(t.Context()), b.client, testSecretKey)
		require.NoError(t, err)
		flowID := b.createFlow(t, "authorize", enum.FlowDesignationAuthorization)
		p := b.proxy(t, flowID, nil)

		var created struct {
			CreateOutpost struct {
				Token   string
				Outpost struct {
					ID, Name, Type string
					Embedded       bool
					Healthy        bool
					LastSeenAt     *time.Time
					Providers      []struct{ ID string }
				}
			}
		}
		b.mustDo(t, b.admin, `mutation($p: [ID!]) { createOutpost(input: {name: "edge", providerIDs: $p}) { token outpost { id name type embedded healthy lastSeenAt providers { id } } } }`,
			map[string]any{"p": []string{p.ID}}, &created)
		o := created.CreateOutpost
		require.True(t, outposts.IsToken(o.Token))
		require.Equal(t, "PROXY", o.Outpost.Type)
		require.False(t, o.Outpost.Embedded)
		require.False(t, o.Outpost.Healthy, "never seen")
		require.Len(t, o.Outpost.Providers, 1)

		// Its token authenticates it, and it is healthy then.
		v, err := outposts.Authenticate(t.Context(), b.client, o.Token, time.Now())
		require.NoError(t, err)
		require.Equal(t, viewer.Outpost, v.Kind)
		var healthy struct {
			Outposts struct {
				Edges []struct {
					Node struct {
						Name    string
						Healthy bool
					}
				}
			}
		}
		b.mustDo(t, b.admin, `{ outposts { edges { node { name healthy } } } }`, nil, &healthy)
		require.Len(t, healthy.Outposts.Edges, 2)
		for _, e := range healthy.Outposts.Edges {
			require.Equal(t, e.Node.Name == "edge", e.Node.Healthy, e.Node.Name)
		}

		// Rotating replaces the token.
		var rotated struct{ RotateOutpostToken struct{ Token string } }
		b.mustDo(t, b.admin, `mutation($id: ID!) { rotateOutpostToken(id: $id) { token } }`, map[string]any{"id": o.Outpost.ID}, &rotated)
		require.NotEqual(t, o.Token, rotated.RotateOutpostToken.Token)
		_, err = outposts.Authenticate(t.Context(), b.client, o.Token, time.Now())
		require.ErrorIs(t, err, outposts.ErrInvalidToken)
		_, err = outposts.Authenticate(t.Context(), b.client, rotated.RotateOutpostToken.Token, time.Now())
		require.NoError(t, err)

		// Unassigning the provider gives it back to the embedded outpost.
		var upd struct {
			UpdateOutpost struct{ Providers []struct{ ID string } }
		}
		b.mustDo(t, b.admin, `mutation($id: ID!, $p: [ID!]) { updateOutpost(id: $id, input: {removeProviderIDs: $p}) { providers { id } } }`,
			map[string]any{"id": o.Outpost.ID, "p": []string{p.ID}}, &upd)
		require.Empty(t, upd.UpdateOutpost.Providers)

		// The embedded outpost cannot be deleted; others can.
		embeddedID := strconv.Itoa(embedded.ID)
		e := requireCode(t, b.do(t, b.admin, `mutation($id: ID!) { deleteOutpost(id: $id) }`, map[string]any{"id": embeddedID}), "FAILED_PRECONDITION")
		require.Equal(t, "embedded_outpost", e.Extensions["reason"])
		b.mustDo(t, b.admin, `mutation($id: ID!) { deleteOutpost(id: $id) }`, map[string]any{"id": o.Outpost.ID}, nil)

		// Writes are audited (never the token), its last use is not.
		events, err := b.client.Event.Query().Where(event.ActionIn(enum.EventActionModelCreated, enum.EventActionModelUpdated, enum.EventActionModelDeleted)).
			All(viewer.SystemContext(t.Context()))
		require.NoError(t, err)
		models := map[string]int{}
		for _, ev := range events {
			if ev.Context["model"] == "outpost" {
				models[string(ev.Action)]++
			}
			require.NotContains(t, fmt.Sprint(ev.Context), rotated.RotateOutpostToken.Token)
		}
		require.Equal(t, map[string]int{"model_created": 2, "model_updated": 2, "model_deleted": 1}, models)

		requireCode(t, b.do(t, b.alice, `{ outposts { edges { node { id } } } }`, nil), "FORBIDDEN")
		requireCode(t, b.do(t, b.alice, `mutation { createOutpost(input: {name: "x"}) { token } }`, nil), "FORBIDDEN")
		requireCode(t, b.do(t, b.admin, `mutation { createOutpost(input: {name: "x", providerIDs: ["1"]}) { token } }`, nil), "VALIDATION_FAILED")
	})
}

// login is an authorization of user at the managed client of proxy
// provider p, by a logged-in session: its sid and the session's ID.
func (b *testBundle) login(t *testing.T, p proxyProvider, u *ent.User) (string, session.ID) {
	t.Helper()
	ctx := viewer.SystemContext(t.Context())
	pid, err := strconv.Atoi(p.ID)
	require.NoError(t, err)
	pp, err := b.client.ProxyProvider.Get(ctx, pid)
	require.NoError(t, err)
	managed, err := b.client.OAuth2Provider.Get(ctx, pp.Oauth2ProviderID)
	require.NoError(t, err)
	sid, _, err := b.sessions.Login(ctx, "", u.ID, session.LoginOptions{})
	require.NoError(t, err)
	now := time.Now()
	r, err := b.client.OAuth2AuthRequest.Create().
		SetID("req-" + strconv.FormatInt(now.UnixNano(), 36)).SetCreatedAt(now).SetExpiresAt(now.Add(time.Minute)).
		SetProviderID(managed.ID).SetClientID(managed.ClientID).SetRedirectURI(p.ExternalHost + outposts.CallbackPath).
		SetScopes([]string{"openid"}).SetResponseType("code").
		SetUserID(u.ID).SetAuthorizedAt(now).SetSessionKey(sid.Key()).
		Save(ctx)
	require.NoError(t, err)
	return r.ID, sid
}

func TestOutpostAPI(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		ctx := viewer.SystemContext(t.Context())
		embedded, err := outposts.EnsureEmbedded(ctx, b.client, testSecretKey)
		require.NoError(t, err)
		me := viewer.Viewer{Kind: viewer.Outpost, OutpostID: embedded.ID}
		flowID := b.createFlow(t, "authorize", enum.FlowDesignationAuthorization)
		p := b.proxy(t, flowID, map[string]any{"basicAuthEnabled": true, "basicAuthPasswordAttribute": "legacy_password"})
		var app struct {
			CreateApplication struct {
				ID            string
				ProxyProvider *struct{ ID string }
			}
		}
		b.mustDo(t, b.admin, `mutation($p: ID!) { createApplication(input: {name: "Dashboard", slug: "dashboard", providerID: $p}) { id proxyProvider { id } } }`,
			map[string]any{"p": p.ID}, &app)
		require.NotNil(t, app.CreateApplication.ProxyProvider)
		require.Equal(t, p.ID, app.CreateApplication.ProxyProvider.ID)

		// The configuration.
		var cfg struct{ OutpostConfig outpostConfig }
		b.mustDo(t, me, outpostConfigQuery, nil, &cfg)
		c := cfg.OutpostConfig
		require.Equal(t, strconv.Itoa(embedded.ID), c.OutpostID)
		require.Equal(t, outposts.EmbeddedName, c.Name)
		require.Equal(t, "https://login.example.com", c.Issuer)
		require.NotEmpty(t, c.CookieSecret)
		require.Len(t, c.Providers, 1)
		cp := c.Providers[0]
		require.Equal(t, p.ID, cp.ID)
		require.Equal(t, "dashboard", cp.ApplicationSlug)
		require.Equal(t, "PROXY", cp.Mode)
		require.True(t, cp.BasicAuthEnabled)
		managed, err := b.client.OAuth2Provider.Query().Only(ctx)
		require.NoError(t, err)
		require.Equal(t, managed.ClientID, cp.ClientID)
		require.True(t, clients.VerifySecret(managed, cp.ClientSecret), "the served secret is the client's")

		// Only outposts; and outposts only that.
		requireCode(t, b.do(t, b.alice, outpostConfigQuery, nil), "FORBIDDEN")
		requireCode(t, b.do(t, b.admin, outpostConfigQuery, nil), "FORBIDDEN")
		requireCode(t, b.do(t, b.anonymous, outpostConfigQuery, nil), "UNAUTHENTICATED")
		requireCode(t, b.do(t, me, `{ users { edges { node { id } } } }`, nil), "FORBIDDEN")
		requireCode(t, b.do(t, me, `{ viewer { isSuperuser } }`, nil), "FORBIDDEN")
		requireCode(t, b.do(t, me, `mutation { createOutpost(input: {name: "x"}) { token } }`, nil), "FORBIDDEN")

		// Sessions.
		bob, err := b.client.User.Create().SetUsername("bob").SetEmail("bob@example.com").SetName("Bob").
			SetAttributes(map[string]any{"legacy_password": "hunter2"}).Save(ctx)
		require.NoError(t, err)
		group, err := b.client.Group.Create().SetName("staff").AddUsers(bob).Save(ctx)
		require.NoError(t, err)
		_ = group
		sid, gid := b.login(t, p, bob)
		sessions := func(sids ...string) []outpostSession {
			var out struct{ OutpostSessions []outpostSession }
			b.mustDo(t, me, outpostSessionsQuery, map[string]any{"p": p.ID, "s": sids}, &out)
			return out.OutpostSessions
		}
		got := sessions(sid, "unknown")
		require.Len(t, got, 2)
		require.True(t, got[0].Active)
		require.True(t, got[0].Allowed)
		require.NotNil(t, got[0].Identity)
		require.Equal(t, "bob", got[0].Identity.Username)
		require.Equal(t, "bob@example.com", got[0].Identity.Email)
		require.Equal(t, []string{"staff"}, got[0].Identity.Groups)
		require.Equal(t, "bob", got[0].Identity.BasicAuthUser)
		require.Equal(t, "hunter2", got[0].Identity.BasicAuthPassword)
		key, err := clients.SubjectKey(testSecretKey)
		require.NoError(t, err)
		require.Equal(t, clients.Subject(key, managed, bob), got[0].Identity.UID)
		require.Equal(t, outpostSession{SID: "unknown"}, got[1])

		// A policy bound to the application that denies: not allowed.
		var pol struct{ CreatePolicy struct{ ID string } }
		b.mustDo(t, b.admin, `mutation { createPolicy(input: {name: "nobody", config: {dummy: {result: false}}}) { id } }`, nil, &pol)
		var binding struct{ CreatePolicyBinding struct{ ID string } }
		b.mustDo(t, b.admin, `mutation($p: ID!, $a: ID!) { createPolicyBinding(input: {policyID: $p, applicationID: $a}) { id } }`,
			map[string]any{"p": pol.CreatePolicy.ID, "a": app.CreateApplication.ID}, &binding)
		got = sessions(sid)
		require.True(t, got[0].Active)
		require.False(t, got[0].Allowed)
		b.mustDo(t, b.admin, `mutation($id: ID!) { deletePolicyBinding(id: $id) }`, map[string]any{"id": binding.CreatePolicyBinding.ID}, nil)
		require.True(t, sessions(sid)[0].Allowed)

		// Logout ends it.
		require.NoError(t, b.sessions.Logout(ctx, gid))
		got = sessions(sid)
		require.False(t, got[0].Active)
		require.Nil(t, got[0].Identity)

		// A deactivated user's logins end.
		sid2, _ := b.login(t, p, bob)
		require.True(t, sessions(sid2)[0].Active)
		require.NoError(t, b.client.User.UpdateOneID(bob.ID).SetIsActive(false).Exec(ctx))
		require.False(t, sessions(sid2)[0].Active)

		// Revoked tokens end it.
		require.NoError(t, b.client.User.UpdateOneID(bob.ID).SetIsActive(true).Exec(ctx))
		sid3, _ := b.login(t, p, bob)
		require.True(t, sessions(sid3)[0].Active)
		now := time.Now()
		require.NoError(t, b.client.OAuth2Token.Create().SetID("tok-"+sid3).SetKind("access").SetFamily(sid3).
			SetProviderID(managed.ID).SetClientID(managed.ClientID).SetScopes([]string{"openid"}).
			SetCreatedAt(now).SetExpiresAt(now.Add(time.Hour)).SetRevokedAt(now).Exec(ctx))
		require.False(t, sessions(sid3)[0].Active)

		// At most 500 sids; only the outpost's own providers.
		many := make([]string, outposts.MaxSessionsPerCheck+1)
		for i := range many {
			many[i] = strconv.Itoa(i)
		}
		requireCode(t, b.do(t, me, outpostSessionsQuery, map[string]any{"p": p.ID, "s": many}), "BAD_USER_INPUT")
		var other struct {
			CreateOutpost struct{ Outpost struct{ ID string } }
		}
		b.mustDo(t, b.admin, `mutation { createOutpost(input: {name: "other"}) { outpost { id } } }`, nil, &other)
		otherID, err := strconv.Atoi(other.CreateOutpost.Outpost.ID)
		require.NoError(t, err)
		them := viewer.Viewer{Kind: viewer.Outpost, OutpostID: otherID}
		requireCode(t, b.do(t, them, outpostSessionsQuery, map[string]any{"p": p.ID, "s": []string{sid3}}), "NOT_FOUND")
		var theirs struct{ OutpostConfig outpostConfig }
		b.mustDo(t, them, outpostConfigQuery, nil, &theirs)
		require.Empty(t, theirs.OutpostConfig.Providers, "the embedded outpost serves the unassigned provider")
	})
}

func TestOutpostConfigWatch(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		embedded, err := outposts.EnsureEmbedded(viewer.SystemContext(t.Context()), b.client, testSecretKey)
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		changes, err := b.outposts.Watch(ctx, embedded.ID)
		require.NoError(t, err)
		first := <-changes
		require.Empty(t, first.Providers)

		flowID := b.createFlow(t, "authorize", enum.FlowDesignationAuthorization)
		p := b.proxy(t, flowID, nil)
		next := receive(t, changes)
		require.Len(t, next.Providers, 1)
		require.Equal(t, p.ID, next.Providers[0].ID)

		b.mustDo(t, b.admin, `mutation($id: ID!) { updateProxyProvider(id: $id, input: {skipPathRegex: ["^/public/"]}) { id } }`, map[string]any{"id": p.ID}, nil)
		next = receive(t, changes)
		require.Equal(t, []string{"^/public/"}, next.Providers[0].SkipPathRegex)

		b.mustDo(t, b.admin, `mutation($p: ID!) { createApplication(input: {name: "Dashboard", slug: "dashboard", providerID: $p}) { id } }`,
			map[string]any{"p": p.ID}, nil)
		next = receive(t, changes)
		require.Equal(t, "dashboard", next.Providers[0].ApplicationSlug)

		b.mustDo(t, b.admin, `mutation($p: [ID!]) { createOutpost(input: {name: "edge", providerIDs: $p}) { token } }`,
			map[string]any{"p": []string{p.ID}}, nil)
		next = receive(t, changes)
		require.Empty(t, next.Providers, "assigned to another outpost")
	})
}

func TestOutpostConfigWatchEnds(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		ctx := viewer.SystemContext(t.Context())
		for _, end := range []string{"rotateOutpostToken(id: $id) { token }", "deleteOutpost(id: $id)"} {
			o, _, err := outposts.Create(ctx, b.client, "edge", enum.OutpostTypeProxy, nil)
			require.NoError(t, err)
			changes, err := b.outposts.Watch(t.Context(), o.ID)
			require.NoError(t, err)
			<-changes
			b.mustDo(t, b.admin, `mutation($id: ID!) { `+end+` }`, map[string]any{"id": strconv.Itoa(o.ID)}, nil)
			select {
			case _, open := <-changes:
				require.False(t, open, "%s ends the stream", end)
			case <-time.After(5 * time.Second):
				require.FailNow(t, "the stream did not end", end)
			}
			_ = b.client.Outpost.DeleteOneID(o.ID).Exec(ctx)
		}
	})
}

// receive waits for the next configuration.
func receive(t *testing.T, changes <-chan *outposts.Config) *outposts.Config {
	t.Helper()
	select {
	case c, ok := <-changes:
		require.True(t, ok, "the stream ended")
		return c
	case <-time.After(5 * time.Second):
		require.FailNow(t, "no configuration change within 5s")
		return nil
	}
}
