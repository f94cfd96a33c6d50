package main

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/gatehouse-id/gatehouse/outposts"
)

// outpostDo runs query at s authenticated by bearer and returns the data
// and the first error's code ("" when none).
func outpostDo(t *testing.T, s *testServer, bearer, query string, vars map[string]any, into any) string {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	_, raw := s.send(http.MethodPost, "/graphql", http.Header{
		"Authorization": {"Bearer " + bearer}, "Content-Type": {"application/json"},
	}, string(body))
	var resp struct {
		Data   json.RawMessage
		Errors []struct{ Extensions map[string]any }
	}
	require.NoError(t, json.Unmarshal([]byte(raw), &resp), raw)
	if len(resp.Errors) > 0 {
		code, _ := resp.Errors[0].Extensions["code"].(string)
		return code
	}
	if into != nil {
		require.NoError(t, json.Unmarshal(resp.Data, into))
	}
	return ""
}

// TestOutpostCore drives the core's side of an outpost against a real
// server: the embedded outpost's derived token reads its configuration,
// signs a user in with its provider's client (code flow, PKCE), finds
// the login by the ID token's sid (the same after a refresh), and sees it
// end when the user's Gatehouse session does. An outpost token reaches
// nothing else; an API token cannot act as an outpost.
func TestOutpostCore(t *testing.T) {
	t.Parallel()
	env := newServerEnv(t, "embedded")
	s := newTestServer(t, env)
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "grace", name: "Grace Hopper", email: "grace@example.com"}, password: "Cobol-Compiler-1959") { id } }`, nil, nil)
	var flow struct{ CreateFlow struct{ ID string } }
	admin.must(`mutation { createFlow(input: {slug: "dash-authz", name: "dash-authz", title: "Authorize", designation: AUTHORIZATION}) { id } }`, nil, &flow)
	const external = "http://127.0.0.1:9"
	var pp struct{ CreateProxyProvider struct{ ID string } }
	admin.must(`mutation($f: ID!, $h: String!) { createProxyProvider(input: {name: "Dashboard", externalHost: $h, mode: FORWARD_SINGLE, authorizationFlowID: $f}) { id } }`,
		map[string]any{"f": flow.CreateFlow.ID, "h": external}, &pp)
	admin.must(`mutation($p: ID!) { createApplication(input: {name: "Dashboard", slug: "dashboard", providerID: $p}) { id } }`,
		map[string]any{"p": pp.CreateProxyProvider.ID}, nil)

	token := outposts.EmbeddedToken(env["GATEHOUSE_SECRET_KEY"])
	var cfg struct {
		OutpostConfig struct {
			Name, Issuer string
			Providers    []struct{ ID, ApplicationSlug, ClientID, ClientSecret string }
		}
	}
	require.Empty(t, outpostDo(t, s, token, `{ outpostConfig { name issuer providers { id applicationSlug clientID clientSecret } } }`, nil, &cfg))
	require.Equal(t, outposts.EmbeddedName, cfg.OutpostConfig.Name)
	require.Len(t, cfg.OutpostConfig.Providers, 1)
	p := cfg.OutpostConfig.Providers[0]
	require.Equal(t, "dashboard", p.ApplicationSlug)

	// It follows its configuration over a subscription (SSE here).
	ctx := t.Context()
	outpost := s.headless()
	outpost.header.Set("Authorization", "Bearer "+token)
	watch, stop := context.WithCancel(ctx)
	defer stop()
	stream := outpost.subscribeSSE(watch, `subscription { outpostConfigChanged { providers { skipPathRegex } } }`)
	next := func() []string {
		select {
		case msg, ok := <-stream:
			require.True(t, ok, "the stream ended")
			require.Empty(t, msg.Errors)
			var c struct {
				OutpostConfigChanged struct {
					Providers []struct{ SkipPathRegex []string }
				}
			}
			require.NoError(t, json.Unmarshal(msg.Data, &c))
			require.Len(t, c.OutpostConfigChanged.Providers, 1)
			return c.OutpostConfigChanged.Providers[0].SkipPathRegex
		case <-time.After(10 * time.Second):
			require.FailNow(t, "no configuration within 10s")
			return nil
		}
	}
	require.Empty(t, next(), "the current configuration first")
	admin.must(`mutation($id: ID!) { updateProxyProvider(id: $id, input: {skipPathRegex: ["^/public/"]}) { id } }`,
		map[string]any{"id": p.ID}, nil)
	require.Equal(t, []string{"^/public/"}, next(), "then every change")
	stop()

	// The outpost signs grace in as any relying party would.
	op, err := gooidc.NewProvider(ctx, cfg.OutpostConfig.Issuer)
	require.NoError(t, err)
	oc := oauth2.Config{
		ClientID: p.ClientID, ClientSecret: p.ClientSecret, Endpoint: op.Endpoint(), RedirectURL: external + outposts.CallbackPath,
		Scopes: []string{gooidc.ScopeOpenID, "profile", "email", gooidc.ScopeOfflineAccess},
	}
	verifier := oauth2.GenerateVerifier()
	user := newAgent(t, s.browser())
	user.callback = oc.RedirectURL
	back := user.authorize(oc.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)), "grace", "Cobol-Compiler-1959")
	tok, err := oc.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(verifier))
	require.NoError(t, err)
	idOf := func(tok *oauth2.Token) (string, string) {
		raw, ok := tok.Extra("id_token").(string)
		require.True(t, ok)
		idt, err := op.Verifier(&gooidc.Config{ClientID: p.ClientID}).Verify(ctx, raw)
		require.NoError(t, err)
		var c struct {
			SID string `json:"sid"`
		}
		require.NoError(t, idt.Claims(&c))
		require.NotEmpty(t, c.SID, "the ID token names the login")
		return c.SID, idt.Subject
	}
	sid, sub := idOf(tok)
	refreshed, err := oc.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	require.NoError(t, err)
	again, _ := idOf(refreshed)
	require.Equal(t, sid, again, "a refresh keeps the sid")

	type state struct {
		Active, Allowed bool
		Identity        *struct{ UID, Username string }
	}
	check := func() state {
		var out struct{ OutpostSessions []state }
		require.Empty(t, outpostDo(t, s, token, `query($p: ID!, $s: [String!]!) { outpostSessions(providerID: $p, sids: $s) { active allowed identity { uid username } } }`,
			map[string]any{"p": p.ID, "s": []string{sid}}, &out))
		require.Len(t, out.OutpostSessions, 1)
		return out.OutpostSessions[0]
	}
	st := check()
	require.True(t, st.Active)
	require.True(t, st.Allowed)
	require.Equal(t, sub, st.Identity.UID, "the uid is the sub the provider issues")
	require.Equal(t, "grace", st.Identity.Username)

	// The outpost reaches nothing else; an API token is no outpost.
	require.Equal(t, "FORBIDDEN", outpostDo(t, s, token, `{ users { edges { node { id } } } }`, nil, nil))
	var key struct{ CreateToken struct{ Key string } }
	admin.must(`mutation { createToken(input: {identifier: "ci", expiring: false}) { key } }`, nil, &key)
	require.Equal(t, "FORBIDDEN", outpostDo(t, s, key.CreateToken.Key, `{ outpostConfig { name } }`, nil, nil))

	// grace's Gatehouse sessions end: so does her login at the outpost.
	var mine struct {
		Viewer struct{ Sessions []struct{ Key string } }
	}
	user.c.must(`{ viewer { sessions { key } } }`, nil, &mine)
	require.NotEmpty(t, mine.Viewer.Sessions)
	for _, sess := range mine.Viewer.Sessions {
		user.c.must(`mutation($k: ID!) { revokeSession(key: $k) }`, map[string]any{"k": sess.Key}, nil)
	}
	require.False(t, check().Active)
}
