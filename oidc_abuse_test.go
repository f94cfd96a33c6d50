package main

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/gatehouse-id/gatehouse/oidc/provider"
)

// oauthError posts form as postForm does and returns the status and the
// body's "error".
func oauthError(t *testing.T, u, id, secret string, form url.Values) (int, string) {
	t.Helper()
	status, out := postForm(t, u, id, secret, form)
	e, _ := out["error"].(string)
	return status, e
}

// Abuse of the token endpoints: a code redeemed by 20 clients at once
// issues tokens exactly once (and the replays revoke them); another
// client's code is useless; unknown grants, forged or malformed JWTs and
// oversized requests are protocol errors, never 500s.
func TestOIDCAbuse(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "grace"}, password: "Cobol-Compiler-1959") { id } }`, nil, nil)
	clientID, secret := ssoApp(t, admin, "wiki", []string{"openid", "offline_access"})
	otherID, otherSecret := ssoApp(t, admin, "billing", []string{"openid"})
	ctx := t.Context()
	op, err := gooidc.NewProvider(ctx, s.url)
	require.NoError(t, err)
	cfg := oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: op.Endpoint(), RedirectURL: rpCallback, Scopes: []string{"openid", "offline_access"}}
	code := func(t *testing.T) (string, string) {
		t.Helper()
		verifier := oauth2.GenerateVerifier()
		back := newAgent(t, s.browser()).authorize(cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), "grace", "Cobol-Compiler-1959")
		return back.Query().Get("code"), verifier
	}
	tokenURL := cfg.Endpoint.TokenURL

	t.Run("ConcurrentReplay", func(t *testing.T) {
		t.Parallel()
		c, verifier := code(t)
		var wg sync.WaitGroup
		tokens := make(chan *oauth2.Token, 20)
		errs := make(chan error, 20)
		start := make(chan struct{})
		for range 20 {
			wg.Go(func() {
				<-start
				tok, err := cfg.Exchange(ctx, c, oauth2.VerifierOption(verifier))
				if err != nil {
					errs <- err
					return
				}
				tokens <- tok
			})
		}
		close(start)
		wg.Wait()
		close(tokens)
		close(errs)
		require.Len(t, tokens, 1, "exactly one redemption succeeds")
		require.Len(t, errs, 19)
		for err := range errs {
			require.ErrorContains(t, err, "invalid_grant")
		}
		tok := <-tokens
		_, err := op.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		require.Error(t, err, "the replays revoked the access token")
		_, err = cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
		require.Error(t, err, "and the refresh token")
	})

	t.Run("AnotherClientsCode", func(t *testing.T) {
		t.Parallel()
		c, verifier := code(t)
		status, e := oauthError(t, tokenURL, otherID, otherSecret, url.Values{
			"grant_type": {"authorization_code"}, "code": {c}, "code_verifier": {verifier}, "redirect_uri": {rpCallback},
		})
		require.Equal(t, http.StatusBadRequest, status)
		require.Equal(t, "invalid_grant", e)
	})

	t.Run("UnknownGrant", func(t *testing.T) {
		t.Parallel()
		status, e := oauthError(t, tokenURL, clientID, secret, url.Values{"grant_type": {"password"}, "username": {"grace"}, "password": {"x"}})
		require.Equal(t, http.StatusBadRequest, status)
		require.Equal(t, "unsupported_grant_type", e)
		status, e = oauthError(t, tokenURL, clientID, secret, url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {"not.a.jwt"}})
		require.Less(t, status, 500)
		require.NotEmpty(t, e)
	})

	t.Run("ForgedJWTs", func(t *testing.T) {
		t.Parallel()
		// A client assertion (private_key_jwt) is not offered: refused.
		status, e := oauthError(t, tokenURL, "", "", url.Values{
			"grant_type": {"client_credentials"}, "client_id": {clientID},
			"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {"eyJhbGciOiJub25lIn0.e30."},
		})
		require.Less(t, status, 500)
		require.NotEmpty(t, e)
		// An id_token_hint with alg none, or not a JWT at all.
		none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." +
			base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"`+s.url+`","sub":"x","aud":"`+clientID+`"}`)) + "."
		for _, hint := range []string{none, "not-a-jwt", "a.b.c"} {
			resp, _ := newAgent(t, s.browser()).get(provider.EndSessionPath + "?" + url.Values{"id_token_hint": {hint}}.Encode())
			require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%q", hint)
			require.Empty(t, resp.Header.Get("Location"))
		}
	})

	t.Run("Oversized", func(t *testing.T) {
		t.Parallel()
		big := url.Values{"grant_type": {"client_credentials"}, "scope": {strings.Repeat("openid ", 300_000)}}
		status, _ := oauthError(t, tokenURL, clientID, secret, big)
		require.Equal(t, http.StatusRequestEntityTooLarge, status)
	})
}
