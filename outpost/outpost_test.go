package outpost

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// Provider IDs of the test configuration.
const (
	provApp    = "prov-app"    // forward_single at app.test, skip /public/.*
	provOther  = "prov-other"  // forward_single at other.test
	provDomain = "prov-domain" // forward_domain at auth.example.test, cookie domain example.test
	provToken  = "prov-token"  // forward_single at token.test, sends the access token
	provBasic  = "prov-basic"  // forward_single at basic.test, basic auth
	provProxy  = "prov-proxy"  // proxy at proxy.test in front of the upstream
)

type testBundle struct {
	issuer      *fakeIssuer
	core        *fakeCore
	outpost     *Outpost
	srv         *httptest.Server // the outpost
	upstream    *upstreamRecorder
	clock       *testClock
	browser     *http.Client
	jar         *cookiejar.Jar
	entered     *countingHandler
	plain       *http.Client // a proxy's client: no cookies, no redirects
	upstreamURL string
}

type setupOpts struct {
	untrusted     bool          // trust no proxy
	checkInterval time.Duration // default one minute (no expiry during a test)
	logger        *slog.Logger
	edit          func(*Config) // changes the configuration before it is applied
}

// upstreamRecorder is the application behind the reverse proxy; it keeps
// the last request it got.
type upstreamRecorder struct {
	mu      sync.Mutex
	last    *http.Request
	handler http.Handler // answers instead, when set
}

func (u *upstreamRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	u.last = r.Clone(context.Background())
	h := u.handler
	u.mu.Unlock()
	if h != nil {
		h.ServeHTTP(w, r)
		return
	}
	_, _ = io.WriteString(w, "upstream "+r.URL.Path)
}

func (u *upstreamRecorder) lastRequest() *http.Request {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.last
}

// countingHandler counts the requests that reached the outpost.
type countingHandler struct {
	h  http.Handler
	mu sync.Mutex
	n  int
}

func (c *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	c.h.ServeHTTP(w, r)
}

func (c *countingHandler) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func setup(tb testing.TB, opts setupOpts) *testBundle {
	tb.Helper()
	b := &testBundle{issuer: newFakeIssuer(tb), clock: &testClock{}, upstream: &upstreamRecorder{}}
	up := httptest.NewServer(b.upstream)
	tb.Cleanup(up.Close)
	b.upstreamURL = up.URL

	base := Provider{ApplicationSlug: "app", Mode: ModeForwardSingle, InternalHostTLSVerify: true, AccessTokenValidity: 5 * time.Minute}
	mk := func(id, ext string, edit func(*Provider)) Provider {
		p := base
		p.ID, p.Name, p.ExternalHost = id, id, ext
		p.ClientID, p.ClientSecret = id+"-client", id+"-secret"
		if edit != nil {
			edit(&p)
		}
		b.issuer.clients[p.ClientID] = p.ClientSecret
		return p
	}
	cfg := &Config{
		OutpostID: "outpost-1", Name: "embedded", Issuer: b.issuer.url(), CookieSecret: "a cookie secret of the outpost",
		Providers: []Provider{
			mk(provApp, "http://app.test", func(p *Provider) { p.SkipPathRegex = []string{`/public/.*`, `/health`} }),
			mk(provOther, "http://other.test:8080", nil),
			mk(provDomain, "http://auth.example.test", func(p *Provider) { p.Mode, p.CookieDomain = ModeForwardDomain, "example.test" }),
			mk(provToken, "http://token.test", func(p *Provider) { p.SendAccessToken = true }),
			mk(provBasic, "http://basic.test", func(p *Provider) { p.BasicAuthEnabled = true }),
			mk(provProxy, "http://proxy.test", func(p *Provider) { p.Mode, p.InternalHost = ModeProxy, up.URL }),
		},
	}
	b.core = newFakeCore(cfg)
	if opts.edit != nil {
		opts.edit(cfg)
	}
	o := Options{Core: b.core, NowFunc: b.clock.now, CheckInterval: opts.checkInterval, Logger: opts.logger}
	if o.CheckInterval == 0 {
		o.CheckInterval = time.Minute
	}
	if !opts.untrusted {
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	}
	var err error
	b.outpost, err = New(o)
	require.NoError(tb, err)
	b.outpost.Apply(cfg)
	b.entered = &countingHandler{h: b.outpost}
	b.srv = httptest.NewServer(b.entered)
	tb.Cleanup(b.srv.Close)

	// The browser reaches every test host at the outpost, and the issuer
	// at its own address.
	outpostAddr := b.srv.Listener.Addr().String()
	dialer := &net.Dialer{}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if !strings.HasPrefix(addr, "127.0.0.1:") {
			addr = outpostAddr
		}
		return dialer.DialContext(ctx, network, addr)
	}}
	tb.Cleanup(tr.CloseIdleConnections)
	plainTr := &http.Transport{}
	tb.Cleanup(plainTr.CloseIdleConnections)
	b.plain = &http.Client{Transport: plainTr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	b.jar, err = cookiejar.New(nil)
	require.NoError(tb, err)
	issuerHost := strings.TrimPrefix(b.issuer.url(), "http://")
	b.browser = &http.Client{Transport: tr, Jar: b.jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Host == issuerHost || strings.HasPrefix(req.URL.Path, PathPrefix) {
			return nil
		}
		return http.ErrUseLastResponse // stop at the application
	}}
	return b
}

// run runs the outpost (config stream and session checker) until the test ends.
func (b *testBundle) run(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.outpost.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
}

// get makes a browser request (cookies from the jar, redirects within the
// sign-in followed) and returns the response with its body read.
func (b *testBundle) get(tb testing.TB, rawURL string, header http.Header) (*http.Response, string) {
	tb.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, rawURL, nil)
	require.NoError(tb, err)
	maps.Copy(req.Header, header)
	resp, err := b.browser.Do(req)
	require.NoError(tb, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(tb, err)
	return resp, string(body)
}

// login signs in at host's provider as sid and returns where the outpost
// sent the browser afterwards.
func (b *testBundle) login(tb testing.TB, host, sid, rd string) string {
	tb.Helper()
	b.core.set(sid, true, true)
	b.issuer.mu.Lock()
	b.issuer.nextSID = sid
	b.issuer.mu.Unlock()
	resp, body := b.get(tb, "http://"+host+PathStart+"?rd="+url.QueryEscape(rd), nil)
	require.Equal(tb, http.StatusFound, resp.StatusCode, body)
	return resp.Header.Get("Location")
}

// cookieHeader is the Cookie header the browser sends to rawURL.
func (b *testBundle) cookieHeader(tb testing.TB, rawURL string) string {
	tb.Helper()
	u, err := url.Parse(rawURL)
	require.NoError(tb, err)
	var parts []string
	for _, c := range b.jar.Cookies(u) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

// forward asks the outpost's forward-auth endpoint at path about the
// original URL orig, as a trusted proxy would, with the browser's cookies
// for orig. Redirects are not followed.
func (b *testBundle) forward(tb testing.TB, path, orig string, extra http.Header) *http.Response {
	tb.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, b.srv.URL+path, nil)
	require.NoError(tb, err)
	u, err := url.Parse(orig)
	require.NoError(tb, err)
	switch path {
	case PathAuthNginx:
		req.Header.Set("X-Original-Url", orig)
	default:
		req.Header.Set("X-Forwarded-Proto", u.Scheme)
		req.Header.Set("X-Forwarded-Host", u.Host)
		req.Header.Set("X-Forwarded-Uri", u.RequestURI())
		req.Header.Set("X-Forwarded-Method", http.MethodGet)
	}
	if c := b.cookieHeader(tb, orig); c != "" {
		req.Header.Set("Cookie", c)
	}
	maps.Copy(req.Header, extra)
	resp, err := b.plain.Do(req)
	require.NoError(tb, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	require.NoError(tb, resp.Body.Close())
	return resp
}

func cookieNamed(cookies []*http.Cookie, name string) *http.Cookie {
	for _, c := range cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func (b *testBundle) provider(tb testing.TB, id string) *provider {
	tb.Helper()
	for _, p := range b.outpost.snap.Load().byHost {
		if p.ID == id {
			return p
		}
	}
	tb.Fatalf("no provider %s", id)
	return nil
}
