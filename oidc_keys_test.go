package main

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// kidOf is the key ID in a JWT's header.
func kidOf(t *testing.T, jwt string) string {
	t.Helper()
	header, _, ok := strings.Cut(jwt, ".")
	require.True(t, ok, "a JWT")
	raw, err := base64.RawURLEncoding.DecodeString(header)
	require.NoError(t, err)
	var h struct {
		Kid string `json:"kid"`
		Alg string `json:"alg"`
	}
	require.NoError(t, json.Unmarshal(raw, &h))
	return h.Kid
}

// signingKey is a key as the admin API lists it.
type signingKey struct {
	ID, Kid, Algorithm string
	Current            bool
	RetiredAt          *time.Time
}

// signingKeys lists the signing keys through the admin API.
func signingKeys(admin *client) []signingKey {
	var out struct {
		SigningKeys struct{ Edges []struct{ Node signingKey } }
	}
	admin.must(`{ signingKeys(first: 50) { edges { node { id kid algorithm current retiredAt } } } }`, nil, &out)
	list := make([]signingKey, 0, len(out.SigningKeys.Edges))
	for _, e := range out.SigningKeys.Edges {
		list = append(list, e.Node)
	}
	return list
}

// A provider pinned to a key that is no longer current (rotated away,
// retired but still published) gets ID tokens signed with that key —
// the header names it, and go-oidc verifies them through the JWKS — on
// the code exchange and on refresh; a provider without a pin gets the
// current key's; unpinned, the provider's tokens use the current key.
func TestOIDCPinnedSigningKey(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "grace", name: "Grace Hopper", email: "grace@example.com"}, password: "Cobol-Compiler-1959") { id } }`, nil, nil)
	var before signingKey
	for _, k := range signingKeys(admin) {
		if k.Algorithm == "ES256" {
			before = k
		}
	}
	require.True(t, before.Current)
	ctx := t.Context()
	// The rotation job's run: every key is due.
	created, _, err := s.app.signingKeys.Rotate(ctx, 0)
	require.NoError(t, err)
	require.Equal(t, 2, created)
	var current signingKey
	for _, k := range signingKeys(admin) {
		switch {
		case k.Kid == before.Kid:
			require.False(t, k.Current)
			require.NotNil(t, k.RetiredAt, "rotated away")
		case k.Algorithm == "ES256" && k.Current:
			current = k
		}
	}
	require.NotEmpty(t, current.Kid)

	scopes := []string{"openid", "profile", "offline_access"}
	legacyID, legacySecret := register(t, admin, ssoSpec{slug: "legacy", scopes: scopes, signingKey: before.ID})
	modernID, modernSecret := register(t, admin, ssoSpec{slug: "modern", scopes: scopes, alg: "ES256"})
	op, err := gooidc.NewProvider(ctx, s.url)
	require.NoError(t, err)

	// login runs a code flow at a client, verifies its ID token (and the
	// one a refresh gives) and returns the key ID that signed it.
	login := func(clientID, secret string) string {
		t.Helper()
		cfg := oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: op.Endpoint(), RedirectURL: rpCallback, Scopes: scopes}
		verifier := oauth2.GenerateVerifier()
		back := newAgent(t, s.browser()).authorize(cfg.AuthCodeURL("state", oauth2.S256ChallengeOption(verifier)), "grace", "Cobol-Compiler-1959")
		tok, err := cfg.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(verifier))
		require.NoError(t, err)
		raw, ok := tok.Extra("id_token").(string)
		require.True(t, ok, "an ID token")
		_, err = op.Verifier(&gooidc.Config{ClientID: clientID, SupportedSigningAlgs: []string{"ES256"}}).Verify(ctx, raw)
		require.NoError(t, err, "go-oidc verifies it through the JWKS")
		refreshed, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
		require.NoError(t, err)
		again, ok := refreshed.Extra("id_token").(string)
		require.True(t, ok)
		_, err = op.Verifier(&gooidc.Config{ClientID: clientID, SupportedSigningAlgs: []string{"ES256"}}).Verify(ctx, again)
		require.NoError(t, err)
		require.Equal(t, kidOf(t, raw), kidOf(t, again), "a refresh signs with the same key")
		return kidOf(t, raw)
	}

	kid := login(legacyID, legacySecret)
	require.Equal(t, before.Kid, kid, "the pinned key signs, though it is not current")
	kid = login(modernID, modernSecret)
	require.Equal(t, current.Kid, kid, "a provider without a pin signs with the current key")

	// Rotating again leaves the pinned key alone.
	_, _, err = s.app.signingKeys.Rotate(ctx, 0)
	require.NoError(t, err)
	kid = login(legacyID, legacySecret)
	require.Equal(t, before.Kid, kid)

	var legacy struct {
		OAuth2Providers struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	admin.must(`query($c: String!) { oauth2Providers(where: {clientID: $c}) { edges { node { id } } } }`, map[string]any{"c": legacyID}, &legacy)
	require.Len(t, legacy.OAuth2Providers.Edges, 1)
	admin.must(`mutation($id: ID!) { updateOAuth2Provider(id: $id, input: {clearSigningKey: true}) { id } }`,
		map[string]any{"id": legacy.OAuth2Providers.Edges[0].Node.ID}, nil)
	kid = login(legacyID, legacySecret)
	require.NotEqual(t, before.Kid, kid, "unpinned, the provider signs with the current key")
	for _, k := range signingKeys(admin) {
		if k.Kid == kid {
			require.True(t, k.Current)
		}
	}
}
