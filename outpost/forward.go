package outpost

import (
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// The identity headers the outpost sends upstream (and strips from
// clients). Groups are the group names joined with "|".
const (
	HeaderUsername = "X-Gatehouse-Username"
	HeaderEmail    = "X-Gatehouse-Email"
	HeaderName     = "X-Gatehouse-Name"
	HeaderGroups   = "X-Gatehouse-Groups"
	HeaderUID      = "X-Gatehouse-Uid"
	headerPrefix   = "X-Gatehouse-"
	// GroupSeparator joins group names in HeaderGroups.
	GroupSeparator = "|"
)

// flavour is the reverse proxy asking a forward-auth question.
type flavour int

const (
	flavourNginx flavour = iota
	flavourTraefik
	flavourCaddy
)

// verdict is the outcome of checking one request against a provider.
type verdict int

const (
	verdictAllow      verdict = iota // signed in and allowed: identity attached
	verdictSkip                      // a skip path: no login needed, no identity
	verdictSignIn                    // no usable session: sign in
	verdictDeny                      // the application's policies deny the user
	verdictNoApp                     // the provider serves no application
	verdictCoreFailed                // the session could not be checked
)

// checked is a verdict with what goes with it.
type checked struct {
	verdict   verdict
	identity  *Identity
	bearer    string       // access token to send, when the provider asks
	setCookie *http.Cookie // a rewritten (refreshed) or cleared session cookie
}

// trustedPeer reports whether r comes straight from a trusted proxy.
func (o *Outpost) trustedPeer(r *http.Request) bool {
	if len(o.trusted) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range o.trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// requestURL is the URL r was made to as its client saw it: the forwarded
// headers of a trusted proxy when present, else r's own host and URI.
func (o *Outpost) requestURL(r *http.Request) *url.URL {
	scheme := schemeHTTP
	if r.TLS != nil {
		scheme = schemeHTTPS
	}
	u := &url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	if !o.trustedPeer(r) {
		return u
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == schemeHTTP || p == schemeHTTPS {
		u.Scheme = p
	}
	if h := firstValue(r.Header.Get("X-Forwarded-Host")); h != "" {
		u.Host = h
	}
	return u
}

// originalURL is the URL a forward-auth request asks about. nginx sends
// X-Original-URL; Traefik and Caddy send X-Forwarded-Proto, -Host and -Uri.
// They are believed only from a trusted proxy; otherwise (and when absent)
// the request's own URL is used.
func (o *Outpost) originalURL(r *http.Request, f flavour) *url.URL {
	own := o.requestURL(r)
	if !o.trustedPeer(r) {
		return own
	}
	if f == flavourNginx {
		if v := r.Header.Get("X-Original-Url"); v != "" {
			if u, err := url.Parse(v); err == nil && (u.Scheme == schemeHTTP || u.Scheme == schemeHTTPS) && u.Host != "" {
				return u
			}
		}
		return own
	}
	if v := r.Header.Get("X-Forwarded-Uri"); v != "" {
		if u, err := url.ParseRequestURI(v); err == nil && u.Host == "" {
			u.Scheme, u.Host = own.Scheme, own.Host
			return u
		}
	}
	return own
}

// firstValue is the first of a comma-separated header's values.
func firstValue(v string) string {
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v)
}

// forwardAuth answers a proxy's question about one request.
func (o *Outpost) forwardAuth(w http.ResponseWriter, r *http.Request, s *snapshot, f flavour) {
	orig := o.originalURL(r, f)
	p := s.provider(orig.Host)
	if p == nil {
		errorPage(w, http.StatusForbidden, "No application of this Gatehouse outpost is served at this host.")
		return
	}
	res := o.check(r, p, orig.EscapedPath())
	if res.setCookie != nil {
		http.SetCookie(w, res.setCookie)
	}
	w.Header().Set("Cache-Control", "no-store")
	switch res.verdict {
	case verdictAllow, verdictSkip:
		setIdentity(w.Header(), p, res, true)
		w.WriteHeader(http.StatusOK)
	case verdictDeny, verdictNoApp:
		errorPage(w, http.StatusForbidden, "Access to this application is denied.")
	case verdictSignIn, verdictCoreFailed:
		// nginx accepts only 2xx, 401 and 403 from auth_request (anything
		// else becomes a 500), so a session that cannot be checked sends
		// the browser to sign in, where the core's own error shows.
		if f == flavourNginx {
			errorPage(w, http.StatusUnauthorized, "Sign in at "+p.startURL(orig.String()))
			return
		}
		http.Redirect(w, r, p.startURL(orig.String()), http.StatusFound)
	}
}

// check decides about a request to p's application at escapedPath, reading
// the session cookie of r. A valid, recently checked session costs no I/O.
func (o *Outpost) check(r *http.Request, p *provider, escapedPath string) checked {
	if p.skips(escapedPath) {
		return checked{verdict: verdictSkip}
	}
	if p.ApplicationSlug == "" {
		return checked{verdict: verdictNoApp}
	}
	c, err := r.Cookie(p.cookieName)
	if err != nil {
		return checked{verdict: verdictSignIn}
	}
	var sc sessionCookie
	now := o.now()
	if p.sessionBox.open(p.cookieName, c.Value, &sc) != nil || sc.Provider != p.ID || sc.SID == "" || now.Unix() >= sc.Expires {
		return checked{verdict: verdictSignIn, setCookie: p.cookie(p.cookieName, "", "/", -1)}
	}
	st, err := o.sessions.get(r.Context(), p.ID, sc.SID)
	switch {
	case errors.Is(err, errCoreUnreachable):
		o.log.Warn("outpost: session not checked", "provider", p.ID, "err", err)
		return checked{verdict: verdictCoreFailed}
	case err != nil:
		return checked{verdict: verdictCoreFailed}
	case !st.Active || st.Identity == nil:
		return checked{verdict: verdictSignIn, setCookie: p.cookie(p.cookieName, "", "/", -1)}
	case !st.Allowed:
		return checked{verdict: verdictDeny}
	}
	res := checked{verdict: verdictAllow, identity: st.Identity}
	if p.SendAccessToken && !p.BasicAuthEnabled {
		tok, refreshed, err := o.accessToken(r.Context(), p, &sc)
		if err != nil {
			o.log.Info("outpost: access token refresh failed; signing in again", "provider", p.ID, "err", err)
			return checked{verdict: verdictSignIn, setCookie: p.cookie(p.cookieName, "", "/", -1)}
		}
		res.bearer = tok
		if refreshed {
			if v, err := p.sessionBox.seal(p.cookieName, &sc); err == nil {
				res.setCookie = p.cookie(p.cookieName, v, "/", 0)
			}
		}
	}
	return res
}

// setIdentity puts the identity headers of res into h. With keepEmpty
// (forward-auth answers) every header is set, empty when there is no value
// (res without identity: a skip path), so that a proxy copying them
// replaces what the client sent (Caddy's copy_headers leaves a header the
// answer lacks as an unreplaced placeholder); Authorization only when the
// provider injects it. Without keepEmpty (the reverse proxy) empty values
// are left out.
func setIdentity(h http.Header, p *provider, res checked, keepEmpty bool) {
	var id Identity
	if res.identity != nil {
		id = *res.identity
	}
	auth := ""
	switch {
	case p.BasicAuthEnabled:
		if id.BasicAuthUser != "" || id.BasicAuthPassword != "" {
			auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(id.BasicAuthUser+":"+id.BasicAuthPassword))
		}
	case p.SendAccessToken && res.bearer != "":
		auth = "Bearer " + res.bearer
	}
	for _, kv := range [...][2]string{
		{HeaderUsername, id.Username},
		{HeaderEmail, id.Email},
		{HeaderName, id.Name},
		{HeaderGroups, strings.Join(id.Groups, GroupSeparator)},
		{HeaderUID, id.UID},
		{"Authorization", auth},
	} {
		injects := kv[0] != "Authorization" || p.BasicAuthEnabled || p.SendAccessToken
		if injects && (kv[1] != "" || keepEmpty) {
			h.Set(kv[0], kv[1])
		}
	}
}
