package provider

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/gatehouse-id/gatehouse/applications"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/oauth2authrequest"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/consent"
	"github.com/gatehouse-id/gatehouse/oidc/clients"
	"github.com/gatehouse-id/gatehouse/oidc/device"
	"github.com/gatehouse-id/gatehouse/oidc/keys"
	"github.com/gatehouse-id/gatehouse/oidc/redirecturi"
	"github.com/gatehouse-id/gatehouse/oidc/scopes"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/session"
)

// Paths the provider serves, relative to the issuer.
const (
	// DiscoveryPath is the OpenID Connect discovery document.
	DiscoveryPath = "/.well-known/openid-configuration"
	// Prefix is where every other endpoint lives (clients find them
	// through discovery).
	Prefix = "/oauth2/"
	// ResumePath continues an authorization after a flow: it needs the
	// client's session, so it is served behind the session middleware.
	ResumePath = "/oauth2/authorize/resume"
	// EndSessionPath is the end_session endpoint; SignedOutPath is where
	// it ends: Gatehouse's signed-out page, or a signed hop to the
	// client's post_logout_redirect_uri.
	EndSessionPath = "/oauth2/end_session"
	SignedOutPath  = "/oauth2/end_session/done"

	authorizePath = "/oauth2/authorize"
	tokenPath     = "/oauth2/token" //nolint:gosec // a path, not a credential
	// HandoffParam names the authorization request in the authorization
	// flow's query (executor.Handoff).
	HandoffParam = "oauth2_request"
	// LoginHintParam carries a client's login_hint to the authentication
	// flow, whose identification stage fills it in.
	LoginHintParam = "login_hint"
)

// Options configure a Provider.
type Options struct {
	// Client is the database.
	Client *ent.Client
	// Keys signs tokens.
	Keys *keys.Store
	// Issuer is GATEHOUSE_PUBLIC_URL, exactly as configured.
	Issuer string
	// SecretKey seals access tokens and derives hashed subjects.
	SecretKey string
	// Flows runs the authorization flows.
	Flows *executor.Executor
	// Sessions reads the client's Gatehouse session.
	Sessions *session.Manager
	// Access decides who may use an application.
	Access *applications.Access
	// SessionID returns the client's session ID from the request context
	// (authn.SessionID).
	SessionID func(ctx context.Context) session.ID
	// AuthenticationFlow returns the slug of the brand's authentication
	// flow for a request.
	AuthenticationFlow func(r *http.Request) (string, error)
	// InvalidationFlow returns the slug of the brand's invalidation flow
	// (end_session runs it when the provider names none).
	InvalidationFlow func(r *http.Request) (string, error)
	// DeviceCodeFlow returns the slug of the brand's device-code flow,
	// where a user enters the code a device shows ("" or nil: devices
	// cannot be signed in).
	DeviceCodeFlow func(r *http.Request) (string, error)
	// DevicePollInterval is how often a device may poll the token
	// endpoint; zero means DefaultDevicePollInterval.
	DevicePollInterval time.Duration
	// Recorder writes the audit events (SUSPICIOUS_REQUEST); nil: none.
	Recorder Recorder
	// Logger receives what the provider did; nil discards.
	Logger *slog.Logger
	// PageFunc answers the pages the provider shows itself (its error
	// pages, the signed-out page) with status, never a redirect; nil
	// answers plain HTML pages.
	PageFunc func(w http.ResponseWriter, r *http.Request, status int, p Page)
	// NowFunc is the clock; nil means time.Now.
	NowFunc func() time.Time
}

// Provider is the OpenID Connect provider.
type Provider struct {
	opts     Options
	op       *op.Provider
	st       *storage
	callback func(context.Context, string) string
}

// New builds the provider. The issuer must be an https URL, or http for
// development and tests.
func New(o Options) (*Provider, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.NowFunc == nil {
		o.NowFunc = time.Now
	}
	if o.DevicePollInterval <= 0 {
		o.DevicePollInterval = DefaultDevicePollInterval
	}
	crypto, err := hkdf.Key(sha256.New, []byte(o.SecretKey), nil, "gatehouse oidc access tokens v1", 32)
	if err != nil {
		return nil, fmt.Errorf("oidc provider: derive token key: %w", err)
	}
	subjects, err := clients.SubjectKey(o.SecretKey)
	if err != nil {
		return nil, fmt.Errorf("oidc provider: %w", err)
	}
	logout, err := hkdf.Key(sha256.New, []byte(o.SecretKey), nil, "gatehouse oidc logout v1", 32)
	if err != nil {
		return nil, fmt.Errorf("oidc provider: derive logout key: %w", err)
	}
	st := &storage{
		client: o.Client, recorder: o.Recorder, keys: o.Keys, secret: subjects, logoutKey: logout, now: o.NowFunc, logger: o.Logger,
		loginURL: resumeURL, pollInterval: o.DevicePollInterval,
		claims: scopes.NewEvaluator(o.Client, o.Recorder, o.Logger),
	}
	cfg := &op.Config{
		DefaultLogoutRedirectURI: SignedOutPath,
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		GrantTypeRefreshToken:    true,
		DeviceAuthorization:      deviceConfig(o.DevicePollInterval),
	}
	copy(cfg.CryptoKey[:], crypto)
	opts := []op.Option{
		op.WithCrypto(newTokenCrypto(cfg.CryptoKey)),
		op.WithCustomEndpoints(
			op.NewEndpoint("oauth2/authorize"), op.NewEndpoint("oauth2/token"), op.NewEndpoint("oauth2/userinfo"),
			op.NewEndpoint("oauth2/revoke"), op.NewEndpoint("oauth2/end_session"), op.NewEndpoint("oauth2/keys")),
		op.WithCustomIntrospectionEndpoint(op.NewEndpoint("oauth2/introspect")),
		op.WithCustomDeviceAuthorizationEndpoint(op.NewEndpoint("oauth2/device_authorization")),
		op.WithLogger(o.Logger),
	}
	if strings.HasPrefix(o.Issuer, "http://") {
		opts = append(opts, op.WithAllowInsecure())
	}
	p, err := op.NewProvider(cfg, st, op.StaticIssuer(o.Issuer), opts...)
	if err != nil {
		return nil, fmt.Errorf("oidc provider: %w", err)
	}
	return &Provider{opts: o, op: p, st: st, callback: op.AuthCallbackURL(p)}, nil
}

// Handler serves discovery and the endpoints under Prefix (all but
// ResumePath). The authorization endpoint checks the client and the
// redirect URI first: a request that fails gets Gatehouse's error page
// (400), never a redirect.
func (p *Provider) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		switch r.URL.Path {
		case authorizePath:
			admitted, prov, ok := p.admit(w, r)
			if !ok {
				return
			}
			ctx = withAdmittedRedirect(withSigner(ctx, prov), admitted)
		case deviceAuthorizationPath:
			if !p.checkDeviceClient(w, r) {
				return
			}
		case tokenPath:
			if isDeviceGrant(r) {
				if !p.checkDeviceClient(w, r) {
					return
				}
				ctx = withDeviceGrants(ctx)
			}
			// The library asks for one signing key without naming the
			// client: the ID token is signed with the client's pinned
			// key, else its algorithm's current key.
			if id := requestClientID(r); id != "" {
				if prov, err := p.st.provider(ctx, id); err == nil {
					ctx = withSigner(ctx, prov)
				}
			}
		}
		p.op.ServeHTTP(w, r.WithContext(ctx))
	})
}

// admit checks an authorization request's client and redirect URI.
func (p *Provider) admit(w http.ResponseWriter, r *http.Request) (string, *ent.OAuth2Provider, bool) {
	if err := r.ParseForm(); err != nil {
		p.errorPage(w, r, http.StatusBadRequest, "The request is malformed.")
		return "", nil, false
	}
	clientID, redirect := r.Form.Get("client_id"), r.Form.Get("redirect_uri")
	prov, err := p.st.provider(r.Context(), clientID)
	if clientID == "" || err != nil {
		if err != nil && !errors.Is(err, errNotFound) {
			p.opts.Logger.ErrorContext(r.Context(), "could not read an OAuth2 client", "error", err)
			p.errorPage(w, r, http.StatusServiceUnavailable, "The request could not be checked; try again later.")
			return "", nil, false
		}
		p.errorPage(w, r, http.StatusBadRequest, "The application that sent you here is not registered with this server.")
		return "", nil, false
	}
	m, err := redirecturi.NewMatcher(prov.RedirectUris)
	if err != nil || redirect == "" || !m.Match(redirect) {
		p.errorPage(w, r, http.StatusBadRequest, "The application that sent you here asked to be answered at an address it has not registered.")
		return "", nil, false
	}
	return redirect, prov, true
}

// requestClientID is the client a token request names (basic
// authentication or the form).
func requestClientID(r *http.Request) string {
	if id, _, ok := r.BasicAuth(); ok {
		if u, err := url.QueryUnescape(id); err == nil {
			return u
		}
	}
	if r.Method == http.MethodPost && r.ParseForm() == nil {
		return r.PostForm.Get("client_id")
	}
	return ""
}

// requestParam names the authorization request in ResumePath's query;
// nextParam is where a flow page goes when its flow ends.
const (
	requestParam = "request"
	nextParam    = "next"
)

// resumeURL is where authorization request id goes on.
func resumeURL(id string) string { return ResumePath + "?" + url.Values{requestParam: {id}}.Encode() }

type admittedKey struct{}

func withAdmittedRedirect(ctx context.Context, uri string) context.Context {
	return context.WithValue(ctx, admittedKey{}, uri)
}

// admittedRedirect is the redirect URI Handler admitted for the request
// in ctx, or "".
func admittedRedirect(ctx context.Context) string {
	s, _ := ctx.Value(admittedKey{}).(string)
	return s
}

// SessionHandler serves the endpoints that act on the browser's
// Gatehouse session (it must run behind the session middleware):
//
//   - ResumePath continues an authorization request (see the package
//     documentation): it sends the client to log in, refuses users the
//     application's policies refuse, sends them through the provider's
//     authorization flow, and finally to the library's callback, which
//     answers the client with a code.
//   - EndSessionPath (the library's end_session, the id_token_hint and
//     post_logout_redirect_uri checked by it) revokes the client's tokens
//     for the user and sends the browser through the invalidation flow
//     (the provider's, else the brand's), which ends the Gatehouse
//     session, to SignedOutPath.
//   - SignedOutPath shows that the user is signed out, or forwards to the
//     client's registered post_logout_redirect_uri (signed, short-lived).
func (p *Provider) SessionHandler() http.Handler {
	resume := op.NewIssuerInterceptor(p.op.IssuerFromRequest).Handler(http.HandlerFunc(p.resume))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case ResumePath:
			resume.ServeHTTP(w, r)
		case EndSessionPath:
			p.endSession(w, r)
		case SignedOutPath:
			p.signedOut(w, r)
		case device.VerificationPath:
			p.verify(w, r)
		case device.ContinuePath:
			resume.ServeHTTP(w, r)
		default:
			http.NotFound(w, r)
		}
	})
}

func (p *Provider) resume(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.URL.Query().Get(requestParam)
	req, err := p.st.client.OAuth2AuthRequest.Query().
		Where(oauth2authrequest.ID(id), oauth2authrequest.ExpiresAtGT(p.opts.NowFunc()), oauth2authrequest.RedeemedAtIsNil()).
		Only(sys(ctx))
	if err != nil {
		p.errorPage(w, r, http.StatusBadRequest, "This sign-in has expired or was already used.")
		return
	}
	prov, err := p.st.client.OAuth2Provider.Get(sys(ctx), req.ProviderID)
	if err != nil {
		p.errorPage(w, r, http.StatusBadRequest, "The application that sent you here is not registered with this server.")
		return
	}
	here := resumeURL(id)
	sess := p.session(ctx)
	if req.DeviceCodeHash != nil && sess != nil && p.deviceResume(w, r, req, sess.UserID) {
		return
	}
	if req.AuthorizedAt != nil {
		if sess == nil || req.UserID == nil || sess.UserID != *req.UserID {
			p.errorPage(w, r, http.StatusForbidden, "This sign-in belongs to another session.")
			return
		}
		http.Redirect(w, r, p.callback(ctx, id), http.StatusFound)
		return
	}
	if req.DeniedAt != nil {
		p.clientError(w, r, req, oidc.ErrAccessDenied())
		return
	}
	none := slices.Contains(req.Prompt, oidc.PromptNone)
	if p.needsLogin(req, sess) {
		if none {
			p.clientError(w, r, req, oidc.ErrLoginRequired())
			return
		}
		slug, err := p.opts.AuthenticationFlow(r)
		if err != nil || slug == "" {
			p.errorPage(w, r, http.StatusServiceUnavailable, "No login flow is configured for this site.")
			return
		}
		q := url.Values{nextParam: {here}}
		if req.LoginHint != "" {
			q.Set(LoginHintParam, req.LoginHint) // the identification stage fills it in
		}
		http.Redirect(w, r, executor.FlowPath(slug)+"?"+q.Encode(), http.StatusFound)
		return
	}
	if !p.admitUser(w, r, prov, sess.UserID) {
		return
	}
	flow, err := p.st.client.OAuth2Provider.QueryAuthorizationFlow(prov).Only(sys(ctx))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	query := url.Values{HandoffParam: {id}, nextParam: {here}}.Encode()
	if none {
		// No page may be shown: run the flow here; it must end at once.
		view, err := p.opts.Flows.Start(ctx, executor.StartParams{Slug: flow.Slug, Query: query, SessionID: p.opts.SessionID(ctx)})
		if err != nil || !view.Completed {
			if _, ok := view.Challenge.(*consent.Challenge); ok && err == nil {
				p.clientError(w, r, req, errConsentRequired())
				return
			}
			p.clientError(w, r, req, oidc.ErrInteractionRequired())
			return
		}
		if done, err := p.st.client.OAuth2AuthRequest.Get(sys(ctx), id); err != nil || done.AuthorizedAt == nil {
			p.clientError(w, r, req, oidc.ErrAccessDenied())
			return
		}
		http.Redirect(w, r, p.callback(ctx, id), http.StatusFound)
		return
	}
	http.Redirect(w, r, executor.FlowPath(flow.Slug)+"?"+query, http.StatusFound) //nolint:gosec // a path on this server: the flow's slug (escaped) and our own query
}

// admitUser checks the application's policies for userID; false when it
// answered the request (a refusal is a 403 page, never a redirect).
func (p *Provider) admitUser(w http.ResponseWriter, r *http.Request, prov *ent.OAuth2Provider, userID int) bool {
	ctx := r.Context()
	app, err := p.st.client.OAuth2Provider.QueryApplication(prov).Only(sys(ctx))
	if err != nil {
		p.errorPage(w, r, http.StatusBadRequest, "The application that sent you here is not set up for sign-in yet.")
		return false
	}
	user, err := p.st.client.User.Get(sys(ctx), userID)
	if err != nil {
		p.errorPage(w, r, http.StatusBadRequest, "This sign-in cannot continue.")
		return false
	}
	preq, err := p.opts.Access.RequestFor(ctx, user, policy.Client{})
	if err != nil {
		p.fail(w, r, err)
		return false
	}
	verdict, err := p.opts.Access.Allowed(ctx, app, preq)
	if err != nil {
		p.fail(w, r, err)
		return false
	}
	if !verdict.Passing {
		msg := strings.Join(verdict.Messages, " ")
		if msg == "" {
			msg = "You are not allowed to use " + app.Name + "."
		}
		// A refusal, not a fault: trying again will not help.
		p.page(w, r, http.StatusForbidden, Page{Error: true, Title: "Access denied", Text: msg})
		return false
	}
	return true
}

// session is the client's logged-in Gatehouse session, or nil.
func (p *Provider) session(ctx context.Context) *session.Session {
	sid := p.opts.SessionID(ctx)
	if sid == "" {
		return nil
	}
	s, err := p.opts.Sessions.Resume(ctx, sid)
	if err != nil || s == nil || s.UserID == 0 {
		return nil
	}
	return s
}

// needsLogin reports whether req needs a (fresh) login first.
func (p *Provider) needsLogin(req *ent.OAuth2AuthRequest, s *session.Session) bool {
	switch {
	case s == nil:
		return true
	case slices.Contains(req.Prompt, oidc.PromptLogin) && s.CreatedAt.Before(req.CreatedAt):
		return true
	case req.MaxAge != nil && p.opts.NowFunc().Sub(s.CreatedAt) > time.Duration(*req.MaxAge)*time.Second:
		return true
	}
	return false
}

// clientError answers the client at its (verified) redirect URI.
func (p *Provider) clientError(w http.ResponseWriter, r *http.Request, req *ent.OAuth2AuthRequest, err error) {
	op.AuthRequestError(w, r, &authRequest{r: req}, err, p.op)
}

// errConsentRequired answers prompt=none when only the user's consent is
// missing (OpenID Connect Core §3.1.2.6; the library has no constructor).
func errConsentRequired() *oidc.Error {
	return &oidc.Error{ErrorType: "consent_required", Description: "the user has not consented to what the client asks for"}
}

// fail answers an infrastructure failure.
func (p *Provider) fail(w http.ResponseWriter, r *http.Request, err error) {
	p.opts.Logger.ErrorContext(r.Context(), "an authorization could not continue", "error", err)
	p.errorPage(w, r, http.StatusServiceUnavailable, "This sign-in could not continue; try again later.")
}
