package provider

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"

	"github.com/gatehouse-id/gatehouse/directory"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/group"
	"github.com/gatehouse-id/gatehouse/ent/oauth2authrequest"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/oidc/scopes"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/problem"
)

// NewHandoff returns the executor.Handoff that ties authorization flows to
// authorization requests: the flow started with ?oauth2_request=ID is
// seeded with the application and the scopes, and its successful end
// authorizes the request for the session's user (an AUTHORIZE_APPLICATION
// event when recorder is set). now is the clock (nil: time.Now).
func NewHandoff(client *ent.Client, recorder Recorder, now func() time.Time) executor.Handoff {
	if now == nil {
		now = time.Now
	}
	return handoff{client: client, recorder: recorder, now: now}
}

type handoff struct {
	client   *ent.Client
	recorder Recorder
	now      func() time.Time
}

// amrOf maps how a user logged in (the flow's auth methods, then the
// second factor's) to RFC 8176 amr values: a one-time code of an
// authenticator app, a code by mail or a recovery code is "otp", a passkey or security
// key (as the second factor "webauthn", or alone as "passkey") is "hwk",
// and a second factor makes the login "mfa".
func amrOf(methods []string) []string {
	out := []string{}
	add := func(v string) {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	for _, m := range methods {
		switch m {
		case "password", "app_password":
			add("pwd")
		case "totp", "static", "email":
			add("otp")
			add("mfa")
		case "webauthn": // a passkey or security key as the second factor
			add("hwk")
			add("mfa")
		case "passkey": // a passkey alone (passwordless)
			add("hwk")
		}
	}
	return out
}

func (h handoff) Param() string { return HandoffParam }

var errNotThisFlow = problem.Invalid(HandoffParam, "this flow cannot authorize that request")

func (h handoff) Seed(ctx context.Context, ref, flowSlug string, userID int) (map[string]any, error) {
	req, err := h.client.OAuth2AuthRequest.Query().
		Where(oauth2authrequest.ID(ref), oauth2authrequest.ExpiresAtGT(h.now()),
			oauth2authrequest.AuthorizedAtIsNil(), oauth2authrequest.DeniedAtIsNil(), oauth2authrequest.RedeemedAtIsNil()).
		Only(sys(ctx))
	if err != nil || userID == 0 {
		return nil, errNotThisFlow
	}
	if req.DeviceCodeHash != nil && (req.DeviceUserID == nil || *req.DeviceUserID != userID) {
		return nil, errNotThisFlow // only who entered the device's code may answer it
	}
	prov, err := h.client.OAuth2Provider.Get(sys(ctx), req.ProviderID)
	if err != nil {
		return nil, errNotThisFlow
	}
	flow, err := h.client.OAuth2Provider.QueryAuthorizationFlow(prov).Only(sys(ctx))
	if err != nil || flow.Slug != flowSlug {
		return nil, errNotThisFlow
	}
	allowed := allowedScopes(req.Scopes, prov.Scopes)
	descriptions, err := scopes.Descriptions(ctx, h.client, allowed)
	if err != nil {
		return nil, err
	}
	seed := map[string]any{
		executor.KeyOAuth2Scopes:            allowed,
		executor.KeyOAuth2ScopeDescriptions: descriptions,
		// The flow ends where the authorization goes on, refused or not.
		executor.KeyRedirect: resumeURL(ref),
	}
	if slices.Contains(req.Prompt, oidc.PromptConsent) {
		seed[executor.KeyOAuth2PromptConsent] = true
	}
	if app, err := h.client.OAuth2Provider.QueryApplication(prov).Only(sys(ctx)); err == nil {
		seed[executor.KeyApplication] = policy.ApplicationVariables(app)
	}
	return seed, nil
}

func (h handoff) Ended(ctx context.Context, ref string, e *executor.Ending) error {
	var refused bool
	if _, err := e.Context.Get(executor.KeyOAuth2Refused, &refused); err != nil {
		return err
	}
	if e.Denied || refused {
		// The client is answered access_denied (resume).
		return h.client.OAuth2AuthRequest.Update().
			Where(oauth2authrequest.ID(ref), oauth2authrequest.AuthorizedAtIsNil(), oauth2authrequest.DeniedAtIsNil()).
			SetDeniedAt(h.now()).
			Exec(sys(ctx))
	}
	if e.UserID == 0 {
		return nil
	}
	scopes := []string{}
	if _, err := e.Context.Get(executor.KeyOAuth2Scopes, &scopes); err != nil {
		return err
	}
	authTime := e.AuthTime
	n, err := h.client.OAuth2AuthRequest.Update().
		Where(oauth2authrequest.ID(ref), oauth2authrequest.AuthorizedAtIsNil(), oauth2authrequest.ExpiresAtGT(h.now())).
		SetUserID(e.UserID).
		SetAuthTime(authTime).
		SetAmr(amrOf(e.AuthMethods)).
		SetGrantedScopes(scopes).
		SetSessionKey(e.SessionKey).
		SetAuthorizedAt(h.now()).
		Save(sys(ctx))
	if err != nil {
		return err
	}
	if n == 0 {
		return errors.New("the authorization request expired or was authorized already")
	}
	h.recordAuthorization(ctx, ref, e, scopes)
	return nil
}

// recordAuthorization writes the AUTHORIZE_APPLICATION event, its actor
// the user who authorized.
func (h handoff) recordAuthorization(ctx context.Context, ref string, e *executor.Ending, scopes []string) {
	if h.recorder == nil {
		return
	}
	req, err := h.client.OAuth2AuthRequest.Get(sys(ctx), ref)
	if err != nil {
		return
	}
	u, err := h.client.User.Get(sys(ctx), e.UserID)
	if err != nil {
		return
	}
	data := map[string]any{"client_id": req.ClientID, "scopes": scopes}
	var app map[string]any
	if ok, err := e.Context.Get(executor.KeyApplication, &app); err == nil && ok {
		data["application"] = app["slug"]
	}
	actor := viewer.NewContext(ctx, viewer.Viewer{Kind: viewer.User, UserID: u.ID, Username: u.Username})
	_, _ = h.recorder.Record(actor, h.client, enum.EventActionAuthorizeApplication, data)
}

// allowedScopes are the scopes of asked that allowed contains, in order.
func allowedScopes(asked, allowed []string) []string {
	out := []string{}
	for _, s := range asked {
		if slices.Contains(allowed, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// groupNames are the names of userID's groups, parents included.
func (s *storage) groupNames(ctx context.Context, userID int) ([]string, error) {
	m, err := directory.MembershipOf(ctx, s.client, userID)
	if err != nil {
		return nil, err
	}
	names, err := s.client.Group.Query().Where(group.IDIn(m.GroupIDs...)).Order(group.ByName()).
		Select(group.FieldName).Strings(sys(ctx))
	if err != nil {
		return nil, err
	}
	return names, nil
}
