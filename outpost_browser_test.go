package main

import (
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// In Chromium, an application behind the embedded outpost in reverse-proxy
// mode: the browser asks for a private page on the application's host, signs
// in on Gatehouse's own login page, comes back to the page it asked for and
// sees the upstream greet it by name (the upstream got the identity, not
// Gatehouse's cookies); signing out at the outpost ends both sessions.
func TestBrowserOutpostProxy(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	admin := srv.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "grace", name: "Grace Hopper", email: "grace@example.com"}, password: "Compiler-Pioneer-1952") { id } }`, nil, nil)

	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var cookies []string
		for _, c := range r.Cookies() {
			cookies = append(cookies, c.Name)
		}
		slices.Sort(cookies)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprintf(w, `<!doctype html><title>Reports</title><h1>Hello, %s</h1><p id="path">%s</p><p id="cookies">cookies: %s</p>`,
			html.EscapeString(r.Header.Get("X-Gatehouse-Name")), html.EscapeString(r.URL.RequestURI()), html.EscapeString(strings.Join(cookies, ",")))
	}))
	t.Cleanup(up.Close)

	coreAddr := strings.TrimPrefix(srv.url, "http://")
	_, port, err := net.SplitHostPort(coreAddr)
	require.NoError(t, err)
	external := "http://reports." + browsertest.TestDomain + ":" + port
	var flow struct{ CreateFlow struct{ ID string } }
	admin.must(`mutation { createFlow(input: {slug: "reports-authz", name: "reports-authz", title: "Authorize", designation: AUTHORIZATION}) { id } }`, nil, &flow)
	var pp struct{ CreateProxyProvider struct{ ID string } }
	admin.must(`mutation($f: ID!, $h: String!, $u: String!) { createProxyProvider(input: {name: "Reports", externalHost: $h, internalHost: $u, mode: PROXY, authorizationFlowID: $f}) { id } }`,
		map[string]any{"f": flow.CreateFlow.ID, "h": external, "u": up.URL}, &pp)
	admin.must(`mutation($p: ID!) { createApplication(input: {name: "Reports", slug: "reports", providerID: $p}) { id } }`,
		map[string]any{"p": pp.CreateProxyProvider.ID}, nil)
	// The application is served once the outpost's configuration, which
	// follows the core's through a subscription, has it.
	probe := &http.Client{Transport: dialAt(coreAddr), CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	require.Eventually(t, func() bool {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, external+"/private", nil)
		require.NoError(t, err)
		resp, err := probe.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusFound
	}, 10*time.Second, 20*time.Millisecond, "the outpost serves the application")

	u := newUI(t, srv, browsertest.Options{})
	appURL := regexp.QuoteMeta(external)
	u.visit(external + "/q3?team=ops&year=2026")
	u.at(`^` + regexp.QuoteMeta(srv.url) + `/if/flow/default-authentication-flow/`)
	u.answerLogin("grace", "Compiler-Pioneer-1952")
	u.at(`^` + appURL + `/q3\?team=ops&year=2026$`)
	require.NoError(t, u.expect.Locator(u.Locator("h1")).ToHaveText("Hello, Grace Hopper"))
	require.NoError(t, u.expect.Locator(u.Locator("#path")).ToHaveText("/q3?team=ops&year=2026"))
	require.NoError(t, u.expect.Locator(u.Locator("#cookies")).ToHaveText("cookies:"), "no Gatehouse cookie reaches the upstream")
	u.Screenshot("outpost-proxy")

	// Signed in at the core too: another page of the application needs no
	// new login.
	u.visit(external + "/q4")
	require.NoError(t, u.expect.Locator(u.Locator("#path")).ToHaveText("/q4"))

	// Signing out at the outpost ends the application's session and the
	// core's: the next visit asks for a login again.
	u.visit(external + "/outpost.gatehouse/sign_out")
	u.at(`^` + regexp.QuoteMeta(srv.url) + `/oauth2/end_session/done$`)
	u.see("You are signed out")
	u.visit(external + "/q4")
	u.at(`^` + regexp.QuoteMeta(srv.url) + `/if/flow/default-authentication-flow/`)
}
