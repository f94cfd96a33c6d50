package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/oidc/provider"
)

// rpCallback is the relying party's redirect URI: never contacted, the
// browser-less client reads the code from the redirect.
const rpCallback = "http://127.0.0.1:9/callback"

// ssoSpec describes a client to register; zero fields take the defaults.
type ssoSpec struct {
	// slug names the application and the provider.
	slug string
	// scopes the client may be granted; nil: the provider's default.
	scopes []string
	// public registers a public client (no secret, PKCE).
	public bool
	// alg is the signing algorithm (RS256 when empty).
	alg string
	// flow is the authorization flow's slug; empty: a new flow without
	// stages, <slug>-authz.
	flow string
	// redirect is the redirect URI; empty: rpCallback.
	redirect string
}

// register registers an application with an OAuth2 client as spec says
// and returns the client's ID and secret ("" for a public client).
func register(tb testing.TB, admin *client, spec ssoSpec) (string, string) {
	tb.Helper()
	var flowID string
	if spec.flow == "" {
		var flow struct{ CreateFlow struct{ ID string } }
		admin.must(`mutation($s: String!) { createFlow(input: {slug: $s, name: $s, title: "Authorize", designation: AUTHORIZATION}) { id } }`,
			map[string]any{"s": spec.slug + "-authz"}, &flow)
		flowID = flow.CreateFlow.ID
	} else {
		var flows struct {
			Flows struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		admin.must(`query($s: String!) { flows(where: {slug: $s}) { edges { node { id } } } }`, map[string]any{"s": spec.flow}, &flows)
		require.Len(tb, flows.Flows.Edges, 1, "flow %s", spec.flow)
		flowID = flows.Flows.Edges[0].Node.ID
	}
	in := map[string]any{
		"name": spec.slug, "redirectUris": []any{map[string]any{"url": cmp.Or(spec.redirect, rpCallback)}},
		"authorizationFlowID": flowID, "signingAlgorithm": cmp.Or(spec.alg, "RS256"),
	}
	if spec.scopes != nil {
		in["scopes"] = spec.scopes
	}
	if spec.public {
		in["clientType"] = "PUBLIC"
	}
	var p struct {
		CreateOAuth2Provider struct {
			ClientSecret *string
			Provider     struct{ ID, ClientID string }
		}
	}
	admin.must(`mutation($in: CreateOAuth2ProviderInput!) { createOAuth2Provider(input: $in) { clientSecret provider { id clientId } } }`,
		map[string]any{"in": in}, &p)
	admin.must(`mutation($p: ID!, $s: String!) { createApplication(input: {name: $s, slug: $s, providerID: $p}) { id } }`,
		map[string]any{"p": p.CreateOAuth2Provider.Provider.ID, "s": spec.slug}, nil)
	secret := ""
	if p.CreateOAuth2Provider.ClientSecret != nil {
		secret = *p.CreateOAuth2Provider.ClientSecret
	}
	return p.CreateOAuth2Provider.Provider.ClientID, secret
}

// ssoApp registers a confidential client with scopes, its authorization
// flow without stages, and returns its client ID and secret.
func ssoApp(t *testing.T, admin *client, slug string, scopes []string) (string, string) {
	t.Helper()
	return register(t, admin, ssoSpec{slug: slug, scopes: scopes})
}

// agent is a browser-less user agent: it keeps c's cookies and follows
// redirects itself, driving flow pages through the GraphQL flow API.
type agent struct {
	t    testing.TB
	c    *client
	http *http.Client
	// refuse answers consent challenges with a refusal.
	refuse bool
	// consents are the consent challenges answered, oldest first.
	consents []consentSeen
	// descriptions are what the consent challenges said of each scope.
	descriptions map[string]string
}

// consentSeen is a ConsentChallenge's permissions: scope → new.
type consentSeen map[string]bool

func newAgent(tb testing.TB, c *client) *agent {
	return &agent{t: tb, c: c, http: &http.Client{Jar: c.http.Jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// get fetches u (relative to the server) and returns the response, its
// body read.
func (a *agent) get(u string) (*http.Response, string) {
	a.t.Helper()
	if strings.HasPrefix(u, "/") {
		u = a.c.url + u
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
	require.NoError(a.t, err)
	resp, err := a.http.Do(req)
	require.NoError(a.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(a.t, err)
	return resp, string(body)
}

// authorize follows an authorization from authURL to the client's
// redirect URI, logging in as username on the way when asked, and
// returns that redirect.
func (a *agent) authorize(authURL, username, password string) *url.URL {
	a.t.Helper()
	next := authURL
	for range 12 {
		resp, body := a.get(next)
		require.Equal(a.t, http.StatusFound, resp.StatusCode, "%s answered %d: %s", next, resp.StatusCode, body)
		loc, err := resp.Location()
		require.NoError(a.t, err)
		if strings.HasPrefix(loc.String(), rpCallback) {
			return loc
		}
		if slug, ok := strings.CutPrefix(loc.Path, "/if/flow/"); ok {
			next = a.runFlow(strings.TrimSuffix(slug, "/"), loc.RawQuery, username, password)
			continue
		}
		next = loc.String()
	}
	a.t.Fatal("too many redirects")
	return nil
}

// runFlow runs the flow page slug?query as the frontend would and returns
// where it ends.
func (a *agent) runFlow(slug, query, username, password string) string {
	a.t.Helper()
	res := a.c.startRaw(slug, query)
	require.Empty(a.t, res.Errors, "startFlow %s?%s", slug, query)
	var out struct{ StartFlow view }
	require.NoError(a.t, json.Unmarshal(res.Data, &out))
	v := out.StartFlow
	for !v.Completed {
		switch v.Challenge.Typename {
		case "IdentificationChallenge":
			v = a.c.submit(v.ID, map[string]any{"identification": map[string]any{"uidField": username}})
		case "PasswordChallenge":
			v = a.c.submit(v.ID, map[string]any{"password": map[string]any{"password": password}})
		case "ConsentChallenge":
			var out struct {
				FlowExecution struct {
					Challenge struct {
						ApplicationName string
						Permissions     []struct {
							Scope, Description string
							New                bool
						}
					}
				}
			}
			a.c.must(`query($id: ID!) { flowExecution(id: $id) { challenge { ... on ConsentChallenge { applicationName permissions { scope description new } } } } }`,
				map[string]any{"id": v.ID}, &out)
			seen := consentSeen{}
			if a.descriptions == nil {
				a.descriptions = map[string]string{}
			}
			for _, p := range out.FlowExecution.Challenge.Permissions {
				seen[p.Scope] = p.New
				a.descriptions[p.Scope] = p.Description
			}
			a.consents = append(a.consents, seen)
			v = a.c.submit(v.ID, map[string]any{"consent": map[string]any{"approve": !a.refuse}})
		default:
			a.t.Fatalf("unexpected challenge %s", v.Challenge.Typename)
		}
	}
	require.Equal(a.t, "RedirectChallenge", v.Challenge.Typename, "the flow ended with %s: %s", v.Challenge.Typename, v.Challenge.ErrorMessage)
	return v.Challenge.To
}

// A relying party that knows only the issuer URL, client ID and secret
// (go-oidc with x/oauth2) logs a user in with the code flow, PKCE and a
// nonce, verifies the ID token, reads userinfo and refreshes (rotating);
// a reused refresh token or a replayed code revokes what they issued.
func TestOIDCCodeFlow(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "grace", name: "Grace Hopper", email: "grace@example.com"}, password: "Cobol-Compiler-1959") { id } }`, nil, nil)
	clientID, secret := ssoApp(t, admin, "wiki", []string{"openid", "profile", "email", "offline_access"})

	ctx := t.Context()
	op, err := gooidc.NewProvider(ctx, s.url)
	require.NoError(t, err, "discovery at the issuer")
	cfg := oauth2.Config{
		ClientID: clientID, ClientSecret: secret, Endpoint: op.Endpoint(), RedirectURL: rpCallback,
		Scopes: []string{gooidc.ScopeOpenID, "profile", "email", gooidc.ScopeOfflineAccess},
	}
	verifier := oauth2.GenerateVerifier()
	const state, nonce = "state-4711", "nonce-0815"
	user := newAgent(t, s.browser())
	back := user.authorize(cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), gooidc.Nonce(nonce)), "grace", "Cobol-Compiler-1959")
	require.Equal(t, state, back.Query().Get("state"))
	code := back.Query().Get("code")
	require.NotEmpty(t, code)

	token, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	require.NoError(t, err)
	raw, ok := token.Extra("id_token").(string)
	require.True(t, ok, "an ID token")
	idt, err := op.Verifier(&gooidc.Config{ClientID: clientID}).Verify(ctx, raw)
	require.NoError(t, err)
	require.Equal(t, nonce, idt.Nonce)
	var claims struct {
		Email             string `json:"email"`
		PreferredUsername string `json:"preferred_username"`
		Name              string `json:"name"`
	}
	require.NoError(t, idt.Claims(&claims))
	require.Equal(t, "grace@example.com", claims.Email)
	require.Equal(t, "grace", claims.PreferredUsername)
	require.Len(t, idt.Subject, 64, "a hashed subject by default")
	var how struct {
		AMR      []string `json:"amr"`
		AuthTime int64    `json:"auth_time"`
	}
	require.NoError(t, idt.Claims(&how))
	require.Equal(t, []string{"pwd"}, how.AMR, "RFC 8176: she logged in with a password")
	require.InDelta(t, idt.IssuedAt.Unix(), how.AuthTime, 60, "auth_time is when she logged in")

	info, err := op.UserInfo(ctx, oauth2.StaticTokenSource(token))
	require.NoError(t, err)
	require.Equal(t, idt.Subject, info.Subject)
	require.Equal(t, "grace@example.com", info.Email)

	// The code works once; replaying it revokes what it issued.
	_, err = cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	require.Error(t, err)
	_, err = op.UserInfo(ctx, oauth2.StaticTokenSource(token))
	require.Error(t, err, "a replayed code revokes the tokens of its first redemption")

	// A fresh authorization: refresh twice (each rotates), then reuse.
	verifier = oauth2.GenerateVerifier()
	back = user.authorize(cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), gooidc.Nonce(nonce)), "grace", "Cobol-Compiler-1959")
	token, err = cfg.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(verifier))
	require.NoError(t, err)
	require.NotEmpty(t, token.RefreshToken, "offline_access grants a refresh token")
	refresh := func(rt string) (*oauth2.Token, error) {
		return cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: rt}).Token()
	}
	second, err := refresh(token.RefreshToken)
	require.NoError(t, err)
	require.NotEqual(t, token.RefreshToken, second.RefreshToken, "rotated")
	raw, ok = second.Extra("id_token").(string)
	require.True(t, ok)
	again, err := op.Verifier(&gooidc.Config{ClientID: clientID}).Verify(ctx, raw)
	require.NoError(t, err)
	require.Equal(t, idt.Subject, again.Subject)
	third, err := refresh(second.RefreshToken)
	require.NoError(t, err)
	_, err = op.UserInfo(ctx, oauth2.StaticTokenSource(third))
	require.NoError(t, err)

	_, err = refresh(second.RefreshToken)
	require.Error(t, err, "a rotated refresh token is refused")
	_, err = refresh(third.RefreshToken)
	require.Error(t, err, "reuse revokes the whole family")
	_, err = op.UserInfo(ctx, oauth2.StaticTokenSource(third))
	require.Error(t, err)

	// The audit log: grace authorized the application twice; the replayed
	// code and the reused refresh token are suspicious; no secret appears.
	var events struct {
		Events struct {
			Edges []struct {
				Node struct {
					Action, Username string
					Context          map[string]any
				}
			}
		}
	}
	admin.must(`{ events(where: {actionIn: [AUTHORIZE_APPLICATION, SUSPICIOUS_REQUEST]}, first: 50) { edges { node { action username context } } } }`, nil, &events)
	var authorized, suspicious []string
	for _, e := range events.Events.Edges {
		raw, err := json.Marshal(e.Node.Context)
		require.NoError(t, err)
		require.NotContains(t, string(raw), secret)
		require.Equal(t, clientID, e.Node.Context["client_id"])
		switch e.Node.Action {
		case "AUTHORIZE_APPLICATION":
			require.Equal(t, "grace", e.Node.Username)
			require.Equal(t, "wiki", e.Node.Context["application"])
			authorized = append(authorized, e.Node.Username)
		case "SUSPICIOUS_REQUEST":
			suspicious = append(suspicious, fmt.Sprint(e.Node.Context["reason"]))
		}
	}
	require.Len(t, authorized, 2)
	require.ElementsMatch(t, []string{"replayed authorization code", "reused refresh token"}, suspicious)
}

// A request with an unknown client or an unregistered redirect URI gets
// Gatehouse's error page with 400, never a redirect.
func TestOIDCBadClientOrRedirectURI(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	clientID, _ := ssoApp(t, admin, "wiki", []string{"openid"})
	user := newAgent(t, s.browser())
	authorize := func(client, redirect string) string {
		return provider.Prefix + "authorize?" + url.Values{
			"client_id": {client}, "redirect_uri": {redirect}, "response_type": {"code"}, "scope": {"openid"}, "state": {"x"},
		}.Encode()
	}
	for _, redirect := range []string{
		"http://127.0.0.1:9/callback/", "http://127.0.0.1:9/Callback", "http://127.0.0.1:10/callback", "https://127.0.0.1:9/callback",
		"http://127.0.0.1:9/callback?x=1", "http://127.0.0.1:9/callback#f", "http://evil@127.0.0.1:9/callback",
		"http://localhost:9/callback", "http://127.0.0.1:9/%63allback", "https://evil.example/callback", "",
	} {
		resp, body := user.get(authorize(clientID, redirect))
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%q", redirect)
		require.Empty(t, resp.Header.Get("Location"), "%q: never a redirect", redirect)
		require.Contains(t, body, "has not registered")
	}
	resp, body := user.get(authorize("no-such-client", rpCallback))
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Empty(t, resp.Header.Get("Location"))
	require.Contains(t, body, "not registered")
}

// A user the application's policies refuse sees Gatehouse's refusal after
// logging in, never a redirect to the client; PKCE is required of public
// clients, S256 only, and checked; prompt=none without a session answers
// login_required without any page.
func TestOIDCRefusals(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "eve"}, password: "Not-Allowed-Here-1") { id } }`, nil, nil)
	clientID, secret := ssoApp(t, admin, "payroll", []string{"openid"})
	var group struct{ CreateGroup struct{ ID string } }
	admin.must(`mutation { createGroup(input: {name: "payroll staff"}) { id } }`, nil, &group)
	var app struct {
		Applications struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	admin.must(`{ applications(where: {slug: "payroll"}) { edges { node { id } } } }`, nil, &app)
	admin.must(`mutation($a: ID!, $g: ID!) { createPolicyBinding(input: {applicationID: $a, groupID: $g}) { id } }`,
		map[string]any{"a": app.Applications.Edges[0].Node.ID, "g": group.CreateGroup.ID}, nil)

	ctx := t.Context()
	op, err := gooidc.NewProvider(ctx, s.url)
	require.NoError(t, err)
	cfg := oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: op.Endpoint(), RedirectURL: rpCallback, Scopes: []string{"openid"}}

	t.Run("PolicyDenied", func(t *testing.T) {
		t.Parallel()
		eve := newAgent(t, s.browser())
		next := cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
		for range 8 {
			resp, body := eve.get(next)
			if resp.StatusCode == http.StatusForbidden {
				require.Empty(t, resp.Header.Get("Location"))
				require.Contains(t, body, "not allowed to use payroll")
				return
			}
			require.Equal(t, http.StatusFound, resp.StatusCode, body)
			loc, err := resp.Location()
			require.NoError(t, err)
			require.False(t, strings.HasPrefix(loc.String(), rpCallback), "never a redirect to the client: %s", loc)
			if slug, ok := strings.CutPrefix(loc.Path, "/if/flow/"); ok {
				next = eve.runFlow(strings.TrimSuffix(slug, "/"), loc.RawQuery, "eve", "Not-Allowed-Here-1")
				continue
			}
			next = loc.String()
		}
		t.Fatal("no refusal")
	})

	// errorOf follows u through this server, never through a flow page
	// (no page may be shown), and returns the error the client is sent.
	errorOf := func(t *testing.T, a *agent, u string) string {
		t.Helper()
		for range 4 {
			resp, body := a.get(u)
			require.Equal(t, http.StatusFound, resp.StatusCode, body)
			loc, err := resp.Location()
			require.NoError(t, err)
			require.False(t, strings.HasPrefix(loc.Path, "/if/"), "no page is shown: %s", loc)
			if strings.HasPrefix(loc.String(), rpCallback) {
				require.Empty(t, loc.Query().Get("code"))
				return loc.Query().Get("error")
			}
			u = loc.String()
		}
		t.Fatal("not answered at the client")
		return ""
	}

	t.Run("PromptNone", func(t *testing.T) {
		t.Parallel()
		anon := newAgent(t, s.browser())
		require.Equal(t, "login_required", errorOf(t, anon, cfg.AuthCodeURL("s", oauth2.SetAuthURLParam("prompt", "none"))))
	})

	t.Run("PKCE", func(t *testing.T) {
		t.Parallel()
		a := newAgent(t, s.browser())
		plain := cfg.AuthCodeURL("s", oauth2.SetAuthURLParam("code_challenge", "abcdefghijabcdefghijabcdefghijabcdefghijabc"),
			oauth2.SetAuthURLParam("code_challenge_method", "plain"))
		require.Equal(t, "invalid_request", errorOf(t, a, plain))

		admin.must(`mutation { createUser(input: {username: "ivy"}, password: "Public-Client-Ok-1") { id } }`, nil, nil)
		spaID, _ := register(t, admin, ssoSpec{slug: "spa", public: true})
		spa := oauth2.Config{ClientID: spaID, Endpoint: op.Endpoint(), RedirectURL: rpCallback, Scopes: []string{"openid"}}
		require.Equal(t, "invalid_request", errorOf(t, a, spa.AuthCodeURL("s")), "a public client must use PKCE")

		verifier := oauth2.GenerateVerifier()
		back := a.authorize(spa.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), "ivy", "Public-Client-Ok-1")
		_, err := spa.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(oauth2.GenerateVerifier()))
		require.Error(t, err, "a wrong verifier is refused")
		back = a.authorize(spa.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), "ivy", "Public-Client-Ok-1")
		token, err := spa.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(verifier))
		require.NoError(t, err)
		raw, ok := token.Extra("id_token").(string)
		require.True(t, ok)
		_, err = op.Verifier(&gooidc.Config{ClientID: spa.ClientID}).Verify(ctx, raw)
		require.NoError(t, err)

		// A code of one client is useless to another.
		back = a.authorize(spa.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), "ivy", "Public-Client-Ok-1")
		_, err = cfg.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(verifier))
		require.Error(t, err)
	})
}

// The default explicit-consent authorization flow asks the user once,
// remembers the answer, asks only for new scopes later, and answers the
// client access_denied when the user refuses.
func TestOIDCExplicitConsent(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "ada", email: "ada@example.com"}, password: "Analytical-Engine-1843") { id } }`, nil, nil)
	notesID, notesSecret := register(t, admin, ssoSpec{slug: "notes", scopes: []string{"openid", "email", "groups"}, flow: blueprints.ExplicitConsentFlow})

	ctx := t.Context()
	op, err := gooidc.NewProvider(ctx, s.url)
	require.NoError(t, err)
	cfg := oauth2.Config{
		ClientID: notesID, ClientSecret: notesSecret,
		Endpoint: op.Endpoint(), RedirectURL: rpCallback, Scopes: []string{"openid", "email"},
	}
	ada := newAgent(t, s.browser())
	codeFor := func(cfg oauth2.Config) string {
		t.Helper()
		back := ada.authorize(cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())), "ada", "Analytical-Engine-1843")
		return back.Query().Get("code")
	}
	require.NotEmpty(t, codeFor(cfg))
	require.Equal(t, []consentSeen{{"openid": true, "email": true}}, ada.consents)
	require.NotEmpty(t, codeFor(cfg))
	require.Len(t, ada.consents, 1, "the consent is remembered")
	more := cfg
	more.Scopes = []string{"openid", "email", "groups"}
	require.NotEmpty(t, codeFor(more))
	require.Equal(t, consentSeen{"openid": false, "email": false, "groups": true}, ada.consents[1], "only the new scope is new")

	admin.must(`mutation { createUser(input: {username: "bob"}, password: "Refuses-Everything-1") { id } }`, nil, nil)
	bob := newAgent(t, s.browser())
	bob.refuse = true
	back := bob.authorize(cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())), "bob", "Refuses-Everything-1")
	require.Equal(t, "access_denied", back.Query().Get("error"))
	require.Empty(t, back.Query().Get("code"))
}

// Two replicas of one deployment on PostgreSQL + Redis share one issuer:
// the user authorizes on one, the relying party redeems the code,
// refreshes and reads userinfo on the other, and a reused refresh token
// on the first revokes what the second issued.
func TestOIDCAcrossReplicas(t *testing.T) {
	t.Parallel()
	env := newServerEnv(t, "postgres+redis")
	a := newTestServer(t, env)
	other := serverEnv{}
	maps.Copy(other, env)
	other["GATEHOUSE_PUBLIC_URL"] = a.url
	b := newTestServer(t, other)

	admin := a.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "grace", email: "grace@example.com"}, password: "Cobol-Compiler-1959") { id } }`, nil, nil)
	clientID, secret := ssoApp(t, admin, "wiki", []string{"openid", "email", "offline_access"})

	ctx := t.Context()
	op, err := gooidc.NewProvider(ctx, a.url)
	require.NoError(t, err)
	onB, err := gooidc.NewProvider(gooidc.InsecureIssuerURLContext(ctx, a.url), b.url)
	require.NoError(t, err, "the other replica serves the same issuer's discovery")
	require.Equal(t, op.Endpoint(), onB.Endpoint())
	cfg := oauth2.Config{
		ClientID: clientID, ClientSecret: secret, RedirectURL: rpCallback,
		Scopes:   []string{gooidc.ScopeOpenID, "email", gooidc.ScopeOfflineAccess},
		Endpoint: oauth2.Endpoint{AuthURL: op.Endpoint().AuthURL, TokenURL: b.url + provider.Prefix + "token"},
	}
	verifier := oauth2.GenerateVerifier()
	back := newAgent(t, a.browser()).authorize(cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), "grace", "Cobol-Compiler-1959")
	token, err := cfg.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(verifier))
	require.NoError(t, err, "the code is redeemed on the other replica")
	raw, ok := token.Extra("id_token").(string)
	require.True(t, ok)
	_, err = op.Verifier(&gooidc.Config{ClientID: clientID}).Verify(ctx, raw)
	require.NoError(t, err, "signed with the deployment's shared key")

	second, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: token.RefreshToken}).Token()
	require.NoError(t, err)
	userinfoOnB := func(tok *oauth2.Token) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.url+provider.Prefix+"userinfo", nil)
		require.NoError(t, err)
		tok.SetAuthHeader(req)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("userinfo: %d", resp.StatusCode)
		}
		return nil
	}
	require.NoError(t, userinfoOnB(second))

	onA := cfg
	onA.Endpoint.TokenURL = op.Endpoint().TokenURL
	_, err = onA.TokenSource(ctx, &oauth2.Token{RefreshToken: token.RefreshToken}).Token()
	require.Error(t, err, "the rotated token is refused on the first replica too")
	require.Error(t, userinfoOnB(second), "and the reuse revoked what the other replica issued")
}

// end_session with an id_token_hint and a registered
// post_logout_redirect_uri revokes the client's tokens, runs the
// invalidation flow (which ends the Gatehouse session) and sends the
// browser there with its state; an unregistered one is refused; without
// one the user lands on Gatehouse's signed-out page; the signed hop cannot
// be bent to another address.
func TestOIDCEndSession(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "grace"}, password: "Cobol-Compiler-1959") { id } }`, nil, nil)
	clientID, secret := ssoApp(t, admin, "wiki", []string{"openid"})
	const loggedOut = "http://127.0.0.1:9/logged-out"
	var p struct {
		Oauth2Providers struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	admin.must(`{ oauth2Providers(where: {name: "wiki"}) { edges { node { id } } } }`, nil, &p)
	admin.must(`mutation($id: ID!, $u: String!) { updateOAuth2Provider(id: $id, input: {postLogoutRedirectUris: [{url: $u}]}) { id } }`,
		map[string]any{"id": p.Oauth2Providers.Edges[0].Node.ID, "u": loggedOut}, nil)

	ctx := t.Context()
	op, err := gooidc.NewProvider(ctx, s.url)
	require.NoError(t, err)
	cfg := oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: op.Endpoint(), RedirectURL: rpCallback, Scopes: []string{"openid"}}
	signIn := func(a *agent) (*oauth2.Token, string) {
		t.Helper()
		verifier := oauth2.GenerateVerifier()
		back := a.authorize(cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), "grace", "Cobol-Compiler-1959")
		tok, err := cfg.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(verifier))
		require.NoError(t, err)
		raw, ok := tok.Extra("id_token").(string)
		require.True(t, ok)
		return tok, raw
	}
	endSession := func(q url.Values) string { return provider.EndSessionPath + "?" + q.Encode() }
	// follow follows redirects on this server (running flow pages) and
	// returns where the browser leaves it, or its last answer.
	follow := func(a *agent, next string) (*http.Response, string) {
		t.Helper()
		for range 8 {
			resp, body := a.get(next)
			if resp.StatusCode != http.StatusFound {
				return resp, body
			}
			loc, err := resp.Location()
			require.NoError(t, err)
			if !strings.HasPrefix(loc.String(), s.url) && !strings.HasPrefix(loc.String(), "/") {
				return resp, loc.String()
			}
			if slug, ok := strings.CutPrefix(loc.Path, "/if/flow/"); ok {
				next = a.runFlow(strings.TrimSuffix(slug, "/"), loc.RawQuery, "", "")
				continue
			}
			next = loc.String()
		}
		t.Fatal("too many redirects")
		return nil, ""
	}

	t.Run("ToTheClient", func(t *testing.T) {
		t.Parallel()
		a := newAgent(t, s.browser())
		tok, hint := signIn(a)
		require.Equal(t, "grace", a.c.viewer())
		resp, to := follow(a, endSession(url.Values{"id_token_hint": {hint}, "post_logout_redirect_uri": {loggedOut}, "state": {"bye"}}))
		require.Equal(t, http.StatusFound, resp.StatusCode)
		require.Equal(t, loggedOut+"?state=bye", to)
		require.Empty(t, a.c.viewer(), "the invalidation flow ended the Gatehouse session")
		_, err := op.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		require.Error(t, err, "the client's tokens are revoked")
	})

	t.Run("SignedOutPage", func(t *testing.T) {
		t.Parallel()
		a := newAgent(t, s.browser())
		_, hint := signIn(a)
		resp, body := follow(a, endSession(url.Values{"id_token_hint": {hint}}))
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "You are signed out")
		require.Empty(t, a.c.viewer())
	})

	t.Run("UnregisteredRedirect", func(t *testing.T) {
		t.Parallel()
		a := newAgent(t, s.browser())
		_, hint := signIn(a)
		resp, _ := a.get(endSession(url.Values{"id_token_hint": {hint}, "post_logout_redirect_uri": {"https://evil.example/"}}))
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		require.Empty(t, resp.Header.Get("Location"))
		require.Equal(t, "grace", a.c.viewer(), "nothing ended")
	})

	t.Run("SignedHopCannotBeBent", func(t *testing.T) {
		t.Parallel()
		a := newAgent(t, s.browser())
		_, hint := signIn(a)
		resp, _ := a.get(endSession(url.Values{"id_token_hint": {hint}, "post_logout_redirect_uri": {loggedOut}}))
		require.Equal(t, http.StatusFound, resp.StatusCode)
		loc, err := resp.Location()
		require.NoError(t, err)
		next, err := url.Parse(loc.Query().Get("next"))
		require.NoError(t, err)
		q := next.Query()
		require.Equal(t, loggedOut, q.Get("to"))
		q.Set("to", "https://evil.example/")
		bent, _ := a.get(provider.SignedOutPath + "?" + q.Encode())
		require.Equal(t, http.StatusBadRequest, bent.StatusCode)
		require.Empty(t, bent.Header.Get("Location"))
	})
}
