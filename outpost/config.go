package outpost

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// URL schemes the outpost serves and redirects to.
const (
	schemeHTTP  = "http"
	schemeHTTPS = "https"
)

// snapshot is one configuration compiled for serving. It is immutable:
// Apply swaps the whole snapshot atomically.
type snapshot struct {
	issuer  string               // Config.Issuer
	byHost  map[string]*provider // exact external host name → provider
	domains []*provider          // forward_domain providers, longest CookieDomain first
}

// provider is a Provider compiled for serving.
type provider struct {
	Provider

	external   *url.URL // ExternalHost parsed
	host       string   // external host name, lowercase, no port
	domain     string   // CookieDomain, lowercase, no leading dot (forward_domain only)
	skip       []*regexp.Regexp
	cookieName string // the session cookie
	flowName   string // prefix of the short-lived sign-in cookies
	sessionBox *box
	flowBox    *box
	upstream   *httputil.ReverseProxy // ModeProxy only
	secure     bool                   // the external host is https
}

// compile builds the snapshot of cfg; it never fails: a provider it cannot
// serve (bad external host, no cookie secret) is logged and left out, a bad
// skip-path regex is logged and the provider served without skip paths.
func compile(cfg *Config, log *slog.Logger) *snapshot {
	s := &snapshot{issuer: cfg.Issuer, byHost: map[string]*provider{}}
	for i := range cfg.Providers {
		p, err := compileProvider(cfg, cfg.Providers[i], log)
		if err != nil {
			log.Error("outpost: provider not served", "provider", cfg.Providers[i].ID, "err", err)
			continue
		}
		if _, dup := s.byHost[p.host]; dup {
			log.Error("outpost: two providers share an external host; the first is served", "provider", p.ID, "host", p.host)
			continue
		}
		s.byHost[p.host] = p
		if p.domain != "" {
			s.domains = append(s.domains, p)
		}
	}
	sort.SliceStable(s.domains, func(i, j int) bool { return len(s.domains[i].domain) > len(s.domains[j].domain) })
	return s
}

// compileProvider compiles one provider.
func compileProvider(cfg *Config, in Provider, log *slog.Logger) (*provider, error) {
	ext, err := url.Parse(in.ExternalHost)
	if err != nil || (ext.Scheme != schemeHTTP && ext.Scheme != schemeHTTPS) || ext.Host == "" {
		return nil, errBadExternalHost
	}
	p := &provider{Provider: in, external: &url.URL{Scheme: ext.Scheme, Host: ext.Host}, host: hostName(ext.Host)}
	p.secure = ext.Scheme == schemeHTTPS
	if in.Mode == ModeForwardDomain && in.CookieDomain != "" {
		p.domain = strings.TrimPrefix(strings.ToLower(in.CookieDomain), ".")
	}
	for _, expr := range in.SkipPathRegex {
		re, err := regexp.Compile(`^(?:` + expr + `)$`)
		if err != nil {
			log.Error("outpost: skip-path regex does not compile; serving the provider with no skip paths", "provider", in.ID, "err", err)
			p.skip = nil
			break
		}
		p.skip = append(p.skip, re)
	}
	sum := sha256.Sum256([]byte(in.ID))
	tag := hex.EncodeToString(sum[:4])
	p.cookieName = "gatehouse_proxy_" + tag
	p.flowName = "gatehouse_proxy_flow_" + tag
	if p.sessionBox, err = newBox(cfg.CookieSecret, "gatehouse outpost session v1", in.ID); err != nil {
		return nil, err
	}
	if p.flowBox, err = newBox(cfg.CookieSecret, "gatehouse outpost sign-in v1", in.ID); err != nil {
		return nil, err
	}
	if in.Mode == ModeProxy {
		if p.upstream, err = newUpstream(in, log); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// provider finds the provider of host: the exact external host first,
// then the forward_domain provider with the longest cookie domain that
// contains host. nil when none.
func (s *snapshot) provider(host string) *provider {
	h := hostName(host)
	if h == "" {
		return nil
	}
	if p := s.byHost[h]; p != nil {
		return p
	}
	for _, p := range s.domains {
		if h == p.domain || strings.HasSuffix(h, "."+p.domain) {
			return p
		}
	}
	return nil
}

// hostName is host without its port, lowercase, without a trailing dot.
func hostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimPrefix(strings.TrimSuffix(host, "]"), "[")
	return strings.TrimSuffix(strings.ToLower(host), ".")
}

// covers reports whether host may be sent to after sign-in at p: its
// external host, or (forward_domain) any host under its cookie domain.
func (p *provider) covers(host string) bool {
	h := hostName(host)
	if h == "" {
		return false
	}
	if h == p.host {
		return true
	}
	return p.domain != "" && (h == p.domain || strings.HasSuffix(h, "."+p.domain))
}

// skips reports whether the request path passes without a login. The path
// is the escaped request path; it is percent-decoded and cleaned first,
// so "..", "//" and "%2F" cannot make a protected path look like a skipped
// one (an undecodable path never skips).
func (p *provider) skips(escapedPath string) bool {
	if len(p.skip) == 0 {
		return false
	}
	clean, ok := cleanPath(escapedPath)
	if !ok {
		return false
	}
	for _, re := range p.skip {
		if re.MatchString(clean) {
			return true
		}
	}
	return false
}

// startURL is where a browser begins signing in to p, to come back to rd.
func (p *provider) startURL(rd string) string {
	u := *p.external
	u.Path = PathStart
	u.RawQuery = url.Values{"rd": {rd}}.Encode()
	return u.String()
}

// callbackURL is p's redirect URI at the core.
func (p *provider) callbackURL() string {
	u := *p.external
	u.Path = PathCallback
	return u.String()
}

// root is p's external host's root URL.
func (p *provider) root() string {
	u := *p.external
	u.Path = "/"
	return u.String()
}

// safeRedirect returns rd when it is an absolute http(s) URL on a host p
// covers; otherwise p's root. It is the only gate on post-login redirects.
func (p *provider) safeRedirect(rd string) string {
	if rd == "" {
		return p.root()
	}
	u, err := url.Parse(rd)
	if err != nil || (u.Scheme != schemeHTTP && u.Scheme != schemeHTTPS) || u.Host == "" || u.User != nil {
		return p.root()
	}
	if strings.ContainsAny(rd, "\\\r\n\t") || !p.covers(u.Host) {
		return p.root()
	}
	return u.String()
}

// flowCookieName names the sign-in cookie of one sign-in: one per state, so
// that sign-ins started in parallel (several tabs) do not overwrite each
// other's.
func (p *provider) flowCookieName(state string) string {
	return p.flowName + "_" + state[:12]
}

// cookie builds one of p's cookies.
func (p *provider) cookie(name, value, path string, maxAge int) *http.Cookie {
	c := &http.Cookie{ //nolint:gosec // Secure follows the external host: a plain-http host cannot use it
		Name: name, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, Secure: p.secure, SameSite: http.SameSiteLaxMode,
	}
	if p.domain != "" && name == p.cookieName {
		c.Domain = p.domain
	}
	return c
}
