package outpost

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestSignIn(t *testing.T) {
	t.Parallel()
	t.Run("CookieAttributes", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		// Walk the redirects by hand to see the callback's Set-Cookie.
		b.browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, _ := b.get(t, "http://app.test"+PathStart+"?rd="+url.QueryEscape("http://app.test/x"), nil)
		require.Equal(t, http.StatusFound, resp.StatusCode)
		app := b.provider(t, provApp)
		authz, err := url.Parse(resp.Header.Get("Location"))
		require.NoError(t, err)
		flow := cookieNamed(resp.Cookies(), app.flowCookieName(authz.Query().Get("state")))
		require.NotNil(t, flow)
		require.True(t, flow.HttpOnly)
		require.Equal(t, PathPrefix, flow.Path)
		require.Equal(t, 600, flow.MaxAge)
		require.Equal(t, "S256", authz.Query().Get("code_challenge_method"))
		require.Equal(t, "http://app.test"+PathCallback, authz.Query().Get("redirect_uri"))

		b.core.set("sid-1", true, true)
		resp, _ = b.get(t, authz.String(), nil) // the issuer signs in at once
		require.Equal(t, http.StatusFound, resp.StatusCode)
		resp, _ = b.get(t, resp.Header.Get("Location"), nil) // the callback
		require.Equal(t, http.StatusFound, resp.StatusCode)
		require.Equal(t, "http://app.test/x", resp.Header.Get("Location"))
		c := cookieNamed(resp.Cookies(), app.cookieName)
		require.NotNil(t, c)
		require.True(t, c.HttpOnly)
		require.False(t, c.Secure, "app.test is plain http")
		require.Equal(t, http.SameSiteLaxMode, c.SameSite)
		require.Equal(t, "/", c.Path)
		require.Empty(t, c.Domain, "host-only")
		require.Less(t, len(c.String()), 4096)
	})
	t.Run("PolicyDenies", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		b.core.set("sid-1", true, false)
		resp, body := b.get(t, "http://app.test"+PathStart, nil)
		require.Equal(t, http.StatusForbidden, resp.StatusCode, body)
		require.Empty(t, b.jar.Cookies(&url.URL{Scheme: "http", Host: "app.test"}))
	})
	t.Run("SessionInactive", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		resp, _ := b.get(t, "http://app.test"+PathStart, nil) // sid-1 unknown to the core
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
	})
	t.Run("NoSID", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		b.issuer.noSID = true
		b.core.set("sid-1", true, true)
		resp, _ := b.get(t, "http://app.test"+PathStart, nil)
		require.Equal(t, http.StatusBadGateway, resp.StatusCode)
	})
	t.Run("StateMismatch", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		resp, _ := b.get(t, "http://app.test"+PathCallback+"?code=x&state=y", nil)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	})
	t.Run("CoreDown", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		b.core.setFail(true)
		resp, _ := b.get(t, "http://app.test"+PathStart, nil)
		require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	})
	t.Run("UnknownHost", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		resp, _ := b.get(t, "http://evil.test"+PathStart, nil)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}

// forward_domain: sign in once at the external host, then every host
// under the cookie domain.
func TestForwardDomain(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	domain := b.provider(t, provDomain)

	resp := b.forward(t, PathAuthCaddy, "http://b.example.test/x", nil)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	require.Equal(t, "http://auth.example.test"+PathStart+"?rd="+url.QueryEscape("http://b.example.test/x"), resp.Header.Get("Location"))

	// nginx sends the browser to start on the sibling host itself; start
	// moves it to the external host.
	b.browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, _ = b.get(t, "http://c.example.test"+PathStart+"?rd="+url.QueryEscape("http://c.example.test/y"), nil)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	require.Equal(t, "http://auth.example.test"+PathStart+"?rd="+url.QueryEscape("http://c.example.test/y"), resp.Header.Get("Location"))

	b2 := setup(t, setupOpts{})
	require.Equal(t, "http://b.example.test/x", b2.login(t, "auth.example.test", "sid-d", "http://b.example.test/x"))
	c := cookieNamed(b2.jar.Cookies(&url.URL{Scheme: "http", Host: "c.example.test"}), b2.provider(t, provDomain).cookieName)
	require.NotNil(t, c, "the cookie is scoped to the domain")
	for _, host := range []string{"b.example.test", "c.example.test", "auth.example.test"} {
		resp = b2.forward(t, PathAuthTraefik, "http://"+host+"/x", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, host)
		require.Equal(t, "alice", resp.Header.Get(HeaderUsername))
	}
	require.Equal(t, "example.test", domain.domain)
}

func TestRefresh(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.issuer.expiresIn = 60
	b.login(t, "token.test", "sid-t", "http://token.test/")
	tok := b.provider(t, provToken)

	resp := b.forward(t, PathAuthNginx, "http://token.test/", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	first := resp.Header.Get("Authorization")
	require.True(t, strings.HasPrefix(first, "Bearer ey"))
	require.Nil(t, cookieNamed(resp.Cookies(), tok.cookieName), "nothing to rewrite")

	b.clock.advance(2 * time.Minute) // the access token ran out
	resp = b.forward(t, PathAuthNginx, "http://token.test/", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	second := resp.Header.Get("Authorization")
	require.True(t, strings.HasPrefix(second, "Bearer ey"))
	require.NotEqual(t, first, second)
	require.Equal(t, int64(1), b.issuer.refreshCalls.Load())
	rewritten := cookieNamed(resp.Cookies(), tok.cookieName)
	require.NotNil(t, rewritten)
	t.Logf("session cookie with a JWT access token: %d bytes", len(rewritten.String()))
	require.Less(t, len(rewritten.String()), 4096, "a session cookie with a JWT access token fits")
	b.jar.SetCookies(&url.URL{Scheme: "http", Host: "token.test"}, []*http.Cookie{rewritten})

	resp = b.forward(t, PathAuthNginx, "http://token.test/", nil)
	require.Equal(t, second, resp.Header.Get("Authorization"))
	require.Equal(t, int64(1), b.issuer.refreshCalls.Load(), "the new token is used until it runs out")

	// A refresh the core refuses means signing in again.
	b.issuer.mu.Lock()
	clear(b.issuer.refreshes)
	b.issuer.mu.Unlock()
	b.clock.advance(2 * time.Minute)
	resp = b.forward(t, PathAuthNginx, "http://token.test/", nil)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

func TestSignOut(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.login(t, "app.test", "sid-1", "http://app.test/")
	require.Equal(t, http.StatusOK, b.forward(t, PathAuthNginx, "http://app.test/", nil).StatusCode)

	b.browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, _ := b.get(t, "http://app.test"+PathSignOut, nil)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	require.Equal(t, b.issuer.url()+"/end_session", resp.Header.Get("Location"))
	require.Empty(t, b.jar.Cookies(&url.URL{Scheme: "http", Host: "app.test"}))
	b.outpost.sessions.mu.RLock()
	require.Empty(t, b.outpost.sessions.entries)
	b.outpost.sessions.mu.RUnlock()
}

// A session ended or denied at Gatehouse stops working within the check
// interval, through Run's checker; configuration changes apply through
// Watch.
func TestRunEnforcesChanges(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{checkInterval: 20 * time.Millisecond})
	b.run(t)
	b.login(t, "app.test", "sid-1", "http://app.test/")
	require.Equal(t, http.StatusOK, b.forward(t, PathAuthNginx, "http://app.test/", nil).StatusCode)

	b.core.set("sid-1", true, false)
	require.Eventually(t, func() bool {
		return b.forward(t, PathAuthNginx, "http://app.test/", nil).StatusCode == http.StatusForbidden
	}, 5*time.Second, 10*time.Millisecond)

	b.core.set("sid-1", false, false)
	require.Eventually(t, func() bool {
		return b.forward(t, PathAuthNginx, "http://app.test/", nil).StatusCode == http.StatusUnauthorized
	}, 5*time.Second, 10*time.Millisecond)

	cfg := *b.core.cfg
	cfg.Providers = append([]Provider{{ID: "later", ExternalHost: "http://later.test", ApplicationSlug: "x"}}, cfg.Providers...)
	b.core.changes <- &cfg
	require.Eventually(t, func() bool { return b.outpost.Handles("later.test") }, 5*time.Second, 10*time.Millisecond)
}

// A sid this process has not seen (another replica signed it in) is
// checked once, however many requests bring it at the same time.
func TestMissedSIDCheckedOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.login(t, "app.test", "sid-1", "http://app.test/")

	// A second replica: same configuration and core, empty cache.
	replica, err := New(Options{Core: b.core, TrustedProxies: b.outpost.trusted, CheckInterval: time.Minute})
	require.NoError(t, err)
	replica.Apply(b.core.cfg)
	b.outpost = replica
	b.entered = &countingHandler{h: replica}
	b.srv = httptest.NewServer(b.entered)
	t.Cleanup(b.srv.Close)

	gate := make(chan struct{})
	b.core.mu.Lock()
	b.core.gate = gate
	b.core.mu.Unlock()
	before := b.core.calls.Load()
	entered := b.entered.count()

	const n = 20
	var wg sync.WaitGroup
	codes := make(chan int, n)
	for range n {
		wg.Go(func() { codes <- b.forward(t, PathAuthNginx, "http://app.test/", nil).StatusCode })
	}
	require.Eventually(t, func() bool { return b.entered.count() == entered+n }, 5*time.Second, time.Millisecond)
	close(gate)
	wg.Wait()
	close(codes)
	for c := range codes {
		require.Equal(t, http.StatusOK, c)
	}
	require.Equal(t, before+1, b.core.calls.Load())
}

// When the core cannot be reached, a cached answer is trusted for three
// check intervals, then the outpost fails closed.
func TestCoreUnreachable(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.login(t, "app.test", "sid-1", "http://app.test/")
	b.login(t, "proxy.test", "sid-1", "http://proxy.test/")
	b.core.setFail(true)
	require.Equal(t, http.StatusOK, b.forward(t, PathAuthNginx, "http://app.test/", nil).StatusCode)

	b.clock.advance(3*time.Minute + time.Second) // three intervals of one minute
	calls := b.core.calls.Load()
	require.Equal(t, http.StatusUnauthorized, b.forward(t, PathAuthNginx, "http://app.test/", nil).StatusCode)
	require.Equal(t, calls+1, b.core.calls.Load())
	require.Equal(t, http.StatusFound, b.forward(t, PathAuthTraefik, "http://app.test/", nil).StatusCode)
	require.Equal(t, calls+1, b.core.calls.Load(), "a core that just failed is not asked again at once")
	resp, body := b.get(t, "http://proxy.test/x", nil)
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	require.Contains(t, body, "cannot be reached")

	b.core.setFail(false)
	b.clock.advance(failureMemory)
	require.Equal(t, http.StatusOK, b.forward(t, PathAuthNginx, "http://app.test/", nil).StatusCode, "the cookie was kept")
}

// A browser's parallel requests with one expired access token refresh it
// once: the core rotates refresh tokens, so a second refresh with the old
// one would fail and sign the user out.
func TestRefreshConcurrent(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.issuer.expiresIn = 60
	b.login(t, "token.test", "sid-t", "http://token.test/")
	b.clock.advance(2 * time.Minute)

	const n = 10
	var wg sync.WaitGroup
	auths := make(chan string, n)
	for range n {
		wg.Go(func() {
			resp := b.forward(t, PathAuthNginx, "http://token.test/", nil)
			if resp.StatusCode == http.StatusOK {
				auths <- resp.Header.Get("Authorization")
			} else {
				auths <- resp.Status
			}
		})
	}
	wg.Wait()
	close(auths)
	var first string
	for a := range auths {
		require.True(t, strings.HasPrefix(a, "Bearer "), a)
		if first == "" {
			first = a
		}
		require.Equal(t, first, a)
	}
	require.Equal(t, int64(1), b.issuer.refreshCalls.Load())
}

// Sign-ins started in parallel (several tabs) all complete.
func TestSignInParallelTabs(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.core.set("sid-1", true, true)
	b.browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	var callbacks []string
	for _, path := range []string{"/one", "/two"} {
		resp, _ := b.get(t, "http://app.test"+PathStart+"?rd="+url.QueryEscape("http://app.test"+path), nil)
		require.Equal(t, http.StatusFound, resp.StatusCode)
		resp, _ = b.get(t, resp.Header.Get("Location"), nil) // the issuer
		require.Equal(t, http.StatusFound, resp.StatusCode)
		callbacks = append(callbacks, resp.Header.Get("Location"))
	}
	for i, want := range []string{"http://app.test/two", "http://app.test/one"} {
		resp, body := b.get(t, callbacks[1-i], nil) // the later tab first
		require.Equal(t, http.StatusFound, resp.StatusCode, body)
		require.Equal(t, want, resp.Header.Get("Location"))
	}
	resp, _ := b.get(t, callbacks[0], nil)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, "a sign-in completes once")
}
