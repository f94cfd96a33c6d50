package provider

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/gatehouse-id/gatehouse/executor"
)

// signedOutLifetime bounds the signed hop to a post_logout_redirect_uri:
// the invalidation flow runs in between.
const signedOutLifetime = 15 * time.Minute

// endSessionInfo is what end_session learns from the HTTP request that
// TerminateSessionFromRequest (given a context only) needs.
type endSessionInfo struct {
	// brandFlow is the brand's invalidation flow.
	brandFlow string
	// hasSession reports whether the browser has a logged-in session.
	hasSession bool
}

type endSessionKey struct{}

// endSession hands end_session to the library with what it needs to know
// of the browser.
func (p *Provider) endSession(w http.ResponseWriter, r *http.Request) {
	info := endSessionInfo{hasSession: p.session(r.Context()) != nil}
	if p.opts.InvalidationFlow != nil {
		if slug, err := p.opts.InvalidationFlow(r); err == nil {
			info.brandFlow = slug
		}
	}
	p.op.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), endSessionKey{}, info)))
}

var _ op.CanTerminateSessionFromRequest = (*storage)(nil)

// TerminateSessionFromRequest ends a session at a client's request: the
// client's tokens for the user are revoked, and the browser goes through
// the invalidation flow (which ends its Gatehouse session) to the
// validated post-logout target.
func (s *storage) TerminateSessionFromRequest(ctx context.Context, req *op.EndSessionRequest) (string, error) {
	if req.ClientID != "" && req.UserID != "" {
		if err := s.TerminateSession(ctx, req.UserID, req.ClientID); err != nil {
			return "", err
		}
	}
	info, _ := ctx.Value(endSessionKey{}).(endSessionInfo)
	if !info.hasSession {
		return req.RedirectURI, nil
	}
	flow := info.brandFlow
	if req.ClientID != "" {
		if p, err := s.provider(ctx, req.ClientID); err == nil {
			if f, err := s.client.OAuth2Provider.QueryInvalidationFlow(p).Only(sys(ctx)); err == nil {
				flow = f.Slug
			}
		}
	}
	done := s.signedOutURL(req.RedirectURI)
	if flow == "" {
		return done, nil
	}
	return executor.FlowPath(flow) + "?" + url.Values{nextParam: {done}}.Encode(), nil
}

// signedOutURL is where the invalidation flow ends for target: target
// itself when it is our own page, else SignedOutPath carrying target
// signed (the flow's next must be a path on this server).
func (s *storage) signedOutURL(target string) string {
	if strings.HasPrefix(target, SignedOutPath) {
		return target
	}
	exp := strconv.FormatInt(s.now().Add(signedOutLifetime).Unix(), 10)
	return SignedOutPath + "?" + url.Values{"to": {target}, "exp": {exp}, "sig": {s.signLogout(target, exp)}}.Encode()
}

func (s *storage) signLogout(target, exp string) string {
	mac := hmac.New(sha256.New, s.logoutKey)
	_, _ = fmt.Fprintf(mac, "%s\n%s", target, exp)
	return hex.EncodeToString(mac.Sum(nil))
}

// signedOut shows the signed-out page, or forwards to a signed target.
func (p *Provider) signedOut(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	to := q.Get("to")
	if to == "" {
		p.page(w, r, http.StatusOK, Page{Title: "You are signed out", Text: "You can close this window."})
		return
	}
	exp, err := strconv.ParseInt(q.Get("exp"), 10, 64)
	want := p.st.signLogout(to, q.Get("exp"))
	if err != nil || !hmac.Equal([]byte(want), []byte(q.Get("sig"))) || p.opts.NowFunc().Unix() > exp {
		p.errorPage(w, r, http.StatusBadRequest, "This sign-out link is not valid (or has expired).")
		return
	}
	http.Redirect(w, r, to, http.StatusFound) //nolint:gosec // to is signed: the library checked it against the client's registered post-logout URIs before we signed it
}
