package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/gatehouse-id/gatehouse/blueprints"
)

// deviceTokenError is the token endpoint's error for one poll of a
// device code ("" when it issued tokens).
func deviceTokenError(t *testing.T, tokenURL, clientID, deviceCode string) string {
	t.Helper()
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {deviceCode}, "client_id": {clientID}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out struct {
		Error       string `json:"error"`
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.Unmarshal(body, &out), "%s", body)
	if out.Error == "" {
		require.NotEmpty(t, out.AccessToken, "%s", body)
	}
	return out.Error
}

// deviceSetup registers a public client allowed the device grant, its
// authorization flow the default explicit consent, and a user.
func deviceSetup(t *testing.T, s *testServer, slug string) (*oauth2.Config, *gooidc.Provider) {
	t.Helper()
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "grace", name: "Grace Hopper", email: "grace@example.com"}, password: "Cobol-Compiler-1959") { id } }`, nil, nil)
	admin.must(`mutation { createUser(input: {username: "alan", name: "Alan Turing", email: "alan@example.com"}, password: "Enigma-Bombe-1940") { id } }`, nil, nil)
	clientID, _ := register(t, admin, ssoSpec{
		slug: slug, public: true, device: true, flow: blueprints.ExplicitConsentFlow,
		scopes: []string{"openid", "profile", "email", "offline_access"},
	})
	op, err := gooidc.NewProvider(t.Context(), s.url)
	require.NoError(t, err)
	return &oauth2.Config{
		ClientID: clientID, Endpoint: op.Endpoint(),
		Scopes: []string{gooidc.ScopeOpenID, "profile", gooidc.ScopeOfflineAccess},
	}, op
}

// A CLI that knows only the issuer and its client ID signs a user in with
// the device authorization grant (RFC 8628), through x/oauth2: the user
// opens the verification URI, logs in, confirms the code and consents;
// the device's polls get authorization_pending (slow_down when too fast)
// and then verified tokens, exactly once.
func TestOIDCDeviceFlow(t *testing.T) {
	t.Parallel()
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			s := newTestServer(t, newServerEnv(t, backend))
			cfg, op := deviceSetup(t, s, "tv")
			ctx := t.Context()
			require.Equal(t, s.url+"/oauth2/device_authorization", cfg.Endpoint.DeviceAuthURL, "discovery lists the endpoint")

			da, err := cfg.DeviceAuth(ctx)
			require.NoError(t, err)
			require.Equal(t, s.url+"/device", da.VerificationURI)
			require.Regexp(t, `^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$`, da.UserCode)
			require.Equal(t, s.url+"/device?user_code="+da.UserCode, da.VerificationURIComplete)
			require.EqualValues(t, 5, da.Interval)

			require.Equal(t, "authorization_pending", deviceTokenError(t, cfg.Endpoint.TokenURL, cfg.ClientID, da.DeviceCode))
			require.Equal(t, "slow_down", deviceTokenError(t, cfg.Endpoint.TokenURL, cfg.ClientID, da.DeviceCode),
				"a poll right after another is too fast")

			user := newAgent(t, s.browser())
			resp, body := user.visit(da.VerificationURIComplete, "grace", "Cobol-Compiler-1959")
			require.Equal(t, http.StatusOK, resp.StatusCode, body)
			require.Contains(t, body, "Device connected")
			require.Len(t, user.consents, 1, "the application's authorization flow asked her consent")
			require.Contains(t, user.consents[0], "offline_access")

			// x/oauth2 waits the interval before it polls, as RFC 8628 says.
			token, err := cfg.DeviceAccessToken(ctx, da)
			require.NoError(t, err)
			require.NotEmpty(t, token.RefreshToken, "offline_access was granted")
			raw, ok := token.Extra("id_token").(string)
			require.True(t, ok, "an ID token")
			idt, err := op.Verifier(&gooidc.Config{ClientID: cfg.ClientID}).Verify(ctx, raw)
			require.NoError(t, err)
			var claims struct {
				PreferredUsername string   `json:"preferred_username"`
				AMR               []string `json:"amr"`
			}
			require.NoError(t, idt.Claims(&claims))
			require.Equal(t, "grace", claims.PreferredUsername)
			require.Equal(t, []string{"pwd"}, claims.AMR)
			info, err := op.UserInfo(ctx, oauth2.StaticTokenSource(token))
			require.NoError(t, err)
			require.Equal(t, idt.Subject, info.Subject)

			// A refresh rotates, as for any grant.
			refreshed, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: token.RefreshToken}).Token()
			require.NoError(t, err)
			require.NotEqual(t, token.RefreshToken, refreshed.RefreshToken)

			// The device code is spent: presented again it is a replay,
			// which revokes what it issued.
			require.NotEmpty(t, deviceTokenError(t, cfg.Endpoint.TokenURL, cfg.ClientID, da.DeviceCode))
			_, err = op.UserInfo(ctx, oauth2.StaticTokenSource(refreshed))
			require.Error(t, err, "a replayed device code revokes its tokens")
		})
	}
}

// deviceCodeAnswer types code into the device-code flow as c (signed in)
// and returns the field error's code ("" when accepted) and where the
// flow went.
func deviceCodeAnswer(t *testing.T, c *client, code string) (string, string) {
	t.Helper()
	v := c.start(blueprints.DeviceCodeFlow)
	require.Equal(t, "DeviceCodeChallenge", v.Challenge.Typename)
	v = c.submit(v.ID, map[string]any{"deviceCode": map[string]any{"code": code}})
	if len(v.Challenge.Errors) > 0 {
		return v.Challenge.Errors[0].Code, ""
	}
	require.Equal(t, "RedirectChallenge", v.Challenge.Typename)
	return "", v.Challenge.To
}

// Every way a device authorization can go wrong ends with nothing issued.
// The subtests share one server: each uses its own client or user where
// it changes something (alan's attempts, the radio's policy).
func TestOIDCDeviceFlowRefusals(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	cfg, _ := deviceSetup(t, s, "tv")
	ctx := t.Context()

	t.Run("a client not allowed the grant", func(t *testing.T) {
		t.Parallel()
		admin := s.browser()
		require.True(t, admin.login("admin", adminPassword).Completed)
		clientID, secret := register(t, admin, ssoSpec{slug: "wiki"})
		// A confidential client must authenticate (RFC 8628 §3.1), which
		// x/oauth2 does not do at this endpoint.
		other := *cfg
		other.ClientID, other.ClientSecret = clientID, secret
		_, err := other.DeviceAuth(ctx)
		require.ErrorContains(t, err, "invalid_client")
		form := url.Values{"client_id": {clientID}, "scope": {"openid"}, "client_secret": {secret}}
		resp, err := http.PostForm(cfg.Endpoint.DeviceAuthURL, form) //nolint:noctx // a test's one-off request
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Contains(t, string(body), "unauthorized_client", "authenticated with client_secret_post, then refused the grant")
	})

	t.Run("codes are checked, bound to one user and throttled", func(t *testing.T) {
		t.Parallel()
		da, err := cfg.DeviceAuth(ctx)
		require.NoError(t, err)
		alan := s.browser()
		require.True(t, alan.login("alan", "Enigma-Bombe-1940").Completed)
		code, _ := deviceCodeAnswer(t, alan, "BBBB-BBBB")
		require.Equal(t, "invalid", code, "a code no device shows")

		grace := s.browser()
		require.True(t, grace.login("grace", "Cobol-Compiler-1959").Completed)
		code, to := deviceCodeAnswer(t, grace, strings.ToLower(strings.ReplaceAll(da.UserCode, "-", " ")))
		require.Empty(t, code, "case, spaces and dashes do not matter")
		require.True(t, strings.HasPrefix(to, "/oauth2/device/continue?request="), to)
		code, _ = deviceCodeAnswer(t, alan, da.UserCode)
		require.Equal(t, "invalid", code, "grace entered it first: it is hers")
		resp, body := newAgent(t, alan).get(to)
		require.Equal(t, http.StatusForbidden, resp.StatusCode, body)
		require.Equal(t, "authorization_pending", deviceTokenError(t, cfg.Endpoint.TokenURL, cfg.ClientID, da.DeviceCode))

		// Guessing is throttled per user, before any lookup.
		var last string
		for range 12 {
			last, _ = deviceCodeAnswer(t, alan, "ZZZZ-ZZZZ")
		}
		require.Equal(t, "rate_limited", last)
	})

	t.Run("a refusal reaches the device", func(t *testing.T) {
		t.Parallel()
		da, err := cfg.DeviceAuth(ctx)
		require.NoError(t, err)
		user := newAgent(t, s.browser())
		user.refuse = true
		resp, body := user.visit(da.VerificationURIComplete, "grace", "Cobol-Compiler-1959")
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "Device not connected")
		_, err = cfg.DeviceAccessToken(ctx, da)
		require.ErrorContains(t, err, "access_denied")
	})

	t.Run("the application's policies decide", func(t *testing.T) {
		t.Parallel()
		admin := s.browser()
		require.True(t, admin.login("admin", adminPassword).Completed)
		radio := *cfg
		radio.ClientID, _ = register(t, admin, ssoSpec{slug: "radio", public: true, device: true, flow: blueprints.ImplicitConsentFlow})
		var apps struct {
			Applications struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		admin.must(`{ applications(where: {slug: "radio"}) { edges { node { id } } } }`, nil, &apps)
		require.Len(t, apps.Applications.Edges, 1)
		var group struct{ CreateGroup struct{ ID string } }
		admin.must(`mutation { createGroup(input: {name: "radio owners"}) { id } }`, nil, &group)
		admin.must(`mutation($a: ID!, $g: ID!) { createPolicyBinding(input: {applicationID: $a, groupID: $g}) { id } }`,
			map[string]any{"a": apps.Applications.Edges[0].Node.ID, "g": group.CreateGroup.ID}, nil)

		da, err := radio.DeviceAuth(ctx)
		require.NoError(t, err)
		resp, body := newAgent(t, s.browser()).visit(da.VerificationURIComplete, "grace", "Cobol-Compiler-1959")
		require.Equal(t, http.StatusForbidden, resp.StatusCode, body)
		require.Equal(t, "authorization_pending", deviceTokenError(t, radio.Endpoint.TokenURL, radio.ClientID, da.DeviceCode),
			"nothing was authorized")
	})

	t.Run("an unknown device code", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, "access_denied", deviceTokenError(t, cfg.Endpoint.TokenURL, cfg.ClientID, "not-a-device-code"))
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := cfg.DeviceAccessToken(ctx, &oauth2.DeviceAuthResponse{DeviceCode: "x"})
		require.Error(t, err)
	})
}
