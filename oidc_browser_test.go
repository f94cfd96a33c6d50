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
