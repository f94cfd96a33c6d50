package outpost

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

// Each proxy flavour's three answers: no session, signed in, denied.
func TestForwardAuth(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, path string
		signIn     int // the answer without a session
	}{
		{"nginx", PathAuthNginx, http.StatusUnauthorized},
		{"traefik", PathAuthTraefik, http.StatusFound},
		{"caddy", PathAuthCaddy, http.StatusFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, setupOpts{})
			orig := "http://app.test/private/page?x=1&y=%2F"
			start := "http://app.test" + PathStart + "?rd=" + url.QueryEscape(orig)

			resp := b.forward(t, tt.path, orig, nil)
			require.Equal(t, tt.signIn, resp.StatusCode)
			if tt.signIn == http.StatusFound {
				require.Equal(t, start, resp.Header.Get("Location"))
			}
			require.Empty(t, resp.Header.Get(HeaderUsername))

			require.Equal(t, orig, b.login(t, "app.test", "sid-"+tt.name, orig))
			resp = b.forward(t, tt.path, orig, nil)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			require.Equal(t, "alice", resp.Header.Get(HeaderUsername))
			require.Equal(t, "alice@example.com", resp.Header.Get(HeaderEmail))
			require.Equal(t, "Alice Liddell", resp.Header.Get(HeaderName))
			require.Equal(t, "admins|staff", resp.Header.Get(HeaderGroups))
			require.Equal(t, "uid-sid-"+tt.name, resp.Header.Get(HeaderUID))
			require.Empty(t, resp.Header.Get("Authorization"), "neither basic auth nor the access token is asked for")

			b.core.set("sid-"+tt.name, true, false) // the application's policies now deny
			require.NoError(t, b.outpost.sessions.recheck(t.Context()))
			resp = b.forward(t, tt.path, orig, nil)
			require.Equal(t, http.StatusForbidden, resp.StatusCode)
			require.Empty(t, resp.Header.Get(HeaderUsername))

			b.core.set("sid-"+tt.name, false, false) // logged out at Gatehouse
			require.NoError(t, b.outpost.sessions.recheck(t.Context()))
			resp = b.forward(t, tt.path, orig, nil)
			require.Equal(t, tt.signIn, resp.StatusCode)
			cleared := cookieNamed(resp.Cookies(), b.provider(t, provApp).cookieName)
			require.NotNil(t, cleared, "the dead session's cookie is cleared")
			require.Negative(t, cleared.MaxAge)
		})
	}
}

func TestForwardAuthBasicAuth(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.login(t, "basic.test", "sid-basic", "http://basic.test/")
	resp := b.forward(t, PathAuthNginx, "http://basic.test/", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "Basic "+base64.StdEncoding.EncodeToString([]byte("alice-basic:s3cret")), resp.Header.Get("Authorization"))
}

// Forwarded headers count only from a trusted proxy; otherwise the
// request's own host and URI are what is checked.
func TestForwardedHeadersTrust(t *testing.T) {
	t.Parallel()
	t.Run("Untrusted", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{untrusted: true})
		// The claimed original URL is ignored: the outpost's own host
		// (127.0.0.1:port) serves no application.
		resp := b.forward(t, PathAuthNginx, "http://app.test/private", nil)
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		resp = b.forward(t, PathAuthTraefik, "http://app.test/private", nil)
		require.Equal(t, http.StatusForbidden, resp.StatusCode)

		// With the request's own Host, the check is about that host, and
		// a claimed skip path does not help.
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, b.srv.URL+PathAuthTraefik, nil)
		require.NoError(t, err)
		req.Host = "app.test"
		req.Header.Set("X-Forwarded-Host", "app.test")
		req.Header.Set("X-Forwarded-Uri", "/public/x")
		resp, err = b.plain.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusFound, resp.StatusCode)
		require.Equal(t, "http://app.test"+PathStart+"?rd="+url.QueryEscape("http://app.test"+PathAuthTraefik), resp.Header.Get("Location"))
	})
	t.Run("Trusted", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		resp := b.forward(t, PathAuthTraefik, "http://app.test/public/x", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, "the forwarded URI is a skip path")
	})
}

// The original URL never leads the browser off the provider's hosts.
func TestOpenRedirect(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})

	// A foreign original URL is not a provider's: 403, no sign-in offered.
	resp := b.forward(t, PathAuthNginx, "http://evil.test/x", nil)
	require.Equal(t, http.StatusForbidden, resp.StatusCode)

	// A protocol-relative X-Forwarded-Uri stays a path on app.test.
	resp = b.forward(t, PathAuthTraefik, "http://app.test/", http.Header{"X-Forwarded-Uri": {"//evil.test/x"}})
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	rd := loc.Query().Get("rd")
	require.Equal(t, "http://app.test//evil.test/x", rd)
	back, err := url.Parse(b.login(t, "app.test", "sid-1", rd))
	require.NoError(t, err)
	require.Equal(t, "app.test", back.Host)

	// rd itself is checked at sign-in.
	for _, bad := range []string{
		"https://evil.test/", "//evil.test/", "http://app.test.evil.test/", "javascript:alert(1)",
		"http://app.test@evil.test/", "/relative", "http:\\\\evil.test", "http://evil.test\\@app.test/",
	} {
		require.Equal(t, "http://app.test/", b.login(t, "app.test", "sid-2", bad), bad)
	}
}

func TestSafeRedirect(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	app, domain := b.provider(t, provApp), b.provider(t, provDomain)
	for _, tt := range []struct {
		p        *provider
		rd, want string
	}{
		{app, "http://app.test/x?y=1", "http://app.test/x?y=1"},
		{app, "https://APP.test:8443/x", "https://APP.test:8443/x"},
		{app, "", "http://app.test/"},
		{app, "http://other.test:8080/", "http://app.test/"},
		{app, "ftp://app.test/", "http://app.test/"},
		{app, "http://app.test\r\nX: y/", "http://app.test/"},
		{domain, "http://b.example.test/x", "http://b.example.test/x"},
		{domain, "http://example.test/", "http://example.test/"},
		{domain, "http://badexample.test/", "http://auth.example.test/"},
		{domain, "http://example.test.evil.test/", "http://auth.example.test/"},
	} {
		require.Equal(t, tt.want, tt.p.safeRedirect(tt.rd), tt.rd)
	}
}

// A session cookie of one provider is worthless at another, and at
// another outpost.
func TestCookieBoundToProvider(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.login(t, "app.test", "sid-a", "http://app.test/")
	app, other := b.provider(t, provApp), b.provider(t, provOther)
	c := cookieNamed(b.jar.Cookies(&url.URL{Scheme: "http", Host: "app.test"}), app.cookieName)
	require.NotNil(t, c)

	resp := b.forward(t, PathAuthNginx, "http://other.test:8080/", http.Header{"Cookie": {other.cookieName + "=" + c.Value}})
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	var sc sessionCookie
	require.ErrorIs(t, other.sessionBox.open(other.cookieName, c.Value, &sc), errOpen)
	require.ErrorIs(t, other.sessionBox.open(app.cookieName, c.Value, &sc), errOpen)

	elsewhere, err := newBox("another outpost's secret", "gatehouse outpost session v1", provApp)
	require.NoError(t, err)
	require.ErrorIs(t, elsewhere.open(app.cookieName, c.Value, &sc), errOpen)
}

func TestSkipPaths(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	app := b.provider(t, provApp) // skips /public/.* and /health
	require.False(t, app.skips("/public/%zz"), "a path that does not decode never skips")
	for path, want := range map[string]bool{
		"/public/x":              true,
		"/public/a/b?c":          true,
		"/health":                true,
		"/public/../admin":       false,
		"/public%2F..%2Fadmin":   false,
		"/public/%2e%2e/admin":   false,
		"/public/%2E%2E%2Fadmin": false,
		"//admin":                false,
		"/PUBLIC/x":              false,
		"/healthz":               false,
		"/x/health":              false,
		"/public":                false,
		"/public/x%00":           false,
	} {
		u, err := url.Parse("http://app.test" + path)
		require.NoError(t, err, path)
		require.Equal(t, want, app.skips(u.EscapedPath()), path)

		resp := b.forward(t, PathAuthNginx, "http://app.test"+path, nil)
		if want {
			require.Equal(t, http.StatusOK, resp.StatusCode, path)
			require.Empty(t, resp.Header.Get(HeaderUsername))
		} else {
			require.Equal(t, http.StatusUnauthorized, resp.StatusCode, path)
		}
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	require.True(t, b.outpost.Ready())
	for host, want := range map[string]bool{
		"app.test": true, "APP.TEST:443": true, "other.test": true, "auth.example.test": true,
		"b.example.test": false, "example.test": false, "badexample.test": false, "evil.test": false, "": false,
	} {
		require.Equal(t, want, b.outpost.Handles(host), host)
	}

	// A regex that does not compile leaves the provider served, without
	// skip paths; a change applies at once.
	cfg := *b.core.cfg
	cfg.Providers = append([]Provider(nil), cfg.Providers...)
	cfg.Providers[0].SkipPathRegex = []string{`/public/.*`, `(`}
	cfg.Providers = append(cfg.Providers, Provider{ID: "new", ExternalHost: "https://new.test", ApplicationSlug: "x"})
	b.outpost.Apply(&cfg)
	require.True(t, b.outpost.Handles("new.test"))
	resp := b.forward(t, PathAuthNginx, "http://app.test/public/x", nil)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	o, err := New(Options{Core: b.core})
	require.NoError(t, err)
	require.False(t, o.Ready())
	require.False(t, o.Handles("app.test"))
	_, err = New(Options{})
	require.Error(t, err)
}

func TestStartRedirect(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"rd=" + url.QueryEscape("http://app.test/x?a=1&b=2"): "http://app.test/x?a=1&b=2",
		"rd=HTTPS%3A%2F%2Fapp.test%2F":                       "HTTPS://app.test/",
		"rd=http://app.test/x?a=1&b=2":                       "http://app.test/x?a=1&b=2", // nginx, unescaped
		"x=1&rd=" + url.QueryEscape("http://app.test/"):      "http://app.test/",
		"rd=http%3A%zz": "",
		"":              "",
	} {
		require.Equal(t, want, startRedirect(raw), raw)
	}
}
