package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/config"
)

// TestStandaloneOutpost runs `gatehouse outpost` (runOutpost, what the
// command runs) on its own port against a core on another: the outpost
// reads its configuration with its token, signs a user in through the
// core, proxies to the upstream with her identity, and the embedded
// outpost leaves the provider assigned to it alone.
func TestStandaloneOutpost(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "linus", name: "Linus", email: "linus@example.com"}, password: "Minix-Is-Obsolete-1992") { id } }`, nil, nil)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"user": r.Header.Get("X-Gatehouse-Username")})
	}))
	t.Cleanup(up.Close)

	l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	outpostAddr := l.Addr().String()
	require.NoError(t, l.Close())
	_, port, err := net.SplitHostPort(outpostAddr)
	require.NoError(t, err)
	external := "http://dmz.gatehouse.test:" + port

	var flow struct{ CreateFlow struct{ ID string } }
	admin.must(`mutation { createFlow(input: {slug: "dmz-authz", name: "dmz-authz", title: "Authorize", designation: AUTHORIZATION}) { id } }`, nil, &flow)
	var pp struct{ CreateProxyProvider struct{ ID string } }
	admin.must(`mutation($f: ID!, $h: String!, $u: String!) { createProxyProvider(input: {name: "DMZ", externalHost: $h, internalHost: $u, mode: PROXY, authorizationFlowID: $f}) { id } }`,
		map[string]any{"f": flow.CreateFlow.ID, "h": external, "u": up.URL}, &pp)
	admin.must(`mutation($p: ID!) { createApplication(input: {name: "DMZ", slug: "dmz", providerID: $p}) { id } }`,
		map[string]any{"p": pp.CreateProxyProvider.ID}, nil)
	var created struct{ CreateOutpost struct{ Token string } }
	admin.must(`mutation($p: ID!) { createOutpost(input: {name: "dmz", type: PROXY, providerIDs: [$p]}) { token } }`,
		map[string]any{"p": pp.CreateProxyProvider.ID}, &created)

	cfg, err := config.Load(func(k string) string {
		return map[string]string{"GATEHOUSE_LISTEN": outpostAddr}[k]
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

	user := newAgent(t, s.browser())
	user.http.Transport = dialAt(outpostAddr)
	require.Eventually(t, func() bool {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+outpostAddr+outpostHealthPath, nil)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false // not listening yet
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 10*time.Second, 20*time.Millisecond, "the outpost gets its configuration from the core")

	resp, body := user.visit(external+"/reports", "linus", "Minix-Is-Obsolete-1992")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.JSONEq(t, `{"user":"linus"}`, body, "the upstream sees who signed in")

	// The core's own listener does not serve a provider another outpost has.
	core := &http.Client{Transport: dialAt(strings.TrimPrefix(s.url, "http://")), CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://dmz.gatehouse.test/reports", nil)
	require.NoError(t, err)
	cresp, err := core.Do(req)
	require.NoError(t, err)
	require.NoError(t, cresp.Body.Close())
	require.Equal(t, http.StatusNotFound, cresp.StatusCode, "the embedded outpost serves only providers no other outpost has")
}
