package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/config"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

// upstreamSeen is what the tiny upstream behind nginx reports of a request.
type upstreamSeen struct {
	Path    string
	Query   string
	Headers http.Header
}

// TestOutpostBehindNginx runs README.md's nginx configuration, as written,
// in a real nginx whose auth_request goes to a real core: to the embedded
// outpost on the core's own listener, and to a standalone `gatehouse
// outpost` on another port. A user signs in through the core's flows; the
// upstream sees her identity and never a spoofed one or a Gatehouse
// cookie; a user the application's policy denies gets 403 at sign-in, and
// a signed-in one within seconds of the policy change; a new skip path
// applies without a restart; logging out at Gatehouse ends access.
func TestOutpostBehindNginx(t *testing.T) {
	t.Parallel()
	for _, standalone := range []bool{false, true} {
		name := "embedded"
		if standalone {
			name = "standalone"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			nginxScenario(t, standalone)
		})
	}
}

func nginxScenario(t *testing.T, standalone bool) {
	env := newServerEnv(t, "embedded")
	// nginx reaches Gatehouse from 127.0.0.1: its X-Original-URL is believed.
	env["GATEHOUSE_TRUSTED_PROXIES"] = "127.0.0.1/32"
	s := newTestServer(t, env)
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	var ada, bob struct{ CreateUser struct{ ID string } }
	admin.must(`mutation { createUser(input: {username: "ada", name: "Ada Lovelace", email: "ada@example.com"}, password: "Analytical-Engine-1843") { id } }`, nil, &ada)
	admin.must(`mutation { createUser(input: {username: "bob", email: "bob@example.com"}, password: "Not-On-The-List-1") { id } }`, nil, &bob)
	var staff struct{ CreateGroup struct{ ID string } }
	admin.must(`mutation($u: ID!) { createGroup(input: {name: "staff", userIDs: [$u]}) { id } }`, map[string]any{"u": ada.CreateUser.ID}, &staff)

	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(upstreamSeen{Path: r.URL.Path, Query: r.URL.RawQuery, Headers: r.Header})
	}))
	t.Cleanup(up.Close)

	// Where nginx sends the outpost's paths: the core itself, or the
	// standalone outpost's port.
	coreAddr := strings.TrimPrefix(s.url, "http://")
	outpostAddr := coreAddr
	if standalone {
		l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
		require.NoError(t, err)
		outpostAddr = l.Addr().String()
		require.NoError(t, l.Close())
	}
	snippet := strings.NewReplacer(
		"listen 80;", "listen {{LISTEN}};",
		"app.example.com", "app.gatehouse.test",
		"http://gatehouse.example.internal:9000", "http://"+outpostAddr,
		"http://127.0.0.1:3000", up.URL,
	).Replace(servicetest.DocBlock(t, "README.md", "nginx"))
	ngx := servicetest.StartNginx(t, snippet)
	_, port, err := net.SplitHostPort(ngx.Addr)
	require.NoError(t, err)
	external := "http://app.gatehouse.test:" + port

	var flow struct{ CreateFlow struct{ ID string } }
	admin.must(`mutation { createFlow(input: {slug: "app-authz", name: "app-authz", title: "Authorize", designation: AUTHORIZATION}) { id } }`, nil, &flow)
	var pp struct{ CreateProxyProvider struct{ ID string } }
	admin.must(`mutation($f: ID!, $h: String!) { createProxyProvider(input: {name: "App", externalHost: $h, mode: FORWARD_SINGLE, authorizationFlowID: $f}) { id } }`,
		map[string]any{"f": flow.CreateFlow.ID, "h": external}, &pp)
	var app struct{ CreateApplication struct{ ID string } }
	admin.must(`mutation($p: ID!) { createApplication(input: {name: "App", slug: "app", providerID: $p}) { id } }`,
		map[string]any{"p": pp.CreateProxyProvider.ID}, &app)
	admin.must(`mutation($a: ID!, $g: ID!) { createPolicyBinding(input: {applicationID: $a, groupID: $g}) { id } }`,
		map[string]any{"a": app.CreateApplication.ID, "g": staff.CreateGroup.ID}, nil)
	if standalone {
		startStandaloneOutpost(t, s, admin, outpostAddr, pp.CreateProxyProvider.ID)
	}

	// Browsers reach app.gatehouse.test at nginx, the core at its address.
	browse := func() *agent {
		a := newAgent(t, s.browser())
		a.http.Transport = dialAt(ngx.Addr)
		return a
	}
	user := browse()
	appURL, err := url.Parse(external)
	require.NoError(t, err)
	user.http.Jar.SetCookies(appURL, []*http.Cookie{{Name: "app_cookie", Value: "kept"}})
	read := func(body string) upstreamSeen {
		t.Helper()
		var out upstreamSeen
		require.NoError(t, json.Unmarshal([]byte(body), &out), body)
		return out
	}
	fetch := func(a *agent, path string, h http.Header) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, external+path, nil)
		require.NoError(t, err)
		maps.Copy(req.Header, h)
		resp, err := a.http.Do(req)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, resp.Body.Close())
		require.NoError(t, err)
		return resp, string(body)
	}
	spoofed := http.Header{"X-Gatehouse-Username": {"admin"}, "X-Gatehouse-Groups": {"admins"}, "X-Gatehouse-Uid": {"1"}}

	// Anonymous (once the outpost has the configuration, through its
	// subscription): sent to sign in, with the whole original URL, and a
	// spoofed identity changes nothing.
	var resp *http.Response
	require.Eventually(t, func() bool {
		resp, _ = fetch(user, "/private?x=1&y=2", spoofed)
		return resp.StatusCode == http.StatusFound
	}, 10*time.Second, 20*time.Millisecond, "anonymous: sent to sign in")
	require.Equal(t, "/outpost.gatehouse/start?rd="+external+"/private?x=1&y=2", resp.Header.Get("Location"))

	// Signing in through the core's flows lands where she started, and the
	// upstream sees who she is.
	resp, body := user.visit(external+"/private?x=1&y=2", "ada", "Analytical-Engine-1843")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	got := read(body)
	require.Equal(t, "/private", got.Path)
	require.Equal(t, "x=1&y=2", got.Query)
	require.Equal(t, "ada", got.Headers.Get("X-Gatehouse-Username"))
	require.Equal(t, "ada@example.com", got.Headers.Get("X-Gatehouse-Email"))
	require.Equal(t, "Ada Lovelace", got.Headers.Get("X-Gatehouse-Name"))
	require.Equal(t, "staff", got.Headers.Get("X-Gatehouse-Groups"))
	require.NotEmpty(t, got.Headers.Get("X-Gatehouse-Uid"))

	// Spoofed identity headers are replaced; the application's own cookie
	// goes up, Gatehouse's never.
	resp, body = fetch(user, "/private", spoofed)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	got = read(body)
	require.Equal(t, []string{"ada"}, got.Headers.Values("X-Gatehouse-Username"))
	require.Equal(t, []string{"staff"}, got.Headers.Values("X-Gatehouse-Groups"))
	require.NotEqual(t, "1", got.Headers.Get("X-Gatehouse-Uid"))
	require.Contains(t, got.Headers.Get("Cookie"), "app_cookie=kept")
	require.NotContains(t, got.Headers.Get("Cookie"), "gatehouse_", "the upstream never sees Gatehouse's cookies")

	// A user the application's policy denies is refused at sign-in.
	resp, body = browse().visit(external+"/private", "bob", "Not-On-The-List-1")
	require.Equal(t, http.StatusForbidden, resp.StatusCode, body)
	require.Contains(t, body, "not allowed to use App")

	// A new skip path applies without a restart.
	resp, _ = fetch(browse(), "/public/readme", nil)
	require.Equal(t, http.StatusFound, resp.StatusCode, "not a skip path yet")
	admin.must(`mutation($id: ID!) { updateProxyProvider(id: $id, input: {skipPathRegex: ["/public/.*"]}) { id } }`,
		map[string]any{"id": pp.CreateProxyProvider.ID}, nil)
	require.Eventually(t, func() bool {
		resp, _ = fetch(browse(), "/public/readme", nil)
		return resp.StatusCode == http.StatusOK
	}, 10*time.Second, 50*time.Millisecond, "a new skip path is served anonymously within 10 s")
	resp, _ = fetch(browse(), "/public/../private", nil)
	require.Equal(t, http.StatusFound, resp.StatusCode, "a skip path is not a way around sign-in")

	// A policy change reaches a signed-in user within seconds, both ways.
	setStaff := func(op string) {
		admin.must(`mutation($g: ID!, $u: ID!) { updateGroup(id: $g, input: {`+op+`: [$u]}) { id } }`,
			map[string]any{"g": staff.CreateGroup.ID, "u": ada.CreateUser.ID}, nil)
	}
	setStaff("removeUserIDs")
	require.Eventually(t, func() bool {
		resp, _ = fetch(user, "/private", nil)
		return resp.StatusCode == http.StatusForbidden
	}, 10*time.Second, 50*time.Millisecond, "a user the policy now denies gets 403 within 10 s")
	setStaff("addUserIDs")
	require.Eventually(t, func() bool {
		resp, _ = fetch(user, "/private", nil)
		return resp.StatusCode == http.StatusOK
	}, 10*time.Second, 50*time.Millisecond, "allowed again within 10 s")

	// Logging out at Gatehouse ends access at the application.
	user.c.logout()
	require.Eventually(t, func() bool {
		resp, _ = fetch(user, "/private", nil)
		return resp.StatusCode == http.StatusFound
	}, 10*time.Second, 50*time.Millisecond, "a session ended in Gatehouse stops working within 10 s")
}

// startStandaloneOutpost creates an outpost serving provider and runs
// `gatehouse outpost` for it at addr until the test ends, trusting
// 127.0.0.1 as its proxy.
func startStandaloneOutpost(t *testing.T, s *testServer, admin *client, addr, provider string) {
	t.Helper()
	var created struct{ CreateOutpost struct{ Token string } }
	admin.must(`mutation($p: ID!) { createOutpost(input: {name: "behind-nginx", type: PROXY, providerIDs: [$p]}) { token } }`,
		map[string]any{"p": provider}, &created)
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"GATEHOUSE_LISTEN": addr, "GATEHOUSE_TRUSTED_PROXIES": "127.0.0.1/32"}[k]
	})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- runOutpost(ctx, outpostArgs{core: s.url, token: created.CreateOutpost.Token}, cfg, slog.New(slog.DiscardHandler), io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done, "the outpost stops cleanly")
	})
}
