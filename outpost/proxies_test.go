package outpost

import (
	"context"
	"maps"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// throughProxy walks a browser through a real proxy at addr configured for
// app.test with the outpost of b: sign-in, identity headers, spoofing,
// cookie stripping, skip paths, denial and logout. startLocation is the
// Location the proxy answers a signed-out request with, for an rd.
func throughProxy(t *testing.T, b *testBundle, addr string, startLocation func(rd string) string) {
	t.Helper()
	// The browser reaches app.test at nginx.
	dialer := &net.Dialer{}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
		if strings.HasPrefix(a, "app.test:") {
			a = addr
		}
		return dialer.DialContext(ctx, network, a)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	appURL := &url.URL{Scheme: "http", Host: "app.test"}
	jar.SetCookies(appURL, []*http.Cookie{{Name: "app_cookie", Value: "1"}, {Name: CoreSessionCookie, Value: "core"}})
	issuerHost := strings.TrimPrefix(b.issuer.url(), "http://")
	browser := &http.Client{Transport: tr, Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Host == issuerHost || strings.HasPrefix(req.URL.Path, PathPrefix) {
			return nil
		}
		return http.ErrUseLastResponse
	}}
	get := func(c *http.Client, u string, h http.Header) *http.Response {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
		require.NoError(t, err)
		maps.Copy(req.Header, h)
		resp, err := c.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		return resp
	}

	// Anonymous: sent to sign in, and back to the URL with its whole query.
	b.core.set("sid-1", true, true)
	resp := get(browser, "http://app.test/private?a=1&b=2", nil)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	require.Equal(t, "http://app.test/private?a=1&b=2", resp.Header.Get("Location"))
	require.Nil(t, b.upstream.lastRequest())

	// Signed in: the upstream sees the identity, never spoofed headers or
	// Gatehouse's cookies.
	resp = get(browser, "http://app.test/private?a=1&b=2", http.Header{"X-Gatehouse-Username": {"mallory"}, "X-Gatehouse-Groups": {"admins"}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	up := b.upstream.lastRequest()
	require.Equal(t, "alice", up.Header.Get(HeaderUsername))
	require.Equal(t, []string{"admins|staff"}, up.Header.Values(HeaderGroups))
	require.Equal(t, "uid-sid-1", up.Header.Get(HeaderUID))
	require.Contains(t, up.Header.Get("Cookie"), "app_cookie=1")
	require.NotContains(t, up.Header.Get("Cookie"), "gatehouse_")

	// A skip path needs no login.
	anon := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp = get(anon, "http://app.test/public/x", http.Header{"X-Gatehouse-Username": {"mallory"}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Empty(t, b.upstream.lastRequest().Header.Get(HeaderUsername))
	resp = get(anon, "http://app.test/public/../private", nil)
	require.Equal(t, http.StatusFound, resp.StatusCode)

	// Denied by policy: 403; logged out: sent to sign in, cookie cleared.
	noFollow := &http.Client{Transport: tr, Jar: jar, CheckRedirect: anon.CheckRedirect}
	b.core.set("sid-1", true, false)
	require.NoError(t, b.outpost.sessions.recheck(t.Context()))
	require.Equal(t, http.StatusForbidden, get(noFollow, "http://app.test/private", nil).StatusCode)
	b.core.set("sid-1", false, false)
	require.NoError(t, b.outpost.sessions.recheck(t.Context()))
	resp = get(noFollow, "http://app.test/private?a=1&b=2", nil)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	require.Equal(t, startLocation("http://app.test/private?a=1&b=2"), resp.Header.Get("Location"))
	cleared := cookieNamed(resp.Cookies(), b.provider(t, provApp).cookieName)
	require.NotNil(t, cleared, "the proxy passes the cleared cookie on")
	require.Negative(t, cleared.MaxAge)
}

// startProxy runs the command cmdFor builds for a free port's address, in
// dir, until the test ends, and returns the address. A port taken between
// choosing and binding it is chosen again. The command's output and
// dir/error.log are logged when the test fails.
func startProxy(t *testing.T, dir string, cmdFor func(addr string) *exec.Cmd) string {
	t.Helper()
	for attempt := range 5 {
		l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		require.NoError(t, l.Close())

		cmd := cmdFor(addr)
		out, err := os.Create(filepath.Join(dir, "stderr"))
		require.NoError(t, err)
		cmd.Stdout, cmd.Stderr = out, out
		require.NoError(t, cmd.Start())
		exited := make(chan struct{})
		go func() {
			_ = cmd.Wait()
			close(exited)
		}()
		up := false
		require.Eventually(t, func() bool {
			select {
			case <-exited:
				return true
			default:
			}
			c, err := (&net.Dialer{}).DialContext(t.Context(), "tcp", addr)
			if err == nil {
				_ = c.Close()
				up = true
			}
			return up
		}, 20*time.Second, 10*time.Millisecond)
		select {
		case <-exited:
			up = false
		default:
		}
		if !up {
			_ = out.Close()
			stderr, _ := os.ReadFile(filepath.Join(dir, "stderr"))
			t.Logf("%s did not start (attempt %d); trying another port:\n%s", cmd.Path, attempt+1, stderr)
			continue
		}
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			<-exited
			_ = out.Close()
			if t.Failed() {
				log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
				stderr, _ := os.ReadFile(filepath.Join(dir, "stderr"))
				t.Logf("%s logs:\n%s\n%s", cmd.Path, log, stderr)
			}
		})
		return addr
	}
	t.Fatal("the proxy did not start")
	return ""
}
