package graph_test

import (
	"context"
	"encoding/json"
	"maps"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/oauth2provider"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/oidc/clients"
	"github.com/gatehouse-id/gatehouse/oidc/keys"
)

const (
	createProvider = `mutation($in: CreateOAuth2ProviderInput!) { createOAuth2Provider(input: $in) {
		clientSecret provider { id name clientType clientId hasClientSecret scopes subjectMode signingAlgorithm
			accessTokenValidity idTokenValidity refreshTokenValidity includeClaimsInIdToken
			redirectUris { url matchingMode } authorizationFlow { slug } invalidationFlow { slug } } } }`
	rotateSecret = `mutation($id: ID!) { rotateClientSecret(id: $id) { clientSecret provider { id hasClientSecret } } }`
)

type providerPayload struct {
	ClientSecret *string
	Provider     struct {
		ID                     string
		Name                   string
		ClientType             string
		ClientID               string
		HasClientSecret        bool
		Scopes                 []string
		SubjectMode            string
		SigningAlgorithm       string
		AccessTokenValidity    int
		IDTokenValidity        int
		RefreshTokenValidity   int
		IncludeClaimsInIDToken bool
		RedirectUris           []struct{ URL, MatchingMode string }
		AuthorizationFlow      struct{ Slug string }
		InvalidationFlow       *struct{ Slug string }
	}
}

// provider creates a provider through the API with in's fields over a
// confidential client with one redirect URI.
func (b *testBundle) provider(t *testing.T, flowID string, in map[string]any) providerPayload {
	t.Helper()
	input := map[string]any{
		"name":                "Grafana",
		"redirectUris":        []any{map[string]any{"url": "https://grafana.example.com/login/generic_oauth"}},
		"authorizationFlowID": flowID,
	}
	maps.Copy(input, in)
	var out struct{ CreateOAuth2Provider providerPayload }
	b.mustDo(t, b.admin, createProvider, map[string]any{"in": input}, &out)
	return out.CreateOAuth2Provider
}

// An OAuth2 provider's secret is shown once, stored hashed, never readable;
// rotating it replaces it at once.
func TestOAuth2ProviderSecretIsShownOnce(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		flowID := b.createFlow(t, "consent", enum.FlowDesignationAuthorization)
		created := b.provider(t, flowID, nil)
		p := created.Provider
		require.NotNil(t, created.ClientSecret)
		secret := *created.ClientSecret
		require.GreaterOrEqual(t, len(secret), clients.MinSecretLength)
		require.True(t, p.HasClientSecret)
		require.Len(t, p.ClientID, 32, "a generated client ID")
		require.Equal(t, "CONFIDENTIAL", p.ClientType)
		require.Equal(t, []string{"openid", "profile", "email"}, p.Scopes, "the default scopes")
		require.Equal(t, "HASHED_USER_ID", p.SubjectMode)
		require.Equal(t, "RS256", p.SigningAlgorithm)
		require.Equal(t, 600, p.AccessTokenValidity)
		require.Equal(t, 2592000, p.RefreshTokenValidity)
		require.True(t, p.IncludeClaimsInIDToken)
		require.Equal(t, "STRICT", p.RedirectUris[0].MatchingMode)
		require.Equal(t, "consent", p.AuthorizationFlow.Slug)
		require.Nil(t, p.InvalidationFlow)

		stored, err := b.client.OAuth2Provider.Query().Where(oauth2provider.ClientID(p.ClientID)).Only(viewer.SystemContext(context.Background()))
		require.NoError(t, err)
		require.NotContains(t, stored.ClientSecretHash, secret, "only a hash is stored")
		require.True(t, clients.VerifySecret(stored, secret))
		require.False(t, clients.VerifySecret(stored, secret[:len(secret)-1]+"x"))

		// No query can read the secret or its hash.
		for _, field := range []string{"clientSecret", "clientSecretHash"} {
			resp := b.do(t, b.admin, `query($id: ID!) { node(id: $id) { ... on OAuth2Provider { `+field+` } } }`, map[string]any{"id": p.ID})
			requireCode(t, resp, "GRAPHQL_VALIDATION_FAILED")
		}
		resp := b.do(t, b.admin, `{ oauth2Providers { edges { node { id clientId hasClientSecret } } } }`, nil)
		require.Empty(t, resp.Errors)
		require.NotContains(t, string(resp.Data), secret)
		require.NotContains(t, string(resp.Data), stored.ClientSecretHash)

		var rotated struct{ RotateClientSecret providerPayload }
		b.mustDo(t, b.admin, rotateSecret, map[string]any{"id": p.ID}, &rotated)
		require.NotNil(t, rotated.RotateClientSecret.ClientSecret)
		fresh := *rotated.RotateClientSecret.ClientSecret
		require.NotEqual(t, secret, fresh)
		stored = b.client.OAuth2Provider.GetX(viewer.SystemContext(context.Background()), stored.ID)
		require.False(t, clients.VerifySecret(stored, secret), "the old secret stops working at once")
		require.True(t, clients.VerifySecret(stored, fresh))

		// Audited like every model: created, then the rotation, by field
		// name; neither secret nor hash is in any event.
		var events struct {
			Events struct {
				Edges []struct {
					Node struct {
						Action  string
						Context map[string]any
					}
				}
			}
		}
		b.mustDo(t, b.admin, `{ events(first: 50, orderBy: {field: CREATED_AT, direction: ASC}, where: {actionIn: [MODEL_CREATED, MODEL_UPDATED]}) {
			edges { node { action context } } } }`, nil, &events)
		var seen []string
		for _, e := range events.Events.Edges {
			raw, err := json.Marshal(e.Node.Context)
			require.NoError(t, err)
			for _, v := range []string{secret, fresh, stored.ClientSecretHash} {
				require.NotContains(t, string(raw), v)
			}
			if e.Node.Context["model"] == "oauth2_provider" {
				seen = append(seen, e.Node.Action)
				if e.Node.Action == "MODEL_UPDATED" {
					require.Equal(t, []any{"client_secret_hash", "updated_at"}, e.Node.Context["fields"])
				}
			}
		}
		require.Equal(t, []string{"MODEL_CREATED", "MODEL_UPDATED"}, seen)
	})
}

// A public client has no secret: none is generated, one given is refused,
// and rotating is refused; making a confidential client public removes
// its secret.
func TestPublicClientsHaveNoSecret(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite3")
	flowID := b.createFlow(t, "consent", enum.FlowDesignationAuthorization)
	spa := b.provider(t, flowID, map[string]any{"name": "SPA", "clientType": "PUBLIC", "clientId": "spa.example"})
	require.Nil(t, spa.ClientSecret)
	require.False(t, spa.Provider.HasClientSecret)
	require.Equal(t, "spa.example", spa.Provider.ClientID)

	e := requireCode(t, b.do(t, b.admin, createProvider, map[string]any{"in": map[string]any{
		"name": "SPA 2", "clientType": "PUBLIC", "clientSecret": strings.Repeat("s", 40),
		"redirectUris": []any{}, "authorizationFlowID": flowID,
	}}), "VALIDATION_FAILED")
	require.Equal(t, "clientSecret", e.Extensions["field"])
	requireCode(t, b.do(t, b.admin, rotateSecret, map[string]any{"id": spa.Provider.ID}), "VALIDATION_FAILED")

	app := b.provider(t, flowID, map[string]any{"name": "App", "clientSecret": strings.Repeat("k", 32)})
	require.Equal(t, strings.Repeat("k", 32), *app.ClientSecret, "the admin's secret is kept")
	var out struct {
		UpdateOAuth2Provider struct{ HasClientSecret bool }
	}
	b.mustDo(t, b.admin, `mutation($id: ID!) { updateOAuth2Provider(id: $id, input: {clientType: PUBLIC}) { hasClientSecret } }`,
		map[string]any{"id": app.Provider.ID}, &out)
	require.False(t, out.UpdateOAuth2Provider.HasClientSecret)
	b.mustDo(t, b.admin, `mutation($id: ID!) { updateOAuth2Provider(id: $id, input: {clientType: CONFIDENTIAL}) { hasClientSecret } }`,
		map[string]any{"id": app.Provider.ID}, &out)
	require.False(t, out.UpdateOAuth2Provider.HasClientSecret, "a confidential client waits for rotateClientSecret")
	stored := b.client.OAuth2Provider.Query().Where(oauth2provider.Name("App")).OnlyX(viewer.SystemContext(context.Background()))
	require.False(t, clients.VerifySecret(stored, strings.Repeat("k", 32)))
	require.False(t, clients.VerifySecret(stored, ""), "no secret accepts the empty one")
}

// Bad registrations are refused with the field at fault and store nothing.
func TestOAuth2ProviderBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite3")
	consent := b.createFlow(t, "consent", enum.FlowDesignationAuthorization)
	login := b.createFlow(t, "login", enum.FlowDesignationAuthentication)
	logout := b.createFlow(t, "logout", enum.FlowDesignationInvalidation)
	b.provider(t, consent, map[string]any{"name": "Taken", "clientId": "taken"})
	uri := func(u, mode string) []any { return []any{map[string]any{"url": u, "matchingMode": mode}} }
	tests := []struct {
		name  string
		in    map[string]any
		field string
	}{
		{"short secret", map[string]any{"clientSecret": strings.Repeat("s", 31)}, "clientSecret"},
		{"secret with a space", map[string]any{"clientSecret": strings.Repeat("s", 31) + " "}, "clientSecret"},
		{"redirect URI with a fragment", map[string]any{"redirectUris": uri("https://app.example.com/cb#x", "STRICT")}, "redirectUris.0.url"},
		{"relative redirect URI", map[string]any{"redirectUris": uri("/cb", "STRICT")}, "redirectUris.0.url"},
		{"javascript redirect URI", map[string]any{"redirectUris": uri("javascript:alert(1)", "STRICT")}, "redirectUris.0.url"},
		{"broken regex", map[string]any{"redirectUris": uri("https://(", "REGEX")}, "redirectUris.0.url"},
		{"unknown scope", map[string]any{"scopes": []string{"openid", "admin"}}, "scopes.1"},
		{"repeated scope", map[string]any{"scopes": []string{"openid", "openid"}}, "scopes.1"},
		{"authorization flow of another designation", map[string]any{"authorizationFlowID": login}, "authorizationFlow"},
		{"invalidation flow of another designation", map[string]any{"invalidationFlowID": consent}, "invalidationFlow"},
		{"client ID with a space", map[string]any{"clientId": "my app"}, "clientId"},
		{"client ID taken", map[string]any{"clientId": "taken"}, "clientId"},
		{"name taken", map[string]any{"name": "Taken"}, "name"},
		{"access token lifetime too short", map[string]any{"accessTokenValidity": 59}, "accessTokenValidity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			input := map[string]any{
				"name": "New " + tt.name, "redirectUris": uri("https://app.example.com/cb", "STRICT"),
				"authorizationFlowID": consent, "invalidationFlowID": logout,
			}
			maps.Copy(input, tt.in)
			resp := b.do(t, b.admin, createProvider, map[string]any{"in": input})
			require.NotEmpty(t, resp.Errors, "refused")
			require.Contains(t, []string{"VALIDATION_FAILED", "CONFLICT"}, resp.code())
			require.Equal(t, tt.field, resp.Errors[0].Extensions["field"], "%+v", resp.Errors)
			n, err := b.client.OAuth2Provider.Query().Where(oauth2provider.Name("New " + tt.name)).Count(viewer.SystemContext(context.Background()))
			require.NoError(t, err)
			require.Zero(t, n, "nothing stored")
		})
	}
}

// Applications: a provider serves one application, policy bindings may
// target an application (on both databases' checks), deleting a flow a
// provider uses is refused naming it, deleting a provider leaves its
// application without one; only superusers see any of it.
func TestApplications(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		consent := b.createFlow(t, "consent", enum.FlowDesignationAuthorization)
		p := b.provider(t, consent, nil).Provider
		const createApp = `mutation($in: CreateApplicationInput!) { createApplication(input: $in) {
			id slug launchUrl group policyEngineMode provider { name } } }`
		var out struct {
			CreateApplication struct {
				ID, Slug, LaunchURL, Group, PolicyEngineMode string
				Provider                                     struct{ Name string }
			}
		}
		b.mustDo(t, b.admin, createApp, map[string]any{"in": map[string]any{
			"name": "Grafana", "slug": "grafana", "launchUrl": "https://grafana.example.com/", "group": "Monitoring", "providerID": p.ID,
		}}, &out)
		app := out.CreateApplication
		require.Equal(t, "https://grafana.example.com/", app.LaunchURL)
		require.Equal(t, "ANY", app.PolicyEngineMode)
		require.Equal(t, "Grafana", app.Provider.Name)

		e := requireCode(t, b.do(t, b.admin, createApp, map[string]any{"in": map[string]any{"name": "Other", "slug": "other", "providerID": p.ID}}), "VALIDATION_FAILED")
		require.Equal(t, "providerId", e.Extensions["field"])
		require.Contains(t, e.Message, `"grafana"`)
		e = requireCode(t, b.do(t, b.admin, createApp, map[string]any{"in": map[string]any{"name": "Bad", "slug": "bad", "launchUrl": "javascript:alert(1)"}}), "VALIDATION_FAILED")
		require.Equal(t, "launchUrl", e.Extensions["field"])

		// A policy binding may target the application.
		var group struct{ CreateGroup struct{ ID string } }
		b.mustDo(t, b.admin, `mutation { createGroup(input: {name: "staff"}) { id } }`, nil, &group)
		var binding struct{ CreatePolicyBinding struct{ ID string } }
		b.mustDo(t, b.admin, `mutation($app: ID!, $g: ID!) { createPolicyBinding(input: {applicationID: $app, groupID: $g}) { id } }`,
			map[string]any{"app": app.ID, "g": group.CreateGroup.ID}, &binding)
		var bindings struct {
			Node struct{ PolicyBindings struct{ TotalCount int } }
		}
		b.mustDo(t, b.admin, `query($id: ID!) { node(id: $id) { ... on Application { policyBindings { totalCount } } } }`,
			map[string]any{"id": app.ID}, &bindings)
		require.Equal(t, 1, bindings.Node.PolicyBindings.TotalCount)

		// Only superusers.
		requireCode(t, b.do(t, b.alice, `{ applications { totalCount } }`, nil), "FORBIDDEN")
		requireCode(t, b.do(t, b.anonymous, `{ oauth2Providers { totalCount } }`, nil), "UNAUTHENTICATED")
		requireCode(t, b.do(t, b.alice, rotateSecret, map[string]any{"id": p.ID}), "FORBIDDEN")

		// The flow a provider uses cannot be deleted.
		e = requireCode(t, b.do(t, b.admin, `mutation($id: ID!) { deleteFlow(id: $id) }`, map[string]any{"id": consent}), "REFERENCED")
		require.Contains(t, e.Message, "Grafana")

		b.mustDo(t, b.admin, `mutation($id: ID!) { deleteOAuth2Provider(id: $id) }`, map[string]any{"id": p.ID}, nil)
		var after struct {
			Node struct{ Provider *struct{ Name string } }
		}
		b.mustDo(t, b.admin, `query($id: ID!) { node(id: $id) { ... on Application { provider { name } } } }`, map[string]any{"id": app.ID}, &after)
		require.Nil(t, after.Node.Provider, "the application stays, without a provider")

		b.mustDo(t, b.admin, `mutation($id: ID!) { deleteApplication(id: $id) }`, map[string]any{"id": app.ID}, nil)
		n, err := b.client.PolicyBinding.Query().Count(viewer.SystemContext(context.Background()))
		require.NoError(t, err)
		require.Zero(t, n, "the application's policy bindings go with it")
	})
}

// Superusers see the signing keys' public parts; no field shows a private
// key, and other users see nothing.
func TestSigningKeysArePublicOnly(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite3")
	store, err := keys.New(b.client, "a-secret-key-of-at-least-32-characters", keys.Options{})
	require.NoError(t, err)
	require.NoError(t, store.Ensure(t.Context()))
	var out struct {
		SigningKeys struct {
			Edges []struct {
				Node struct{ Kid, Algorithm, PublicKey string }
			}
		}
	}
	b.mustDo(t, b.admin, `{ signingKeys { edges { node { kid algorithm publicKey retiredAt } } } }`, nil, &out)
	require.Len(t, out.SigningKeys.Edges, 2)
	algs := []string{out.SigningKeys.Edges[0].Node.Algorithm, out.SigningKeys.Edges[1].Node.Algorithm}
	require.ElementsMatch(t, []string{"RS256", "ES256"}, algs)
	for _, e := range out.SigningKeys.Edges {
		require.Contains(t, e.Node.PublicKey, "BEGIN PUBLIC KEY")
	}
	requireCode(t, b.do(t, b.admin, `{ signingKeys { edges { node { privateKey } } } }`, nil), "GRAPHQL_VALIDATION_FAILED")
	requireCode(t, b.do(t, b.alice, `{ signingKeys { totalCount } }`, nil), "FORBIDDEN")
}

// A user's application list holds the applications whose policies let the
// user in, by group then name.
func TestViewerApplications(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		ctx := viewer.SystemContext(context.Background())
		staff := b.client.Group.Create().SetName("staff").SaveX(ctx)
		app := func(name, group string) int {
			return b.client.Application.Create().SetName(name).SetSlug(strings.ToLower(name)).SetGroup(group).
				SetLaunchURL("https://" + strings.ToLower(name) + ".example.com/").SaveX(ctx).ID
		}
		app("Wiki", "Docs")
		staffOnly := app("Payroll", "HR")
		mine := app("Notes", "Docs")
		byPolicy := app("Chat", "")
		b.client.PolicyBinding.Create().SetApplicationID(staffOnly).SetGroupID(staff.ID).ExecX(ctx)
		b.client.PolicyBinding.Create().SetApplicationID(mine).SetUserID(b.alice.UserID).ExecX(ctx)
		var expr struct{ CreatePolicy struct{ ID string } }
		b.mustDo(t, b.admin, `mutation($e: String!) { createPolicy(input: {name: "chat users", config: {expression: {expression: $e}}}) { id } }`,
			map[string]any{"e": `application.slug == "chat" && user.username == "alice"`}, &expr)
		exprID, err := strconv.Atoi(expr.CreatePolicy.ID)
		require.NoError(t, err)
		b.client.PolicyBinding.Create().SetApplicationID(byPolicy).SetPolicyID(exprID).ExecX(ctx)

		const query = `{ viewer { applications { name slug group launchUrl } } }`
		list := func(v viewer.Viewer) []string {
			t.Helper()
			var out struct {
				Viewer struct {
					Applications []struct{ Name, Slug, Group, LaunchURL string }
				}
			}
			b.mustDo(t, v, query, nil, &out)
			names := []string{}
			for _, a := range out.Viewer.Applications {
				require.Equal(t, "https://"+a.Slug+".example.com/", a.LaunchURL)
				names = append(names, a.Group+"/"+a.Name)
			}
			return names
		}
		require.Equal(t, []string{"/Chat", "Docs/Notes", "Docs/Wiki"}, list(b.alice))
		require.Equal(t, []string{"Docs/Wiki"}, list(b.admin), "superusers are listed what their policies allow, like anyone")
		require.Empty(t, list(b.anonymous))

		b.client.User.UpdateOneID(b.alice.UserID).AddGroupIDs(staff.ID).ExecX(ctx)
		require.Equal(t, []string{"/Chat", "Docs/Notes", "Docs/Wiki", "HR/Payroll"}, list(b.alice))
	})
}
