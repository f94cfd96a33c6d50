package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// A user signs in to a relying party in Chromium: the login pages, the
// consent screen (once: the second sign-in asks nothing), and back at the
// relying party, which has exchanged the code and verified the ID token.
func TestBrowserSSOConsent(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	admin := srv.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "ada", email: "ada@example.com"}, password: "Analytical-Engine-1843") { id } }`, nil, nil)

	// The relying party: go-oidc, configured with the issuer only.
	var cfg oauth2.Config
	var verifier *gooidc.IDTokenVerifier
	rp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" {
			w.WriteHeader(http.StatusNoContent) // the browser's favicon.ico
			return
		}
		if e := r.URL.Query().Get("error"); e != "" {
			http.Error(w, "refused: "+e, http.StatusForbidden)
			return
		}
		tok, err := cfg.Exchange(r.Context(), r.URL.Query().Get("code"), oauth2.VerifierOption("a-verifier-of-at-least-43-characters-0123456789"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		raw, _ := tok.Extra("id_token").(string)
		idt, err := verifier.Verify(r.Context(), raw)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		var claims struct{ Email string }
		_ = idt.Claims(&claims)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprintf(w, "<!doctype html><title>Notes</title><h1>Hello %s</h1>", claims.Email)
	}))
	t.Cleanup(rp.Close)

	clientID, secret := register(t, admin, ssoSpec{slug: "notes", flow: blueprints.ExplicitConsentFlow, redirect: rp.URL + "/callback"})
	op, err := gooidc.NewProvider(t.Context(), srv.url)
	require.NoError(t, err)
	cfg = oauth2.Config{
		ClientID: clientID, ClientSecret: secret,
		Endpoint: op.Endpoint(), RedirectURL: rp.URL + "/callback", Scopes: []string{"openid", "email"},
	}
	verifier = op.Verifier(&gooidc.Config{ClientID: cfg.ClientID})
	authURL := cfg.AuthCodeURL("st", oauth2.S256ChallengeOption("a-verifier-of-at-least-43-characters-0123456789"))

	u := newUI(t, srv, browsertest.Options{})
	u.visit(authURL)
	u.challenge("IdentificationChallenge")
	u.fill("Username or email", "ada")
	u.click(u.button("Continue"))
	u.challenge("PasswordChallenge")
	u.fill("Password", "Analytical-Engine-1843")
	u.click(u.button("Continue"))
	u.challenge("ConsentChallenge")
	u.see("Notes")
	u.see("Your email address")
	u.see("Know who you are")
	require.NoError(t, u.expect.Locator(u.button("Allow")).ToBeFocused())
	u.Screenshot("consent")
	u.click(u.button("Allow"))
	u.see("Hello ada@example.com")

	// Remembered: the second sign-in goes straight back.
	u.visit(authURL)
	u.see("Hello ada@example.com")
}

// A user connects a device in Chromium: the verification link the device
// shows leads through the login to the code (filled in, to confirm; a
// wrong one is refused by its field), the consent screen, and the page
// that sends them back to the device, which then gets its tokens.
func TestBrowserDeviceCode(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	cfg, _ := deviceSetup(t, srv, "tv")
	da, err := cfg.DeviceAuth(t.Context())
	require.NoError(t, err)

	u := newUI(t, srv, browsertest.Options{})
	u.visit(da.VerificationURIComplete)
	u.challenge("IdentificationChallenge")
	u.fill("Username or email", "grace")
	u.click(u.button("Continue"))
	u.challenge("PasswordChallenge")
	u.fill("Password", "Cobol-Compiler-1959")
	u.click(u.button("Continue"))
	u.challenge("DeviceCodeChallenge")
	u.see("Check that this is the code your device shows")
	require.NoError(t, u.expect.Locator(u.field("Code")).ToHaveValue(da.UserCode))
	u.Screenshot("device-code")

	u.fill("Code", "BBBB-BBBB")
	u.click(u.button("Continue"))
	u.see("This code is not valid or has expired")
	require.NoError(t, u.expect.Locator(u.field("Code")).ToHaveAttribute("aria-invalid", "true"))
	u.Screenshot("device-code-invalid")

	u.fill("Code", da.UserCode)
	u.click(u.button("Continue"))
	u.challenge("ConsentChallenge")
	u.see("tv")
	u.click(u.button("Allow"))
	u.see("You are signed in on your device")
	u.Screenshot("device-connected")

	require.Empty(t, deviceTokenError(t, cfg.Endpoint.TokenURL, cfg.ClientID, da.DeviceCode), "the device gets its tokens")
}
