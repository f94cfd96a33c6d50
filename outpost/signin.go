package outpost

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Lifetimes of the outpost's cookies.
const (
	flowLifetime    = 10 * time.Minute
	sessionLifetime = 30 * 24 * time.Hour // a cap: the core's answer about the sid decides
	refreshSkew     = 10 * time.Second
)

// signInScopes are asked for at sign-in; offline_access brings the refresh
// token the outpost refreshes access tokens with.
var signInScopes = []string{oidc.ScopeOpenID, "profile", "email", oidc.ScopeOfflineAccess}

// issuer is the discovered core: its endpoints and keys.
type issuer struct {
	provider   *oidc.Provider
	endSession string
}

// issuerCache discovers each issuer once (and again after a failure).
type issuerCache struct {
	client *http.Client
	mu     sync.Mutex
	byURL  map[string]*issuer
}

// get returns the discovered issuer at issuerURL.
func (c *issuerCache) get(ctx context.Context, issuerURL string) (*issuer, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if is, ok := c.byURL[issuerURL]; ok {
		return is, nil
	}
	// The provider keeps this context for fetching keys later: it must
	// outlive the request, and carry the back-channel client.
	bg := oidc.ClientContext(context.WithoutCancel(ctx), c.client)
	dctx, cancel := context.WithTimeout(bg, 10*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(oidc.ClientContext(dctx, c.client), issuerURL)
	if err != nil {
		return nil, fmt.Errorf("discover %s: %w", issuerURL, err)
	}
	var extra struct {
		EndSession string `json:"end_session_endpoint"`
	}
	_ = p.Claims(&extra)
	is := &issuer{provider: p, endSession: extra.EndSession}
	if c.byURL == nil {
		c.byURL = map[string]*issuer{}
	}
	c.byURL[issuerURL] = is
	return is, nil
}

// oauth2Config is p's client at the core.
func (o *Outpost) oauth2Config(p *provider, is *issuer) *oauth2.Config {
	ep := is.provider.Endpoint()
	ep.AuthStyle = oauth2.AuthStyleInParams
	if p.ClientSecret != "" {
		ep.AuthStyle = oauth2.AuthStyleInHeader
	}
	return &oauth2.Config{
		ClientID: p.ClientID, ClientSecret: p.ClientSecret, Endpoint: ep,
		RedirectURL: p.callbackURL(), Scopes: signInScopes,
	}
}

// backChannel is ctx with the outpost's HTTP client for oauth2 and go-oidc.
func (o *Outpost) backChannel(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, o.httpClient)
}

// start begins signing in to the provider of the request's host: it sends
// the browser to the core's authorize endpoint (code flow, PKCE S256,
// state and nonce), remembering them and rd in a sealed 10-minute cookie.
func (o *Outpost) start(w http.ResponseWriter, r *http.Request, s *snapshot) {
	here := o.requestURL(r)
	p := s.provider(here.Host)
	if p == nil {
		errorPage(w, http.StatusNotFound, "No application of this Gatehouse outpost is served at this host.")
		return
	}
	rd := p.safeRedirect(startRedirect(r.URL.RawQuery))
	if hostName(here.Host) != p.host {
		// A sibling host of a forward_domain provider: sign in at the
		// external host, where the callback is.
		http.Redirect(w, r, p.startURL(rd), http.StatusFound)
		return
	}
	is, err := o.issuers.get(r.Context(), s.issuer)
	if err != nil {
		o.log.Error("outpost: issuer discovery failed", "err", err)
		errorPage(w, http.StatusBadGateway, "Gatehouse cannot be reached to sign in. Try again in a moment.")
		return
	}
	fc := flowCookie{
		Provider: p.ID, State: randomString(), Nonce: randomString(), Verifier: oauth2.GenerateVerifier(),
		Redirect: rd, Expires: o.now().Add(flowLifetime).Unix(),
	}
	name := p.flowCookieName(fc.State)
	v, err := p.flowBox.seal(name, &fc)
	if err != nil {
		errorPage(w, http.StatusInternalServerError, "The sign-in could not be started.")
		return
	}
	http.SetCookie(w, p.cookie(name, v, PathPrefix, int(flowLifetime/time.Second)))
	authURL := o.oauth2Config(p, is).AuthCodeURL(fc.State, oidc.Nonce(fc.Nonce), oauth2.S256ChallengeOption(fc.Verifier))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, authURL, http.StatusFound)
}

// startRedirect reads rd from start's query. rd is start's only parameter,
// so everything after "rd=" is taken: nginx's `return 302
// /outpost.gatehouse/start?rd=$scheme://$http_host$request_uri` cannot
// escape the URL, whose own query would otherwise be cut at its first "&".
// An escaped rd (http%3A… or https%3A…, as the outpost itself sends) is
// unescaped.
func startRedirect(rawQuery string) string {
	rest, ok := strings.CutPrefix(rawQuery, "rd=")
	if !ok {
		q, _ := url.ParseQuery(rawQuery)
		return q.Get("rd")
	}
	lower := strings.ToLower(rest)
	if strings.HasPrefix(lower, "http%3a") || strings.HasPrefix(lower, "https%3a") {
		if rd, err := url.QueryUnescape(rest); err == nil {
			return rd
		}
		return ""
	}
	return rest
}

// callback finishes signing in: it checks state, exchanges the code,
// verifies the ID token, asks the core about its sid, sets the session
// cookie and sends the browser back to the remembered URL.
func (o *Outpost) callback(w http.ResponseWriter, r *http.Request, s *snapshot) {
	p := s.provider(o.requestURL(r).Host)
	if p == nil {
		errorPage(w, http.StatusNotFound, "No application of this Gatehouse outpost is served at this host.")
		return
	}
	q := r.URL.Query()
	fc, ok := o.readFlow(r, p, q.Get("state"))
	if ok {
		http.SetCookie(w, p.cookie(p.flowCookieName(fc.State), "", PathPrefix, -1))
	}
	if !ok || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(fc.State)) != 1 {
		errorPage(w, http.StatusBadRequest, "This sign-in link has expired or was not started here. Go back to the application and try again.")
		return
	}
	if e := q.Get("error"); e != "" {
		o.log.Info("outpost: sign-in refused by Gatehouse", "provider", p.ID, "error", e)
		errorPage(w, http.StatusForbidden, "Gatehouse did not sign you in to this application.")
		return
	}
	sc, err := o.exchange(r.Context(), s, p, q.Get("code"), fc)
	if err != nil {
		o.log.Warn("outpost: sign-in failed", "provider", p.ID, "err", err)
		errorPage(w, http.StatusBadGateway, "The sign-in could not be completed with Gatehouse.")
		return
	}
	st, err := o.sessions.fetch(r.Context(), sessionKey{p.ID, sc.SID}, o.now())
	if err != nil {
		o.log.Warn("outpost: session not checked", "provider", p.ID, "err", err)
		errorPage(w, http.StatusServiceUnavailable, "Gatehouse cannot be reached to check your session. Try again in a moment.")
		return
	}
	if !st.state.Active || !st.state.Allowed || p.ApplicationSlug == "" {
		errorPage(w, http.StatusForbidden, "Access to this application is denied.")
		return
	}
	v, err := p.sessionBox.seal(p.cookieName, sc)
	if err != nil {
		errorPage(w, http.StatusInternalServerError, "The sign-in could not be completed.")
		return
	}
	http.SetCookie(w, p.cookie(p.cookieName, v, "/", 0))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, p.safeRedirect(fc.Redirect), http.StatusFound)
}

// readFlow opens p's sign-in cookie of r for state, if valid.
func (o *Outpost) readFlow(r *http.Request, p *provider, state string) (flowCookie, bool) {
	var fc flowCookie
	if !validState(state) {
		return fc, false
	}
	name := p.flowCookieName(state)
	c, err := r.Cookie(name)
	if err != nil || p.flowBox.open(name, c.Value, &fc) != nil {
		return fc, false
	}
	return fc, fc.Provider == p.ID && o.now().Unix() < fc.Expires && fc.State != ""
}

// exchange trades code for tokens and verifies the ID token.
func (o *Outpost) exchange(ctx context.Context, s *snapshot, p *provider, code string, fc flowCookie) (*sessionCookie, error) {
	if code == "" {
		return nil, errors.New("no code")
	}
	is, err := o.issuers.get(ctx, s.issuer)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(o.backChannel(ctx), coreTimeout)
	defer cancel()
	tok, err := o.oauth2Config(p, is).Exchange(ctx, code, oauth2.VerifierOption(fc.Verifier))
	if err != nil {
		return nil, fmt.Errorf("exchange code: %w", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, errors.New("no ID token in the token response")
	}
	idt, err := is.provider.Verifier(&oidc.Config{ClientID: p.ClientID, Now: o.now}).Verify(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("verify ID token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(fc.Nonce)) != 1 {
		return nil, errors.New("ID token nonce does not match")
	}
	var claims struct {
		SID string `json:"sid"`
	}
	if err := idt.Claims(&claims); err != nil || claims.SID == "" {
		return nil, errors.New("ID token has no sid claim")
	}
	sc := &sessionCookie{
		Provider: p.ID, SID: claims.SID, Expires: o.now().Add(sessionLifetime).Unix(),
		RefreshToken: tok.RefreshToken,
	}
	if p.SendAccessToken && !p.BasicAuthEnabled {
		sc.AccessToken = tok.AccessToken
		sc.AccessExpires = o.expiry(tok)
	}
	return sc, nil
}

// accessToken returns the access token of sc, refreshing it (and updating
// sc) when it has run out; refreshed says sc changed.
func (o *Outpost) accessToken(ctx context.Context, p *provider, sc *sessionCookie) (tok string, refreshed bool, err error) {
	if sc.AccessToken != "" && (sc.AccessExpires == 0 || o.now().Add(refreshSkew).Unix() < sc.AccessExpires) {
		return sc.AccessToken, false, nil
	}
	if sc.RefreshToken == "" {
		return "", false, errors.New("no refresh token")
	}
	r, err := o.refreshes.do(sc.RefreshToken, o.now(), func() (refreshResult, error) {
		return o.refresh(ctx, p, sc.RefreshToken)
	})
	if err != nil {
		return "", false, err
	}
	sc.AccessToken, sc.AccessExpires = r.access, r.expires
	if r.refresh != "" {
		sc.RefreshToken = r.refresh
	}
	return sc.AccessToken, true, nil
}

// refresh uses refreshToken at the core's token endpoint.
func (o *Outpost) refresh(ctx context.Context, p *provider, refreshToken string) (refreshResult, error) {
	is, err := o.issuers.get(ctx, o.snap.Load().issuer)
	if err != nil {
		return refreshResult{}, err
	}
	ctx, cancel := context.WithTimeout(o.backChannel(context.WithoutCancel(ctx)), coreTimeout)
	defer cancel()
	old := &oauth2.Token{RefreshToken: refreshToken, Expiry: time.Unix(1, 0)}
	nt, err := o.oauth2Config(p, is).TokenSource(ctx, old).Token()
	if err != nil {
		return refreshResult{}, fmt.Errorf("refresh: %w", err)
	}
	return refreshResult{access: nt.AccessToken, expires: o.expiry(nt), refresh: nt.RefreshToken}, nil
}

// refreshResult is the outcome of one refresh.
type refreshResult struct {
	access  string
	expires int64
	refresh string
}

// refreshGroup makes concurrent refreshes with one refresh token (a
// browser's parallel requests carrying the same expired cookie) share one
// call, and remembers the outcome for a minute: the core rotates refresh
// tokens, so a second use of the old one would fail and sign the user out.
type refreshGroup struct {
	mu    sync.Mutex
	calls map[string]*refreshCall // by refresh token
}

type refreshCall struct {
	done chan struct{}
	at   time.Time
	res  refreshResult
	err  error
}

// refreshMemory is how long a refresh's outcome answers later requests
// that still carry the old cookie.
const refreshMemory = time.Minute

func (g *refreshGroup) do(token string, now time.Time, fn func() (refreshResult, error)) (refreshResult, error) {
	g.mu.Lock()
	if g.calls == nil {
		g.calls = map[string]*refreshCall{}
	}
	for k, c := range g.calls {
		select {
		case <-c.done:
			if now.Sub(c.at) > refreshMemory {
				delete(g.calls, k)
			}
		default:
		}
	}
	if c, ok := g.calls[token]; ok {
		g.mu.Unlock()
		<-c.done
		return c.res, c.err
	}
	c := &refreshCall{done: make(chan struct{}), at: now}
	g.calls[token] = c
	g.mu.Unlock()
	c.res, c.err = fn()
	if c.err != nil {
		g.mu.Lock()
		delete(g.calls, token) // a failure is not remembered
		g.mu.Unlock()
	}
	close(c.done)
	return c.res, c.err
}

// expiry is when tok's access token runs out on the outpost's clock (Unix
// seconds; 0 when the core did not say).
func (o *Outpost) expiry(tok *oauth2.Token) int64 {
	switch {
	case tok.ExpiresIn > 0:
		return o.now().Add(time.Duration(tok.ExpiresIn) * time.Second).Unix()
	case !tok.Expiry.IsZero():
		return tok.Expiry.Unix()
	}
	return 0
}

// signOut ends the outpost session of the request's host and sends the
// browser to the core's end_session endpoint (the issuer when discovery
// names none). No post_logout_redirect_uri is sent: the outpost cannot be
// sure it is registered.
func (o *Outpost) signOut(w http.ResponseWriter, r *http.Request, s *snapshot) {
	p := s.provider(o.requestURL(r).Host)
	if p == nil {
		errorPage(w, http.StatusNotFound, "No application of this Gatehouse outpost is served at this host.")
		return
	}
	if c, err := r.Cookie(p.cookieName); err == nil {
		var sc sessionCookie
		if p.sessionBox.open(p.cookieName, c.Value, &sc) == nil {
			o.sessions.drop(p.ID, sc.SID)
		}
	}
	http.SetCookie(w, p.cookie(p.cookieName, "", "/", -1))
	target := s.issuer
	if is, err := o.issuers.get(r.Context(), s.issuer); err == nil && is.endSession != "" {
		target = is.endSession
	}
	if u, err := url.Parse(target); err != nil || (u.Scheme != schemeHTTP && u.Scheme != schemeHTTPS) {
		target = p.root()
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusFound)
}

// validState reports whether state can be one of randomString's.
func validState(state string) bool {
	if len(state) != 43 {
		return false
	}
	for _, c := range state {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// randomString is 256 random bits, base64url.
func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
