package outpost

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
)

// upstreamKey carries a proxied request's verdict to the Rewrite hook.
type upstreamKey struct{}

// upstreamInfo is what Rewrite adds to the outbound request.
type upstreamInfo struct {
	p       *provider
	res     checked
	strip   map[string]bool
	url     *url.URL // the URL the client used
	trusted bool     // the peer is a trusted proxy: keep its X-Forwarded-For
}

// newUpstream builds the reverse proxy of a ModeProxy provider.
func newUpstream(in Provider, log *slog.Logger) (*httputil.ReverseProxy, error) {
	target, err := url.Parse(in.InternalHost)
	if err != nil || (target.Scheme != schemeHTTP && target.Scheme != schemeHTTPS) || target.Host == "" {
		return nil, errors.New("internal host is not an absolute http(s) URL")
	}
	tr, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return nil, errors.New("http.DefaultTransport is not an *http.Transport")
	}
	tr = tr.Clone()
	tr.TLSClientConfig = &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: !in.InternalHostTLSVerify, //nolint:gosec // the admin turned verification off for this upstream
	}
	return &httputil.ReverseProxy{
		Transport: tr,
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			log.Warn("outpost: upstream unreachable", "provider", in.ID, "err", err)
			errorPage(w, http.StatusBadGateway, "The application cannot be reached.")
		},
		Rewrite: func(pr *httputil.ProxyRequest) {
			info, _ := pr.In.Context().Value(upstreamKey{}).(*upstreamInfo)
			pr.SetURL(target) // also sets the upstream's Host
			out := pr.Out
			for name := range out.Header {
				if strings.HasPrefix(name, headerPrefix) {
					delete(out.Header, name)
				}
			}
			if info == nil {
				return
			}
			stripCookies(out.Header, info.p, info.strip)
			if info.res.verdict == verdictAllow {
				if info.p.BasicAuthEnabled || (info.p.SendAccessToken && info.res.bearer != "") {
					out.Header.Del("Authorization")
				}
				setIdentity(out.Header, info.p, info.res, false)
			}
			if xff := pr.In.Header.Values("X-Forwarded-For"); info.trusted && len(xff) > 0 {
				out.Header["X-Forwarded-For"] = xff
			}
			pr.SetXForwarded()
			out.Header.Set("X-Forwarded-Host", info.url.Host)
			out.Header.Set("X-Forwarded-Proto", info.url.Scheme)
		},
	}, nil
}

// stripCookies removes the outpost's cookies and the core's from the
// Cookie header.
func stripCookies(h http.Header, p *provider, strip map[string]bool) {
	lines := h.Values("Cookie")
	if len(lines) == 0 {
		return
	}
	var kept []string
	for _, line := range lines {
		for part := range strings.SplitSeq(line, ";") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			name, _, _ := strings.Cut(part, "=")
			name = strings.TrimSpace(name)
			if strings.HasPrefix(name, "gatehouse_proxy_") || name == p.cookieName || strip[name] {
				continue
			}
			kept = append(kept, part)
		}
	}
	h.Del("Cookie")
	if len(kept) > 0 {
		h.Set("Cookie", strings.Join(kept, "; "))
	}
}

// proxy serves a request to the external host of a ModeProxy provider:
// checked like forward auth, then passed to the internal host.
func (o *Outpost) proxy(w http.ResponseWriter, r *http.Request, s *snapshot) {
	u := o.requestURL(r)
	p := s.provider(u.Host)
	if p == nil || p.Mode != ModeProxy || p.upstream == nil {
		http.NotFound(w, r)
		return
	}
	res := o.check(r, p, r.URL.EscapedPath())
	if res.setCookie != nil {
		http.SetCookie(w, res.setCookie)
	}
	switch res.verdict {
	case verdictAllow, verdictSkip:
	case verdictSignIn:
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, p.startURL(u.String()), http.StatusFound)
		return
	case verdictDeny, verdictNoApp:
		errorPage(w, http.StatusForbidden, "Access to this application is denied.")
		return
	case verdictCoreFailed:
		errorPage(w, http.StatusServiceUnavailable, "Gatehouse cannot be reached to check your session. Try again in a moment.")
		return
	}
	info := &upstreamInfo{p: p, res: res, strip: o.stripCookies, url: u, trusted: o.trustedPeer(r)}
	p.upstream.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), upstreamKey{}, info)))
}
