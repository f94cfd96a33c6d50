package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// dialAt returns a transport that connects every *.gatehouse.test host
// to addr (the protected applications' names in these tests) and every
// other host as usual.
func dialAt(addr string) *http.Transport {
	d := &net.Dialer{}
	return &http.Transport{DialContext: func(ctx context.Context, network, hostport string) (net.Conn, error) {
		if host, _, _ := net.SplitHostPort(hostport); strings.HasSuffix(host, ".gatehouse.test") {
			hostport = addr
		}
		return d.DialContext(ctx, network, hostport)
	}}
}

// TestEmbeddedOutpostProxy runs the embedded outpost of a real core in
// reverse-proxy mode: an application's external host served by the core's
// own listener, sign-in through the core's flows, the identity headers at
// the upstream (never the client's spoofed ones, never a Gatehouse
// cookie), and a session ended in Gatehouse stopping at the outpost.
func TestEmbeddedOutpostProxy(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "ada", name: "Ada Lovelace", email: "ada@example.com"}, password: "Analytical-Engine-1843") { id } }`, nil, nil)

	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"path": r.URL.Path, "headers": r.Header})
	}))
	t.Cleanup(up.Close)

	coreAddr := strings.TrimPrefix(s.url, "http://")
	_, port, err := net.SplitHostPort(coreAddr)
	require.NoError(t, err)
	external := "http://app.gatehouse.test:" + port
	var flow struct{ CreateFlow struct{ ID string } }
	admin.must(`mutation { createFlow(input: {slug: "app-authz", name: "app-authz", title: "Authorize", designation: AUTHORIZATION}) { id } }`, nil, &flow)
	var pp struct{ CreateProxyProvider struct{ ID string } }
	admin.must(`mutation($f: ID!, $h: String!, $u: String!) { createProxyProvider(input: {name: "App", externalHost: $h, internalHost: $u, mode: PROXY, authorizationFlowID: $f, skipPathRegex: ["/public/.*"]}) { id } }`,
		map[string]any{"f": flow.CreateFlow.ID, "h": external, "u": up.URL}, &pp)
	admin.must(`mutation($p: ID!) { createApplication(input: {name: "App", slug: "app", providerID: $p}) { id } }`,
		map[string]any{"p": pp.CreateProxyProvider.ID}, nil)

	user := newAgent(t, s.browser())
	user.http.Transport = dialAt(coreAddr)
	type seen struct {
		Path    string
		Headers http.Header
	}
	read := func(body string) seen {
		var out seen
		require.NoError(t, json.Unmarshal([]byte(body), &out), body)
		return out
	}

	// The configuration reaches the embedded outpost through its
	// subscription; until then the host is the core's.
	require.Eventually(t, func() bool {
		r, _ := user.get(external + "/public/readme")
		return r.StatusCode == http.StatusOK
	}, 10*time.Second, 20*time.Millisecond, "a skip path is served anonymously once the outpost has its configuration")
	// The application's link arrives in a later configuration (until then
	// the provider serves no application: 403).
	var resp *http.Response
	require.Eventually(t, func() bool {
		resp, _ = user.get(external + "/private")
		return resp.StatusCode == http.StatusFound
	}, 10*time.Second, 20*time.Millisecond, "anonymous: sent to sign in")
	require.Contains(t, resp.Header.Get("Location"), "/outpost.gatehouse/start")

	req := external + "/private?x=1&y=2"
	resp, body := user.visit(req, "ada", "Analytical-Engine-1843")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	got := read(body)
	require.Equal(t, "/private", got.Path, "back where she started after signing in")
	require.Equal(t, "ada", got.Headers.Get("X-Gatehouse-Username"))
	require.Equal(t, "ada@example.com", got.Headers.Get("X-Gatehouse-Email"))
	require.Equal(t, "Ada Lovelace", got.Headers.Get("X-Gatehouse-Name"))
	require.NotEmpty(t, got.Headers.Get("X-Gatehouse-Uid"))

	// A spoofed identity header is replaced; no Gatehouse cookie goes up.
	r, err := http.NewRequestWithContext(t.Context(), http.MethodGet, external+"/private", nil)
	require.NoError(t, err)
	r.Header.Set("X-Gatehouse-Username", "admin")
	r.Header.Set("X-Gatehouse-Groups", "admins")
	presp, err := user.http.Do(r)
	require.NoError(t, err)
	raw, err := io.ReadAll(presp.Body)
	require.NoError(t, presp.Body.Close())
	require.NoError(t, err)
	got = read(string(raw))
	require.Equal(t, []string{"ada"}, got.Headers.Values("X-Gatehouse-Username"))
	require.NotEqual(t, "admins", got.Headers.Get("X-Gatehouse-Groups"))
	require.NotContains(t, got.Headers.Get("Cookie"), "gatehouse_", "the upstream never sees Gatehouse's cookies")

	// Logging out at Gatehouse ends access at the outpost within seconds.
	user.c.logout()
	require.Eventually(t, func() bool {
		resp, _ := user.get(external + "/private")
		return resp.StatusCode == http.StatusFound
	}, 10*time.Second, 50*time.Millisecond, "a session ended in Gatehouse stops working at the outpost")
}
