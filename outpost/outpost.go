package outpost

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// PathPrefix is where the outpost's own endpoints live, on every host.
const PathPrefix = "/outpost.gatehouse/"

// The outpost's endpoints (PINNED: proxies' configurations name them).
const (
	PathAuthNginx   = PathPrefix + "auth/nginx"
	PathAuthTraefik = PathPrefix + "auth/traefik"
	PathAuthCaddy   = PathPrefix + "auth/caddy"
	PathStart       = PathPrefix + "start"
	PathCallback    = PathPrefix + "callback"
	PathSignOut     = PathPrefix + "sign_out"
)

// DefaultCheckInterval is how often sessions are re-checked at the core
// when Options.CheckInterval is zero.
const DefaultCheckInterval = 5 * time.Second

// CoreSessionCookie is the name of the core's own session cookie
// (authn.CookieName), which the reverse proxy never passes upstream.
const CoreSessionCookie = "gatehouse_session"

// Options configure an Outpost.
type Options struct {
	// Core is the outpost's way to the core (required).
	Core Core
	// HTTPClient carries the OpenID Connect back channel to the core
	// (discovery, token endpoint, keys); nil means http.DefaultClient.
	HTTPClient *http.Client
	// TrustedProxies are the peers whose X-Forwarded-* and X-Original-URL
	// headers are believed; from anyone else they are ignored.
	TrustedProxies []netip.Prefix
	// Logger receives the outpost's logs (never a token, code or cookie);
	// nil discards them.
	Logger *slog.Logger
	// NowFunc is the clock; nil means time.Now.
	NowFunc func() time.Time
	// CheckInterval is how often the sessions in use are re-checked at
	// the core; 0 means DefaultCheckInterval. A cached answer older than
	// three intervals is not trusted.
	CheckInterval time.Duration
	// CoreCookies are further cookie names never passed to an upstream,
	// besides the outpost's own and CoreSessionCookie.
	CoreCookies []string
}

// Outpost serves forward-auth checks, sign-in and the reverse proxy for the
// proxy providers of its configuration. It is safe for concurrent use.
type Outpost struct {
	core          Core
	httpClient    *http.Client
	trusted       []netip.Prefix
	log           *slog.Logger
	now           func() time.Time
	checkInterval time.Duration
	stripCookies  map[string]bool

	snap      atomic.Pointer[snapshot]
	sessions  *sessionCache
	issuers   issuerCache
	refreshes refreshGroup
}

// New returns an outpost with no configuration yet (Ready is false until
// Apply or Run installs one).
func New(opts Options) (*Outpost, error) {
	if opts.Core == nil {
		return nil, errors.New("outpost: no Core")
	}
	o := &Outpost{
		core:          opts.Core,
		httpClient:    opts.HTTPClient,
		trusted:       opts.TrustedProxies,
		log:           opts.Logger,
		now:           opts.NowFunc,
		checkInterval: opts.CheckInterval,
		stripCookies:  map[string]bool{CoreSessionCookie: true},
	}
	if o.httpClient == nil {
		o.httpClient = http.DefaultClient
	}
	if o.log == nil {
		o.log = slog.New(slog.DiscardHandler)
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.checkInterval <= 0 {
		o.checkInterval = DefaultCheckInterval
	}
	for _, c := range opts.CoreCookies {
		o.stripCookies[c] = true
	}
	o.sessions = newSessionCache(o.core, o.now, o.checkInterval)
	o.issuers.client = o.httpClient
	return o, nil
}

// Ready reports whether a configuration has been installed.
func (o *Outpost) Ready() bool { return o.snap.Load() != nil }

// Apply installs cfg, replacing the previous configuration at once for
// every later request (an immutable snapshot swapped atomically). A
// provider whose skip-path regex does not compile is logged and served with
// no skip paths; one that cannot be served at all (external host not an
// absolute http(s) URL, no cookie secret, bad internal host) is logged and
// left out. The snapshot shares cfg's slices: the caller must not change cfg
// afterwards.
func (o *Outpost) Apply(cfg *Config) {
	if cfg == nil {
		return
	}
	s := compile(cfg, o.log)
	o.snap.Store(s)
	o.log.Info("outpost: configuration applied", "outpost", cfg.Name, "providers", len(cfg.Providers))
}

// Handles reports whether host (a port is ignored, case does not matter)
// is the external host of a provider: the router sends every request to
// such a host here. The other hosts under a forward_domain provider's
// cookie domain are not included (the core itself may live under that
// domain); their /outpost.gatehouse/ requests reach the outpost because
// the router sends PathPrefix on every host here.
func (o *Outpost) Handles(host string) bool {
	s := o.snap.Load()
	return s != nil && s.byHost[hostName(host)] != nil
}

// Run follows the core's configuration with Core.Watch, reconnecting with
// a capped backoff, and re-checks the sessions in use every CheckInterval.
// It returns nil once ctx ends.
func (o *Outpost) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Go(func() { o.checkLoop(ctx) })
	defer wg.Wait()

	const minBackoff, maxBackoff = 250 * time.Millisecond, 30 * time.Second
	backoff := minBackoff
	for {
		var received atomic.Bool
		err := o.core.Watch(ctx, func(cfg *Config) {
			received.Store(true)
			o.Apply(cfg)
		})
		if ctx.Err() != nil {
			return nil
		}
		if received.Load() {
			backoff = minBackoff
		}
		o.log.Warn("outpost: configuration stream ended; reconnecting", "err", err, "in", backoff)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		backoff = min(backoff*2, maxBackoff)
	}
}

// checkLoop re-checks the cached sessions every interval until ctx ends.
func (o *Outpost) checkLoop(ctx context.Context) {
	t := time.NewTicker(o.checkInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := o.sessions.recheck(ctx); err != nil && ctx.Err() == nil {
				o.log.Warn("outpost: session re-check failed", "err", err)
			}
		}
	}
}

// ServeHTTP serves the outpost's endpoints (PathPrefix, on any host) and,
// for a reverse-proxy provider, every other request to its external host.
func (o *Outpost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := o.snap.Load()
	if s == nil {
		errorPage(w, http.StatusServiceUnavailable, "The outpost has not received its configuration from Gatehouse yet.")
		return
	}
	switch r.URL.Path {
	case PathAuthNginx:
		o.forwardAuth(w, r, s, flavourNginx)
	case PathAuthTraefik:
		o.forwardAuth(w, r, s, flavourTraefik)
	case PathAuthCaddy:
		o.forwardAuth(w, r, s, flavourCaddy)
	case PathStart:
		o.start(w, r, s)
	case PathCallback:
		o.callback(w, r, s)
	case PathSignOut:
		o.signOut(w, r, s)
	default:
		if strings.HasPrefix(r.URL.Path, PathPrefix) {
			http.NotFound(w, r)
			return
		}
		o.proxy(w, r, s)
	}
}

// errorPage answers a short plain-text page.
func errorPage(w http.ResponseWriter, code int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(msg + "\n"))
}
