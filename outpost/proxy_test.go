package outpost

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReverseProxy(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	proxyURL := &url.URL{Scheme: "http", Host: "proxy.test"}

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, b.srv.URL+"/page?q=1", nil)
	require.NoError(t, err)
	req.Host = "proxy.test"
	resp, err := b.plain.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusFound, resp.StatusCode)
	require.Equal(t, "http://proxy.test"+PathStart+"?rd="+url.QueryEscape("http://proxy.test/page?q=1"), resp.Header.Get("Location"))
	require.Nil(t, b.upstream.lastRequest(), "nothing reached the upstream")

	require.Equal(t, "http://proxy.test/page?q=1", b.login(t, "proxy.test", "sid-p", "http://proxy.test/page?q=1"))
	b.jar.SetCookies(proxyURL, []*http.Cookie{
		{Name: "app_cookie", Value: "1"},
		{Name: CoreSessionCookie, Value: "core-session"},
		{Name: "gatehouse_proxy_0000", Value: "x"},
	})
	resp, body := b.get(t, "http://proxy.test/page?q=1", http.Header{
		"X-Gatehouse-Username": {"mallory"}, "X-Gatehouse-Groups": {"admins"}, "X-Gatehouse-Anything": {"x"},
		"x-gatehouse-uid": {"lowercase spoof"},
	})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "upstream /page", body)
	up := b.upstream.lastRequest()
	require.NotNil(t, up)
	require.Equal(t, "q=1", up.URL.RawQuery)
	require.Equal(t, "alice", up.Header.Get(HeaderUsername))
	require.Equal(t, []string{"admins|staff"}, up.Header.Values(HeaderGroups))
	require.Equal(t, []string{"uid-sid-p"}, up.Header.Values(HeaderUID))
	require.Empty(t, up.Header.Values("X-Gatehouse-Anything"))
	require.Equal(t, "app_cookie=1", up.Header.Get("Cookie"), "no Gatehouse cookie reaches the upstream")
	require.NotContains(t, up.Host, "proxy.test", "the upstream's own Host")
	require.Equal(t, "proxy.test", up.Header.Get("X-Forwarded-Host"))
	require.Equal(t, "http", up.Header.Get("X-Forwarded-Proto"))
	require.NotEmpty(t, up.Header.Get("X-Forwarded-For"))

	// A skip path is proxied without a login, but still without spoofed
	// identity headers or Gatehouse cookies.
	b2 := setup(t, setupOpts{})
	b2.jar.SetCookies(proxyURL, []*http.Cookie{{Name: CoreSessionCookie, Value: "core-session"}})
	cfg := *b2.core.cfg
	cfg.Providers = append([]Provider(nil), cfg.Providers...)
	for i := range cfg.Providers {
		if cfg.Providers[i].ID == provProxy {
			cfg.Providers[i].SkipPathRegex = []string{`/open/.*`}
		}
	}
	b2.outpost.Apply(&cfg)
	resp, _ = b2.get(t, "http://proxy.test/open/x", http.Header{"X-Gatehouse-Username": {"mallory"}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	up = b2.upstream.lastRequest()
	require.Empty(t, up.Header.Get(HeaderUsername))
	require.Empty(t, up.Header.Get("Cookie"))

	// Not the outpost's: other paths under the prefix, and forward-mode
	// hosts reached directly.
	resp, _ = b.get(t, "http://proxy.test"+PathPrefix+"nope", nil)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, _ = b.get(t, "http://app.test/x", nil)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
}

// Websocket upgrades pass through the reverse proxy.
func TestReverseProxyWebsocket(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.login(t, "proxy.test", "sid-w", "http://proxy.test/")
	// Replace the upstream with one that upgrades and echoes.
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "websocket" {
			http.Error(w, "no upgrade", http.StatusBadRequest)
			return
		}
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		_ = rw.Flush()
		line, _ := rw.ReadString('\n')
		_, _ = rw.WriteString("echo " + line)
		_ = rw.Flush()
	})
	b.upstream.mu.Lock()
	b.upstream.handler = echo
	b.upstream.mu.Unlock()

	conn, err := (&net.Dialer{}).DialContext(t.Context(), "tcp", b.srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "GET /ws HTTP/1.1\r\nHost: proxy.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nCookie: "+b.cookieHeader(t, "http://proxy.test/")+"\r\n\r\n")
	require.NoError(t, err)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)
	_, err = io.WriteString(conn, "hello\n")
	require.NoError(t, err)
	line, err := br.ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "echo hello", strings.TrimSpace(line))
}
