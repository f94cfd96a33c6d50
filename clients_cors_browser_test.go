package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// appPageCSP is the page's Content-Security-Policy: strict, no inline
// script, and connect-src naming where Gatehouse may be (any port of
// 127.0.0.1), so that what stops a refused origin's requests is CORS, not
// the CSP.
const appPageCSP = "default-src 'none'; script-src 'self'; connect-src http://127.0.0.1:*; img-src data:; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// newAppPageServer serves testdata/crossorigin (a page and its script, an
// app on another origin than Gatehouse's) with appPageCSP.
func newAppPageServer(t *testing.T) *httptest.Server {
	t.Helper()
	files := http.FileServer(http.Dir("testdata/crossorigin"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", appPageCSP)
		w.Header().Set("Cache-Control", "no-store")
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestCrossOriginBrowserPage runs a page of another origin in Chromium
// against a server whose GATEHOUSE_ALLOWED_ORIGINS lists that origin
// (issue 13): with plain fetch and credentials "include" (docs/clients.md,
// "Browser apps on another origin") it logs in through the flow API, then
// reads the viewer with the cookie the login set, reads a refused
// operation's code and follows a subscription over graphql-sse's protocol.
// The same page on an origin not in the list cannot: its first fetch
// rejects.
//
// The page's origin and Gatehouse's are both 127.0.0.1, on two ports:
// the same site, so the SameSite=Lax session cookie flows both ways. A
// page on another site would not get it and would use the cookieless
// sequence (Gatehouse-Session) instead.
func TestCrossOriginBrowserPage(t *testing.T) {
	t.Parallel()
	browser := browsertest.Get(t)
	app, other := newAppPageServer(t), newAppPageServer(t)
	env := newServerEnv(t, "embedded")
	env["GATEHOUSE_ALLOWED_ORIGINS"] = app.URL
	s := newTestServer(t, env)
	query := "/?" + url.Values{"api": {s.url}, "username": {"admin"}, "password": {adminPassword}}.Encode()
	expect := playwright.NewPlaywrightAssertions(expectTimeout)

	// text waits for the page's script to end with status and returns
	// what it wrote into the element with id.
	text := func(page *browsertest.Page, status string) func(id string) string {
		t.Helper()
		if err := expect.Locator(page.Locator("#status")).ToHaveText(status); err != nil {
			failure, _ := page.Locator("#failure").TextContent()
			require.NoError(t, err, "the page's script: %s", failure)
		}
		return func(id string) string {
			t.Helper()
			out, err := page.Locator("#" + id).TextContent()
			require.NoError(t, err)
			return out
		}
	}

	page := browser.NewPage(t, browsertest.Options{BaseURL: app.URL})
	_, err := page.Goto(query)
	require.NoError(t, err)
	got := text(page, "done")
	require.Equal(t, "uidField required", got("field-error"), "a rejected response's field error")
	require.Equal(t, "completed", got("login"))
	require.Equal(t, "admin SESSION", got("viewer"), "the cookie the login set is sent across origins")
	require.Equal(t, "NOT_FOUND", got("error-code"), "a refused operation's extensions.code")
	require.Equal(t, "IdentificationChallenge → IdentificationChallenge → PasswordChallenge → RedirectChallenge", got("pushes"),
		"the subscription pushed the execution at once, then each step the page took")
	require.Empty(t, got("failure"))
	cookies, err := page.Context.Cookies(s.url)
	require.NoError(t, err)
	require.Len(t, cookies, 1, "the browser keeps Gatehouse's session cookie for Gatehouse")
	require.Equal(t, "Lax", string(*cookies[0].SameSite))
	require.True(t, cookies[0].HttpOnly, "the page's script cannot read it")

	// An origin not in GATEHOUSE_ALLOWED_ORIGINS: the preflight is
	// answered without CORS headers, so the browser refuses the fetch
	// (and says so on the console, which is expected here).
	refused := browser.NewPage(t, browsertest.Options{
		BaseURL: other.URL,
		ExpectedConsoleErrorFunc: func(text string) bool {
			return strings.Contains(text, "has been blocked by CORS policy") || strings.Contains(text, "net::ERR_FAILED")
		},
	})
	_, err = refused.Goto(query)
	require.NoError(t, err)
	got = text(refused, "failed")
	require.Equal(t, "TypeError: Failed to fetch", got("failure"))
	require.Empty(t, got("viewer"))
}
