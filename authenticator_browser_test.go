package main

// Browser helpers for second factors: a page that can use passkeys (served
// as localhost, with Chromium's virtual authenticator) and the
// second-factor page of the login.

import (
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// localhostURL is srv's URL by the name localhost: WebAuthn needs a
// domain, and a server whose GATEHOUSE_PUBLIC_URL is
// http://localhost:{port} is its relying party.
func localhostURL(srv *testServer) string {
	return strings.Replace(srv.url, "127.0.0.1", "localhost", 1)
}

// newPasskeyUI opens a tab on srv (by localhostURL) in a fresh browser
// context with a virtual authenticator (CDP
// WebAuthn.addVirtualAuthenticator: a platform authenticator with
// resident keys that verifies the user by itself).
func newPasskeyUI(t *testing.T, srv *testServer) *ui {
	t.Helper()
	u := &ui{
		Page: browsertest.Get(t).NewPage(t, browsertest.Options{BaseURL: localhostURL(srv)}),
		t:    t, srv: srv, expect: playwright.NewPlaywrightAssertions(expectTimeout),
	}
	cdp, err := u.Context.NewCDPSession(u.Page.Page)
	require.NoError(t, err)
	_, err = cdp.Send("WebAuthn.enable", map[string]any{"enableUI": false})
	require.NoError(t, err)
	_, err = cdp.Send("WebAuthn.addVirtualAuthenticator", map[string]any{"options": map[string]any{
		"protocol": "ctap2", "transport": "internal", "hasResidentKey": true, "hasUserVerification": true,
		"isUserVerified": true, "automaticPresenceSimulation": true,
	}})
	require.NoError(t, err)
	return u
}

// secondFactor starts a login of grace (the user of these tests) at "/",
// signed out, and answers it with password up to the second-factor page.
func (u *ui) secondFactor(password string) {
	u.t.Helper()
	u.visit("/")
	u.answerLogin("grace", password)
	u.challenge("AuthenticatorValidateChallenge")
}

// answerCode types code into the second-factor page's field label and
// verifies it.
func (u *ui) answerCode(label, code string) {
	u.t.Helper()
	u.fill(label, code)
	u.click(u.button("Verify"))
}

// refusedCode answers a fresh second-factor page (one showing no error
// yet) with code and waits until it is refused.
func (u *ui) refusedCode(label, code string) {
	u.t.Helper()
	u.answerCode(label, code)
	require.NoError(u.t, u.expect.Locator(u.field(label)).ToHaveAttribute("aria-invalid", "true"), "the code %s is refused", code)
	u.see("This code is not valid")
}
