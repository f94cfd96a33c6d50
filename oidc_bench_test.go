package main

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// benchProvider registers a confidential client signing with alg (RS256,
// ES256) on s, with an application, and returns its OAuth2 config
// (redirect URI rpCallback) from discovery.
func benchProvider(b *testing.B, s *testServer, alg string) oauth2.Config {
	b.Helper()
	admin := s.browser()
	require.True(b, admin.login("admin", adminPassword).Completed)
	clientID, secret := register(b, admin, ssoSpec{
		slug: "bench-" + strings.ToLower(alg), alg: alg, scopes: []string{"openid", "email", "offline_access"},
	})
	op, err := gooidc.NewProvider(context.Background(), s.url)
	require.NoError(b, err)
	return oauth2.Config{
		ClientID: clientID, ClientSecret: secret,
		Endpoint: op.Endpoint(), RedirectURL: rpCallback,
		Scopes: []string{gooidc.ScopeOpenID, "email", gooidc.ScopeOfflineAccess},
	}
}

// eachAlgorithm runs fn per backend and signing algorithm, on a server
// with 8 users (their password adminPassword) and a client per algorithm.
// (fn runs several times, with growing b.N: it sets nothing up.)
func eachAlgorithm(b *testing.B, fn func(b *testing.B, s *testServer, cfg oauth2.Config, users []string)) {
	for _, backend := range backends {
		b.Run(backend, func(b *testing.B) {
			s := newTestServer(b, benchEnv(b, backend))
			users := benchUsers(b, s, 8)
			for _, alg := range []string{"RS256", "ES256"} {
				cfg := benchProvider(b, s, alg)
				b.Run(alg, func(b *testing.B) { fn(b, s, cfg, users) })
			}
		})
	}
}

// BenchmarkClientCredentials: one op is a client credentials grant (the
// client's secret checked, an access token stored and sealed). Access
// tokens are opaque, so the algorithm signs nothing here: both are shown
// to make that visible.
func BenchmarkClientCredentials(b *testing.B) {
	eachAlgorithm(b, func(b *testing.B, _ *testServer, cfg oauth2.Config, _ []string) {
		cc := clientcredentials.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, TokenURL: cfg.Endpoint.TokenURL, Scopes: []string{"email"}}
		runAgainstBound(b, "grants/s", func() (func() error, error) {
			return func() error {
				_, err := cc.Token(context.Background())
				return err
			}, nil
		})
	})
}

// BenchmarkRefresh: one op is a refresh grant (the refresh token rotated,
// an access token stored, an ID token signed); each client first runs one
// code flow for its own authorization, then refreshes it in turn.
func BenchmarkRefresh(b *testing.B) {
	eachAlgorithm(b, func(b *testing.B, s *testServer, cfg oauth2.Config, users []string) {
		var n atomic.Int64
		runAgainstBound(b, "refreshes/s", func() (func() error, error) {
			rt, err := benchGrant(b, s, cfg, users[int(n.Add(1))%len(users)])
			if err != nil {
				return nil, err
			}
			return func() error {
				tok, err := cfg.TokenSource(context.Background(), &oauth2.Token{RefreshToken: rt}).Token()
				if err != nil {
					return err
				}
				rt = tok.RefreshToken
				return nil
			}, nil
		})
	})
}

// BenchmarkCodeFlow: one op is a whole authorization of a signed-in user:
// /oauth2/authorize, the resume and the authorization flow (started over
// GraphQL), the callback, and the code redeemed for access, ID and refresh
// tokens.
func BenchmarkCodeFlow(b *testing.B) {
	eachAlgorithm(b, func(b *testing.B, s *testServer, cfg oauth2.Config, users []string) {
		var n atomic.Int64
		runAgainstBound(b, "flows/s", func() (func() error, error) {
			c := s.browser()
			user := users[int(n.Add(1))%len(users)]
			if v := c.login(user, adminPassword); !v.Completed {
				return nil, fmt.Errorf("login of %s did not complete", user)
			}
			a := newAgent(b, c)
			return func() error {
				verifier := oauth2.GenerateVerifier()
				back := a.authorize(cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), user, adminPassword)
				_, err := cfg.Exchange(context.Background(), back.Query().Get("code"), oauth2.VerifierOption(verifier))
				return err
			}, nil
		})
	})
}

// benchGrant runs one code flow for username and returns its refresh
// token.
func benchGrant(b *testing.B, s *testServer, cfg oauth2.Config, username string) (string, error) {
	verifier := oauth2.GenerateVerifier()
	back := newAgent(b, s.browser()).authorize(cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), username, adminPassword)
	tok, err := cfg.Exchange(context.Background(), back.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return "", err
	}
	return tok.RefreshToken, nil
}
