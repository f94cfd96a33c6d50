package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/oauth2authrequest"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/oidc/device"
)

// The device authorization grant (RFC 8628; see package oidc/device): the
// library serves the device authorization endpoint and the token
// endpoint's device_code grant over this storage; the browser side
// (VerificationPath, ContinuePath) is ours.

const (
	deviceAuthorizationPath = "/oauth2/device_authorization"
	// deviceLifetime bounds a device authorization (RFC 8628 suggests
	// minutes, long enough to find a browser and sign in).
	deviceLifetime = 10 * time.Minute
	// DefaultDevicePollInterval is how often a device may poll.
	DefaultDevicePollInterval = 5 * time.Second
)

// errSlowDown answers a device that polls faster than the interval. The
// library answers slow_down only for context.DeadlineExceeded (any other
// error of GetDeviceAuthorizatonState is access_denied, which would end
// the device's attempt), hence the wrapping.
var errSlowDown = fmt.Errorf("device polled before its interval: %w", context.DeadlineExceeded)

// deviceConfig is the library's device authorization configuration.
func deviceConfig(interval time.Duration) op.DeviceAuthorizationConfig {
	return op.DeviceAuthorizationConfig{
		Lifetime:     deviceLifetime,
		PollInterval: interval,
		UserFormPath: device.VerificationPath,
		UserCode:     op.UserCodeConfig{CharSet: device.UserCodeAlphabet, CharAmount: 8, DashInterval: 4},
	}
}

// StoreDeviceAuthorization stores a device authorization: a request
// without a redirect URI, its codes hashed.
func (s *storage) StoreDeviceAuthorization(ctx context.Context, clientID, deviceCode, userCode string, expires time.Time, scopes []string) error {
	p, err := s.provider(ctx, clientID)
	if err != nil {
		return err
	}
	id, err := randomID()
	if err != nil {
		return err
	}
	err = s.client.OAuth2AuthRequest.Create().
		SetID(id).
		SetCreatedAt(s.now()).
		SetExpiresAt(expires).
		SetProviderID(p.ID).
		SetClientID(p.ClientID).
		SetRedirectURI("").
		SetScopes(scopes).
		SetResponseType(string(oidc.GrantTypeDeviceCode)).
		SetDeviceCodeHash(device.Hash(deviceCode)).
		SetUserCodeHash(device.UserCodeHash(userCode)).
		Exec(sys(ctx))
	if ent.IsConstraintError(err) {
		return op.ErrDuplicateUserCode
	}
	if err != nil {
		return fmt.Errorf("store device authorization: %w", err)
	}
	return nil
}

// GetDeviceAuthorizatonState answers a device's poll: pending until the
// user authorized or refused it, slow_down when it polls faster than the
// interval, and once authorized the grant, exactly once (a
// compare-and-set: a device code presented again is a replay, which
// revokes what the first redemption issued).
func (s *storage) GetDeviceAuthorizatonState(ctx context.Context, clientID, deviceCode string) (*op.DeviceAuthorizationState, error) {
	ctx = sys(ctx)
	h := device.Hash(deviceCode)
	r, err := s.client.OAuth2AuthRequest.Query().
		Where(oauth2authrequest.DeviceCodeHash(h), oauth2authrequest.ClientID(clientID)).
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	if r.RedeemedAt != nil {
		s.revokeFamily(ctx, r.ID, reasonReplayedCode)
		s.suspicious(ctx, reasonReplayedCode, r.ClientID)
		return nil, errNotFound
	}
	now := s.now()
	gap := s.pollInterval * 4 / 5 // a poll delayed on its way may arrive a little early
	n, err := s.client.OAuth2AuthRequest.Update().
		Where(oauth2authrequest.ID(r.ID),
			oauth2authrequest.Or(oauth2authrequest.PolledAtIsNil(), oauth2authrequest.PolledAtLTE(now.Add(-gap)))).
		SetPolledAt(now).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("poll device authorization: %w", err)
	}
	if n == 0 {
		return nil, errSlowDown
	}
	state := &op.DeviceAuthorizationState{ClientID: r.ClientID, Scopes: r.Scopes, Expires: r.ExpiresAt}
	switch {
	case r.DeniedAt != nil:
		state.Denied = true
		return state, nil
	case r.AuthorizedAt == nil:
		return state, nil
	}
	n, err = s.client.OAuth2AuthRequest.Update().
		Where(oauth2authrequest.ID(r.ID), oauth2authrequest.RedeemedAtIsNil()).
		SetRedeemedAt(now).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("redeem device code: %w", err)
	}
	if n == 0 {
		return nil, errNotFound
	}
	a, err := s.wrap(ctx, r)
	if err != nil {
		return nil, err
	}
	state.Done = true
	state.Scopes = r.GrantedScopes
	state.Subject = a.subject
	state.AMR = r.Amr
	if r.AuthTime != nil {
		state.AuthTime = *r.AuthTime
	}
	redeemedDevice(ctx).remember(state, r)
	return state, nil
}

// deviceGrants carries, through one token request, the row behind the
// library's DeviceAuthorizationState (which has no place for it): the
// state GetDeviceAuthorizatonState returned is the one the library then
// asks tokens and claims for.
type deviceGrants struct {
	state *op.DeviceAuthorizationState
	row   *ent.OAuth2AuthRequest
}

type deviceGrantsKey struct{}

func withDeviceGrants(ctx context.Context) context.Context {
	return context.WithValue(ctx, deviceGrantsKey{}, &deviceGrants{})
}

// redeemedDevice is the request's holder; a throwaway one outside the
// token endpoint.
func redeemedDevice(ctx context.Context) *deviceGrants {
	if g, ok := ctx.Value(deviceGrantsKey{}).(*deviceGrants); ok {
		return g
	}
	return &deviceGrants{}
}

func (g *deviceGrants) remember(state *op.DeviceAuthorizationState, row *ent.OAuth2AuthRequest) {
	g.state, g.row = state, row
}

// rowOf is the authorization request behind state.
func (g *deviceGrants) rowOf(state *op.DeviceAuthorizationState) (*ent.OAuth2AuthRequest, error) {
	if g.state != state || g.row == nil {
		return nil, errors.New("unknown device authorization state")
	}
	return g.row, nil
}

// deviceGrant is the grant of a redeemed device authorization.
func (s *storage) deviceGrant(ctx context.Context, state *op.DeviceAuthorizationState) (*grant, error) {
	r, err := redeemedDevice(ctx).rowOf(state)
	if err != nil {
		return nil, err
	}
	p, err := s.provider(ctx, r.ClientID)
	if err != nil {
		return nil, err
	}
	if !p.DeviceAuthorization {
		return nil, oidc.ErrUnauthorizedClient().WithDescription("the client may no longer use the device authorization grant")
	}
	return &grant{provider: p, family: r.ID, userID: r.UserID, scopes: r.GrantedScopes, authTime: r.AuthTime, amr: r.Amr}, nil
}

// checkDeviceClient enforces what the library leaves out at the device
// authorization endpoint (RFC 8628 §3.1): a confidential client must
// authenticate. It also lets clients send their credentials in the form
// (client_secret_post), which the library's device endpoints read only
// from the Authorization header: they are moved there. false when it
// answered the request.
func (p *Provider) checkDeviceClient(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, oidc.ErrInvalidRequest().WithDescription("the request is malformed"))
		return false
	}
	if _, _, basic := r.BasicAuth(); !basic {
		if id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"); id != "" && secret != "" {
			r.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
		}
	}
	if r.URL.Path != deviceAuthorizationPath {
		return true
	}
	id := requestClientID(r)
	prov, err := p.st.provider(r.Context(), id)
	if err != nil {
		return true // the library answers an unknown client
	}
	if _, _, basic := r.BasicAuth(); prov.ClientType == enum.ClientTypeConfidential && !basic {
		writeOAuthError(w, http.StatusUnauthorized, oidc.ErrInvalidClient().WithDescription("a confidential client must authenticate"))
		return false
	}
	return true
}

// isDeviceGrant reports whether a token request redeems a device code.
func isDeviceGrant(r *http.Request) bool {
	return r.Method == http.MethodPost && r.ParseForm() == nil && r.PostForm.Get("grant_type") == string(oidc.GrantTypeDeviceCode)
}

// writeOAuthError answers an endpoint's error as JSON (RFC 6749 §5.2).
func writeOAuthError(w http.ResponseWriter, status int, e *oidc.Error) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, `{"error":%q,"error_description":%q}`, e.ErrorType, e.Description)
}

// verify serves VerificationPath: it sends the browser to the brand's
// device-code flow, signing in first, the user code carried along.
func (p *Provider) verify(w http.ResponseWriter, r *http.Request) {
	code := device.Normalize(r.URL.Query().Get(device.UserCodeParam))
	if len(code) > 32 {
		code = ""
	}
	here := device.VerificationPath
	q := url.Values{}
	if code != "" {
		q.Set(device.UserCodeParam, code)
		here += "?" + q.Encode()
	}
	if p.session(r.Context()) == nil {
		slug, err := p.opts.AuthenticationFlow(r)
		if err != nil || slug == "" {
			p.errorPage(w, r, http.StatusServiceUnavailable, "No login flow is configured for this site.")
			return
		}
		http.Redirect(w, r, executor.FlowPath(slug)+"?"+url.Values{nextParam: {here}}.Encode(), http.StatusFound)
		return
	}
	slug := ""
	var err error
	if p.opts.DeviceCodeFlow != nil {
		slug, err = p.opts.DeviceCodeFlow(r)
	}
	if err != nil || slug == "" {
		p.errorPage(w, r, http.StatusServiceUnavailable, "Signing in on a device is not set up for this site.")
		return
	}
	target := executor.FlowPath(slug)
	if code != "" {
		target += "?" + q.Encode()
	}
	http.Redirect(w, r, target, http.StatusFound)
}

// deviceResume goes on with a device authorization whose user code was
// entered (resume's part for requests without a redirect URI): only its
// user may answer it; once answered the browser is told to return to the
// device. false when resume should go on (to the policies and the
// authorization flow).
func (p *Provider) deviceResume(w http.ResponseWriter, r *http.Request, req *ent.OAuth2AuthRequest, userID int) bool {
	switch {
	case req.DeviceUserID == nil || *req.DeviceUserID != userID:
		p.errorPage(w, r, http.StatusForbidden, "This code was entered by another account.")
	case req.DeniedAt != nil:
		p.page(w, r, http.StatusOK, Page{Title: "Device not connected", Text: "You did not allow the device access. You can close this window."})
	case req.AuthorizedAt != nil:
		p.page(w, r, http.StatusOK, Page{Title: "Device connected", Text: "You are signed in on your device. You can close this window and return to it."})
	default:
		return false
	}
	return true
}
