package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// endpoints are what a relying party learns from discovery, beyond what
// go-oidc exposes.
type endpoints struct {
	op            *gooidc.Provider
	Introspection string   `json:"introspection_endpoint"`
	Revocation    string   `json:"revocation_endpoint"`
	GrantTypes    []string `json:"grant_types_supported"`
}

func discover(t *testing.T, issuer string) *endpoints {
	t.Helper()
	op, err := gooidc.NewProvider(t.Context(), issuer)
	require.NoError(t, err, "discovery at the issuer")
	e := &endpoints{op: op}
	require.NoError(t, op.Claims(e))
	require.NotEmpty(t, e.Introspection)
	require.NotEmpty(t, e.Revocation)
	return e
}

// postForm posts form to u as client id with its secret (HTTP basic, the
// parts form-encoded as RFC 6749 §2.3.1 says) and returns the status and
// the decoded JSON body. Without id it sends no credentials.
func postForm(t *testing.T, u, id, secret string, form url.Values) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, u, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	if len(strings.TrimSpace(string(body))) > 0 {
		require.NoError(t, json.Unmarshal(body, &out), "%s answered %d: %s", u, resp.StatusCode, body)
	}
	return resp.StatusCode, out
}

// introspect asks the introspection endpoint (RFC 7662) about token as
// client id.
func (e *endpoints) introspect(t *testing.T, id, secret, token string) map[string]any {
	t.Helper()
	status, out := postForm(t, e.Introspection, id, secret, url.Values{"token": {token}})
	require.Equal(t, http.StatusOK, status, "%v", out)
	return out
}

// requireActive checks that token is active for client id and returns
// the introspection response.
func (e *endpoints) requireActive(t *testing.T, id, secret, token string) map[string]any {
	t.Helper()
	out := e.introspect(t, id, secret, token)
	require.Equal(t, true, out["active"], "%v", out)
	require.Equal(t, id, out["client_id"])
	return out
}

// requireInactive checks that token is inactive for client id: the
// response says nothing else (RFC 7662 §2.2).
func (e *endpoints) requireInactive(t *testing.T, id, secret, token string) {
	t.Helper()
	require.Equal(t, map[string]any{"active": false}, e.introspect(t, id, secret, token))
}

// revoke asks the revocation endpoint (RFC 7009) to revoke token as
// client id and returns the status and the error code, if any.
func (e *endpoints) revoke(t *testing.T, id, secret, token, hint string) (int, string) {
	t.Helper()
	form := url.Values{"token": {token}}
	if hint != "" {
		form.Set("token_type_hint", hint)
	}
	status, out := postForm(t, e.Revocation, id, secret, form)
	code, _ := out["error"].(string)
	return status, code
}

// requireInvalidClient checks that a token request failed with
// invalid_client and issued nothing.
func requireInvalidClient(t *testing.T, tok *oauth2.Token, err error) {
	t.Helper()
	require.Nil(t, tok)
	var re *oauth2.RetrieveError
	require.ErrorAs(t, err, &re)
	require.Equal(t, "invalid_client", re.ErrorCode, "%s", re.Body)
	require.Contains(t, []int{http.StatusUnauthorized, http.StatusBadRequest}, re.Response.StatusCode)
}

// A confidential client gets an access token for itself (RFC 6749 §4.4):
// its subject is the client ID; only the scopes its provider allows are
// granted, never openid or offline_access (no ID token, no refresh
// token); introspection shows it to that client alone; userinfo refuses
// it (there is no user). Wrong secrets, unknown and public clients get
// invalid_client.
func TestOIDCClientCredentials(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	clientID, secret := ssoApp(t, admin, "reports", []string{"openid", "profile", "offline_access"})
	otherID, otherSecret := ssoApp(t, admin, "billing", []string{"openid", "profile"})
	e := discover(t, s.url)
	require.Contains(t, e.GrantTypes, "client_credentials")
	tokenURL := e.op.Endpoint().TokenURL
	ctx := t.Context()

	cc := clientcredentials.Config{
		ClientID: clientID, ClientSecret: secret, TokenURL: tokenURL,
		Scopes: []string{gooidc.ScopeOpenID, "profile", "groups", gooidc.ScopeOfflineAccess},
	}
	tok, err := cc.Token(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, tok.AccessToken)
	require.Equal(t, "Bearer", tok.TokenType)
	require.Empty(t, tok.RefreshToken, "no refresh token for a service")
	require.Nil(t, tok.Extra("id_token"), "no ID token for a service")
	require.Equal(t, "profile", tok.Extra("scope"), "groups is not allowed; openid and offline_access are never granted")

	t.Run("Introspection", func(t *testing.T) {
		t.Parallel()
		out := e.requireActive(t, clientID, secret, tok.AccessToken)
		require.Equal(t, clientID, out["sub"], "the client acts for itself")
		require.Equal(t, "profile", out["scope"])
		require.NotContains(t, out, "username")
		e.requireInactive(t, otherID, otherSecret, tok.AccessToken)
	})

	t.Run("NoUserinfo", func(t *testing.T) {
		t.Parallel()
		_, err := e.op.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		require.Error(t, err, "a client credentials token has no user")
	})

	t.Run("SecretPost", func(t *testing.T) {
		t.Parallel()
		post := cc
		post.AuthStyle = oauth2.AuthStyleInParams
		post.Scopes = nil
		tok, err := post.Token(ctx)
		require.NoError(t, err)
		require.Nil(t, tok.Extra("scope"), "asking for no scope grants none")
		out := e.requireActive(t, clientID, secret, tok.AccessToken)
		require.Equal(t, clientID, out["sub"])
		require.NotContains(t, out, "scope")
	})

	t.Run("Revocation", func(t *testing.T) {
		t.Parallel()
		tok, err := cc.Token(ctx)
		require.NoError(t, err)
		status, code := e.revoke(t, otherID, otherSecret, tok.AccessToken, "access_token")
		require.Equal(t, http.StatusUnauthorized, status)
		require.Equal(t, "invalid_client", code)
		e.requireActive(t, clientID, secret, tok.AccessToken)
		status, _ = e.revoke(t, clientID, secret, tok.AccessToken, "")
		require.Equal(t, http.StatusOK, status)
		e.requireInactive(t, clientID, secret, tok.AccessToken)
	})

	for name, cfg := range map[string]clientcredentials.Config{
		"WrongSecret":     {ClientID: clientID, ClientSecret: secret + "x", TokenURL: tokenURL},
		"WrongSecretPost": {ClientID: clientID, ClientSecret: otherSecret, TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams},
		"NoSecret":        {ClientID: clientID, TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams},
		"UnknownClient":   {ClientID: "no-such-client", ClientSecret: secret, TokenURL: tokenURL},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tok, err := cfg.Token(ctx)
			requireInvalidClient(t, tok, err)
		})
	}

	t.Run("PublicClient", func(t *testing.T) {
		t.Parallel()
		public, _ := register(t, admin, ssoSpec{slug: "cli", public: true, scopes: []string{"profile"}})
		for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
			for _, sec := range []string{"", secret} {
				tok, err := (&clientcredentials.Config{ClientID: public, ClientSecret: sec, TokenURL: tokenURL, AuthStyle: style}).Token(ctx)
				requireInvalidClient(t, tok, err)
			}
		}
	})
}

// Introspection and revocation after a code flow: the access token is
// active for its client with the ID token's subject; revoking the refresh
// token (RFC 7009) revokes the whole authorization; a client cannot
// revoke another's tokens; deactivating the user stops a live access
// token at once.
func TestOIDCRevocationAndIntrospection(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "grace", name: "Grace Hopper", email: "grace@example.com"}, password: "Cobol-Compiler-1959") { id } }`, nil, nil)
	var created struct{ CreateUser struct{ ID string } }
	admin.must(`mutation { createUser(input: {username: "linus"}, password: "Kernel-Hacker-1991") { id } }`, nil, &created)
	linusID := created.CreateUser.ID
	clientID, secret := ssoApp(t, admin, "wiki", []string{"openid", "profile", "email", "offline_access"})
	otherID, otherSecret := ssoApp(t, admin, "billing", []string{"openid"})
	e := discover(t, s.url)
	ctx := t.Context()
	cfg := oauth2.Config{
		ClientID: clientID, ClientSecret: secret, Endpoint: e.op.Endpoint(), RedirectURL: rpCallback,
		Scopes: []string{gooidc.ScopeOpenID, "profile", gooidc.ScopeOfflineAccess},
	}

	// login runs a code flow as username and returns the tokens and the
	// ID token's subject.
	login := func(t *testing.T, username, password string) (*oauth2.Token, string) {
		t.Helper()
		verifier := oauth2.GenerateVerifier()
		back := newAgent(t, s.browser()).authorize(cfg.AuthCodeURL("state", oauth2.S256ChallengeOption(verifier)), username, password)
		tok, err := cfg.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(verifier))
		require.NoError(t, err)
		require.NotEmpty(t, tok.RefreshToken)
		raw, ok := tok.Extra("id_token").(string)
		require.True(t, ok, "an ID token")
		idt, err := e.op.Verifier(&gooidc.Config{ClientID: clientID}).Verify(ctx, raw)
		require.NoError(t, err)
		return tok, idt.Subject
	}
	refresh := func(rt string) (*oauth2.Token, error) {
		return cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: rt}).Token()
	}

	t.Run("RevokeRefreshToken", func(t *testing.T) {
		t.Parallel()
		tok, sub := login(t, "grace", "Cobol-Compiler-1959")
		out := e.requireActive(t, clientID, secret, tok.AccessToken)
		require.Equal(t, sub, out["sub"])
		require.Equal(t, "openid profile offline_access", out["scope"])
		require.Equal(t, "grace", out["username"])
		e.requireInactive(t, otherID, otherSecret, tok.AccessToken)

		// Another client can revoke neither token; both stay usable.
		for _, tc := range []struct{ token, hint string }{
			{tok.RefreshToken, "refresh_token"}, {tok.RefreshToken, ""}, {tok.AccessToken, "access_token"}, {tok.AccessToken, ""},
		} {
			status, code := e.revoke(t, otherID, otherSecret, tc.token, tc.hint)
			require.Equal(t, http.StatusUnauthorized, status, "hint %q", tc.hint)
			require.Equal(t, "invalid_client", code)
		}
		e.requireActive(t, clientID, secret, tok.AccessToken)

		// Wrong credentials are refused before anything is looked at.
		status, code := e.revoke(t, clientID, otherSecret, tok.RefreshToken, "refresh_token")
		require.Equal(t, http.StatusUnauthorized, status)
		require.Equal(t, "invalid_client", code)

		status, _ = e.revoke(t, clientID, secret, tok.RefreshToken, "refresh_token")
		require.Equal(t, http.StatusOK, status)
		e.requireInactive(t, clientID, secret, tok.AccessToken)
		_, err := e.op.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		require.Error(t, err, "the authorization's access token went with its refresh token")
		_, err = refresh(tok.RefreshToken)
		var re *oauth2.RetrieveError
		require.ErrorAs(t, err, &re)
		require.Equal(t, "invalid_grant", re.ErrorCode)

		// Revoking again, or an unknown token, is not an error (RFC 7009 §2.2).
		status, _ = e.revoke(t, clientID, secret, tok.RefreshToken, "")
		require.Equal(t, http.StatusOK, status)
		status, _ = e.revoke(t, clientID, secret, "no-such-token", "")
		require.Equal(t, http.StatusOK, status)
	})

	t.Run("RevokeAccessToken", func(t *testing.T) {
		t.Parallel()
		tok, _ := login(t, "grace", "Cobol-Compiler-1959")
		status, _ := e.revoke(t, clientID, secret, tok.AccessToken, "access_token")
		require.Equal(t, http.StatusOK, status)
		e.requireInactive(t, clientID, secret, tok.AccessToken)
		_, err := e.op.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		require.Error(t, err)
	})

	t.Run("DeactivatedUser", func(t *testing.T) {
		t.Parallel()
		tok, sub := login(t, "linus", "Kernel-Hacker-1991")
		info, err := e.op.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		require.NoError(t, err)
		require.Equal(t, sub, info.Subject)
		e.requireActive(t, clientID, secret, tok.AccessToken)

		admin.must(`mutation($id: ID!) { updateUser(id: $id, input: {isActive: false}) { id } }`, map[string]any{"id": linusID}, nil)
		e.requireInactive(t, clientID, secret, tok.AccessToken)
		_, err = e.op.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		require.Error(t, err, "a deactivated user's token stops at once")
		_, err = refresh(tok.RefreshToken)
		require.Error(t, err)
	})
}

// A subject may hold ':' — usernames may contain any printable character
// and an address's local part may too — and the subject modes USERNAME
// and EMAIL show them: the access token still works at userinfo and
// introspection (which answer that subject) and revocation revokes it.
// (The library seals "tokenID:subject" in access tokens and splits it on
// ':'; Gatehouse seals the ID alone.)
func TestOIDCSubjectWithColon(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "corp:grace", name: "Grace Hopper", email: "grace:hopper@example.com"}, password: "Cobol-Compiler-1959") { id } }`, nil, nil)
	e := discover(t, s.url)
	ctx := t.Context()
	for _, tc := range []struct{ mode, sub string }{
		{"USERNAME", "corp:grace"},
		{"EMAIL", "grace:hopper@example.com"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			clientID, secret := register(t, admin, ssoSpec{slug: "colon-" + strings.ToLower(tc.mode), subjectMode: tc.mode, scopes: []string{"openid", "profile", "email"}})
			cfg := oauth2.Config{
				ClientID: clientID, ClientSecret: secret, Endpoint: e.op.Endpoint(), RedirectURL: rpCallback,
				Scopes: []string{gooidc.ScopeOpenID, "profile", "email"},
			}
			verifier := oauth2.GenerateVerifier()
			back := newAgent(t, s.browser()).authorize(cfg.AuthCodeURL("state", oauth2.S256ChallengeOption(verifier)), "corp:grace", "Cobol-Compiler-1959")
			tok, err := cfg.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(verifier))
			require.NoError(t, err)
			raw, ok := tok.Extra("id_token").(string)
			require.True(t, ok, "an ID token")
			idt, err := e.op.Verifier(&gooidc.Config{ClientID: clientID}).Verify(ctx, raw)
			require.NoError(t, err)
			require.Equal(t, tc.sub, idt.Subject)

			info, err := e.op.UserInfo(ctx, oauth2.StaticTokenSource(tok))
			require.NoError(t, err, "userinfo reads the access token")
			require.Equal(t, tc.sub, info.Subject)
			require.Equal(t, "grace:hopper@example.com", info.Email)
			out := e.requireActive(t, clientID, secret, tok.AccessToken)
			require.Equal(t, tc.sub, out["sub"])
			require.Equal(t, "corp:grace", out["username"])

			status, _ := e.revoke(t, clientID, secret, tok.AccessToken, "access_token")
			require.Equal(t, http.StatusOK, status)
			e.requireInactive(t, clientID, secret, tok.AccessToken)
			_, err = e.op.UserInfo(ctx, oauth2.StaticTokenSource(tok))
			require.Error(t, err, "revoked")
		})
	}
}
