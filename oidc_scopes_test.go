package main

import (
	"context"
	"encoding/json"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/gatehouse-id/gatehouse/blueprints"
)

// Custom scopes (scope mappings): a relying party asking for them gets
// their claims, evaluated for the user at the time of the request, in
// the ID token, userinfo and introspection; a mapping never overrides a
// reserved claim (sub, email); a failing mapping leaves its claims out
// (a CONFIGURATION_ERROR event) and the tokens are still issued; a
// provider that keeps claims out of the ID token keeps the custom ones
// out too. The consent screen shows the mapping's description.
func TestOIDCCustomScopes(t *testing.T) {
	t.Parallel()
	for _, backend := range []string{"embedded", "postgres+redis"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			testOIDCCustomScopes(t, backend)
		})
	}
}

func testOIDCCustomScopes(t *testing.T, backend string) {
	t.Helper()
	s := newTestServer(t, newServerEnv(t, backend))
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	var grace struct{ CreateUser struct{ ID string } }
	admin.must(`mutation { createUser(input: {username: "grace", name: "Grace Hopper", email: "grace@example.com",
		attributes: {department: "Navy", staff: true}}, password: "Cobol-Compiler-1959") { id } }`, nil, &grace)
	for _, m := range []map[string]any{
		{
			"name": "ERP", "scopeName": "erp", "description": "Your department in the ERP",
			"expression": `{"department": user.attributes.department, "is_staff": "staff" in user.attributes}`,
		},
		{
			"name": "Forged", "scopeName": "forged", "description": "Tries to forge claims",
			"expression": `{"sub": "x", "email": "forged@example.com", "badge": "B-1"}`,
		},
		{
			"name": "Broken", "scopeName": "broken", "description": "Fails for users without a cost center",
			"expression": `{"cost_center": user.attributes.cost_center}`,
		},
	} {
		admin.must(`mutation($in: CreateScopeMappingInput!) { createScopeMapping(input: $in) { id } }`, map[string]any{"in": m}, nil)
	}
	scopes := []string{"openid", "email", "erp", "forged", "broken"}
	clientID, secret := register(t, admin, ssoSpec{slug: "erp", scopes: scopes, flow: blueprints.ExplicitConsentFlow})
	e := discover(t, s.url)
	ctx := t.Context()
	cfg := oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: e.op.Endpoint(), RedirectURL: rpCallback, Scopes: scopes}
	user := newAgent(t, s.browser())
	login := func(cfg oauth2.Config) (*oauth2.Token, *gooidc.IDToken) {
		t.Helper()
		verifier := oauth2.GenerateVerifier()
		back := user.authorize(cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), "grace", "Cobol-Compiler-1959")
		token, err := cfg.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(verifier))
		require.NoError(t, err, "a failing mapping never fails the token request")
		raw, ok := token.Extra("id_token").(string)
		require.True(t, ok)
		idt, err := e.op.Verifier(&gooidc.Config{ClientID: cfg.ClientID}).Verify(ctx, raw)
		require.NoError(t, err)
		return token, idt
	}
	token, idt := login(cfg)
	require.Equal(t, "Your department in the ERP", user.descriptions["erp"], "the consent screen shows the mapping's description")
	require.Equal(t, "Your email address", user.descriptions["email"])

	var claims map[string]any
	require.NoError(t, idt.Claims(&claims))
	require.Equal(t, "Navy", claims["department"])
	require.Equal(t, true, claims["is_staff"])
	require.Equal(t, "B-1", claims["badge"])
	require.Len(t, idt.Subject, 64, "a mapping does not change sub")
	require.Equal(t, "grace@example.com", claims["email"], "nor a built-in scope's claim")
	require.NotContains(t, claims, "cost_center")

	info, err := e.op.UserInfo(ctx, oauth2.StaticTokenSource(token))
	require.NoError(t, err)
	require.Equal(t, idt.Subject, info.Subject)
	require.Equal(t, "grace@example.com", info.Email)
	var fromInfo map[string]any
	require.NoError(t, info.Claims(&fromInfo))
	require.Equal(t, "Navy", fromInfo["department"])
	require.Equal(t, true, fromInfo["is_staff"])
	require.NotContains(t, fromInfo, "cost_center")

	introspected := e.requireActive(t, clientID, secret, token.AccessToken)
	require.Equal(t, "Navy", introspected["department"])
	require.Equal(t, "B-1", introspected["badge"])
	require.Equal(t, idt.Subject, introspected["sub"])
	require.NotContains(t, introspected, "cost_center")

	// Claims are evaluated at the time of each request.
	admin.must(`mutation($id: ID!) { updateUser(id: $id, input: {attributes: {department: "Research"}}) { id } }`,
		map[string]any{"id": grace.CreateUser.ID}, nil)
	info, err = e.op.UserInfo(ctx, oauth2.StaticTokenSource(token))
	require.NoError(t, err)
	require.NoError(t, info.Claims(&fromInfo))
	require.Equal(t, "Research", fromInfo["department"])
	require.Equal(t, false, fromInfo["is_staff"])

	// The failing mapping is a configuration error the admin can see; the
	// event says which mapping failed, not the user's data.
	var events struct {
		Events struct {
			Edges []struct {
				Node struct{ Context map[string]any }
			}
		}
	}
	admin.must(`{ events(where: {actionIn: [CONFIGURATION_ERROR]}, first: 50) { edges { node { context } } } }`, nil, &events)
	require.NotEmpty(t, events.Events.Edges)
	for _, ev := range events.Events.Edges {
		require.Equal(t, "broken", ev.Node.Context["scope"])
		raw, err := json.Marshal(ev.Node.Context)
		require.NoError(t, err)
		require.NotContains(t, string(raw), "Navy")
		require.NotContains(t, string(raw), "grace")
	}

	// A provider that keeps claims out of the ID token keeps these out too.
	lean, leanSecret := register(t, admin, ssoSpec{slug: "lean", scopes: []string{"openid", "erp"}})
	var found struct {
		OAuth2Providers struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	admin.must(`{ oauth2Providers(where: {name: "lean"}) { edges { node { id } } } }`, nil, &found)
	require.Len(t, found.OAuth2Providers.Edges, 1)
	admin.must(`mutation($id: ID!) { updateOAuth2Provider(id: $id, input: {includeClaimsInIdToken: false}) { id } }`,
		map[string]any{"id": found.OAuth2Providers.Edges[0].Node.ID}, nil)
	leanCfg := oauth2.Config{ClientID: lean, ClientSecret: leanSecret, Endpoint: e.op.Endpoint(), RedirectURL: rpCallback, Scopes: []string{"openid", "erp"}}
	token, idt = login(leanCfg)
	claims = nil
	require.NoError(t, idt.Claims(&claims))
	require.NotContains(t, claims, "department")
	info, err = e.op.UserInfo(context.WithoutCancel(ctx), oauth2.StaticTokenSource(token))
	require.NoError(t, err)
	require.NoError(t, info.Claims(&fromInfo))
	require.Equal(t, "Research", fromInfo["department"], "userinfo still has them")
}
