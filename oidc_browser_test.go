package main

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
	"github.com/gatehouse-id/gatehouse/oidc/provider"
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
	u.answerLogin("ada", "Analytical-Engine-1843")
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
	u.answerLogin("grace", "Cobol-Compiler-1959")
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

// The pages the provider answers itself, in Chromium: an authorization
// request with an unregistered redirect URI gets the error page (400, no
// redirect) in the brand's look; a user the application's policies refuse
// gets the refusal (403), the application's name shown as text; and
// end_session ends at the signed-out page.
func TestBrowserSSOPages(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	admin := srv.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "ada", email: "ada@example.com"}, password: "Analytical-Engine-1843") { id } }`, nil, nil)
	var brands struct {
		Brands struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	admin.must(`{ brands(where: {isDefault: true}) { edges { node { id } } } }`, nil, &brands)
	require.Len(t, brands.Brands.Edges, 1)
	admin.must(`mutation($id: ID!) { updateBrand(id: $id, input: {brandingTitle: "Acme Sign-in"}) { id } }`,
		map[string]any{"id": brands.Brands.Edges[0].Node.ID}, nil)

	// The relying party: signed in, it offers to sign out through
	// end_session with the ID token as hint.
	var cfg oauth2.Config
	const verifier = "a-verifier-of-at-least-43-characters-0123456789"
	rp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" {
			w.WriteHeader(http.StatusNoContent) // the browser's favicon.ico
			return
		}
		tok, err := cfg.Exchange(r.Context(), r.URL.Query().Get("code"), oauth2.VerifierOption(verifier))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		raw, _ := tok.Extra("id_token").(string)
		out := srv.url + provider.EndSessionPath + "?" + url.Values{"id_token_hint": {raw}}.Encode()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprintf(w, `<!doctype html><title>Notes</title><h1>Signed in to Notes</h1><a href="%s">Sign out</a>`, html.EscapeString(out))
	}))
	t.Cleanup(rp.Close)
	clientID, secret := register(t, admin, ssoSpec{slug: "notes", redirect: rp.URL + "/callback"})
	op, err := gooidc.NewProvider(t.Context(), srv.url)
	require.NoError(t, err)
	cfg = oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: op.Endpoint(), RedirectURL: rp.URL + "/callback", Scopes: []string{"openid"}}
	authURL := func(c oauth2.Config) string { return c.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)) }

	u := newUI(t, srv, browsertest.Options{})
	card := u.Locator(".flow-page .flow-card")
	// page checks the message page in the brand's layout: its heading
	// (the only one: the markup for browsers without JavaScript is gone),
	// its text and the title.
	page := func(kind, heading, text string) {
		t.Helper()
		require.NoError(t, u.expect.Locator(card).ToHaveAttribute("data-message", kind))
		require.NoError(t, u.expect.Locator(card.Locator(".brand")).ToHaveText("Acme Sign-in"))
		require.NoError(t, u.expect.Locator(u.GetByRole(*playwright.AriaRoleHeading, playwright.PageGetByRoleOptions{})).ToHaveText(heading))
		require.NoError(t, u.expect.Locator(card.Locator(".message__text")).ToContainText(text))
		require.NoError(t, u.expect.Page(u.Page.Page).ToHaveTitle(heading+" · Acme Sign-in"))
	}

	// An unregistered redirect URI: 400, answered where the request came,
	// never sent on.
	bad := cfg
	bad.RedirectURL = rp.URL + "/elsewhere"
	resp, err := u.Goto(authURL(bad))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, resp.Status())
	require.Nil(t, resp.Request().RedirectedFrom(), "no redirect")
	u.at(`/oauth2/authorize\?`)
	page("error", "This sign-in cannot continue", "asked to be answered at an address it has not registered")
	require.NoError(t, u.expect.Locator(u.GetByRole(*playwright.AriaRoleAlert)).ToContainText("has not registered"))
	u.Screenshot("error-redirect-uri")

	// Signed in to Notes.
	u.visit(authURL(cfg))
	u.answerLogin("ada", "Analytical-Engine-1843")
	u.see("Signed in to Notes")

	// Payroll admits its staff only, and its name is shown as text.
	const hostile = `<img src=x onerror=alert(1)> "Payroll"`
	payrollID, payrollSecret := register(t, admin, ssoSpec{slug: "payroll", redirect: rp.URL + "/callback"})
	var apps struct {
		Applications struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	admin.must(`{ applications(where: {slug: "payroll"}) { edges { node { id } } } }`, nil, &apps)
	require.Len(t, apps.Applications.Edges, 1)
	appID := apps.Applications.Edges[0].Node.ID
	var group struct{ CreateGroup struct{ ID string } }
	admin.must(`mutation { createGroup(input: {name: "payroll staff"}) { id } }`, nil, &group)
	admin.must(`mutation($a: ID!, $g: ID!) { createPolicyBinding(input: {applicationID: $a, groupID: $g}) { id } }`,
		map[string]any{"a": appID, "g": group.CreateGroup.ID}, nil)
	admin.must(`mutation($a: ID!, $n: String!) { updateApplication(id: $a, input: {name: $n}) { id } }`,
		map[string]any{"a": appID, "n": hostile}, nil)
	payroll := cfg
	payroll.ClientID, payroll.ClientSecret = payrollID, payrollSecret
	resp, err = u.Goto(authURL(payroll))
	require.NoError(t, err)
	require.Equal(t, http.StatusForbidden, resp.Status())
	u.at(`^` + regexp.QuoteMeta(srv.url) + `/oauth2/authorize/resume\?`)
	page("error", "Access denied", "You are not allowed to use "+hostile+".")
	require.NoError(t, u.expect.Locator(card.Locator("img")).ToHaveCount(0), "the name is text, not markup")
	u.Screenshot("error-refused")

	// Signing out at Notes: end_session, the invalidation flow, the
	// signed-out page (200).
	statuses := make(chan int, 4)
	u.OnResponse(func(r playwright.Response) {
		if strings.Contains(r.URL(), provider.SignedOutPath) {
			statuses <- r.Status()
		}
	})
	u.visit(authURL(cfg))
	u.see("Signed in to Notes")
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Sign out"}))
	u.at(`^` + regexp.QuoteMeta(srv.url+provider.SignedOutPath) + `$`)
	page("info", "You are signed out", "You can close this window.")
	require.NoError(t, u.expect.Locator(u.GetByRole(*playwright.AriaRoleStatus)).ToHaveText("You can close this window."))
	require.Equal(t, http.StatusOK, <-statuses)
	u.Screenshot("signed-out")

	// The Gatehouse session ended: the settings page asks to log in.
	u.visit("/if/user/")
	u.challenge("IdentificationChallenge")
}
