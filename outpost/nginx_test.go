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

// TestNginxSnippet runs docs/outpost.md's nginx configuration, as written,
// in a real nginx in front of the outpost and a tiny upstream.
func TestNginxSnippet(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		bin = "/usr/sbin/nginx"
		if _, err := os.Stat(bin); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("nginx is not installed")
			}
			t.Skip("nginx is not installed")
		}
	}
	b := setup(t, setupOpts{})
	doc, err := os.ReadFile("../docs/outpost.md")
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(doc), "```nginx\n")
	require.True(t, ok)
	snippet, _, ok := strings.Cut(rest, "```")
	require.True(t, ok)

	dir := t.TempDir()
	addr := startNginx(t, bin, dir, strings.NewReplacer(
		"app.example.com", "app.test",
		"http://gatehouse.example.internal:9000", b.srv.URL,
		"http://127.0.0.1:3000", b.upstreamURL,
	).Replace(snippet))

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
	require.Equal(t, PathStart+"?rd=http://app.test/private?a=1&b=2", resp.Header.Get("Location"))
	cleared := cookieNamed(resp.Cookies(), b.provider(t, provApp).cookieName)
	require.NotNil(t, cleared, "nginx passes the cleared cookie on")
	require.Negative(t, cleared.MaxAge)
}

// startNginx runs nginx with snippet (its "listen 80;" moved to a free
// port) in dir until the test ends, and returns its address. A port taken
// between choosing and binding it is chosen again.
func startNginx(t *testing.T, bin, dir, snippet string) string {
	t.Helper()
	for attempt := range 5 {
		l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		require.NoError(t, l.Close())

		var conf strings.Builder
		conf.WriteString("daemon off;\nmaster_process off;\npid " + filepath.Join(dir, "nginx.pid") + ";\n" +
			"error_log " + filepath.Join(dir, "error.log") + " warn;\nevents { worker_connections 64; }\nhttp {\n" +
			"access_log off;\n")
		for _, tmp := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
			conf.WriteString(tmp + "_temp_path " + filepath.Join(dir, tmp) + ";\n")
		}
		conf.WriteString(strings.Replace(snippet, "listen 80;", "listen "+addr+";", 1) + "}\n")
		confPath := filepath.Join(dir, "nginx.conf")
		require.NoError(t, os.WriteFile(confPath, []byte(conf.String()), 0o600))
		cmd := exec.CommandContext(context.Background(), bin, "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", confPath)
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
		}, 10*time.Second, 10*time.Millisecond)
		select {
		case <-exited:
			up = false
		default:
		}
		if !up {
			_ = out.Close()
			t.Logf("nginx did not start (attempt %d); trying another port", attempt+1)
			continue
		}
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			<-exited
			_ = out.Close()
			if t.Failed() {
				log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
				stderr, _ := os.ReadFile(filepath.Join(dir, "stderr"))
				t.Logf("nginx error log:\n%s\n%s", log, stderr)
			}
		})
		return addr
	}
	t.Fatal("nginx did not start")
	return ""
}
