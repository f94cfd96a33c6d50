// Package consent is the stage that asks the user to let an application
// have what an SSO authorization asks for (the scopes in the context's
// oauth2_scopes, for the context's application; custom scopes described
// by oauth2_scope_descriptions), and remembers the answer
// per mode: always ask, remember for good, or remember for a while. A
// remembered consent covering every scope asked passes silently; one that
// covers some asks only for the new ones. Refusing ends the flow: an SSO
// authorization answers the application access_denied; elsewhere the
// flow is denied.
package consent

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/userconsent"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/oidc/clients"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the stage kind's persisted name.
const Kind = "consent"

// Mode is how a consent is remembered.
type Mode string

// Modes.
const (
	// ModeAlwaysRequire asks every time and remembers nothing.
	ModeAlwaysRequire Mode = "always_require"
	// ModePermanent remembers the consent until the user revokes it.
	ModePermanent Mode = "permanent"
	// ModeExpiring remembers it for Config.ExpiresIn seconds.
	ModeExpiring Mode = "expiring"
)

// Modes lists every Mode.
var Modes = []Mode{ModeAlwaysRequire, ModePermanent, ModeExpiring}

// MarshalGQL implements graphql.Marshaler.
func (m Mode) MarshalGQL(w io.Writer) { enum.MarshalGQL(w, m) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (m *Mode) UnmarshalGQL(v any) error { return enum.UnmarshalGQL(v, m, Modes) }

// DefaultExpiresIn is how long an expiring consent lasts: four weeks.
const DefaultExpiresIn = 4 * 7 * 24 * 3600

// MaxExpiresIn bounds ExpiresIn: a year.
const MaxExpiresIn = 366 * 24 * 3600

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, func() *Config { return &Config{ConsentMode: ModeExpiring, ExpiresIn: DefaultExpiresIn} }, New)
}

// Config configures a consent stage.
type Config struct {
	// ConsentMode is how the consent is remembered.
	ConsentMode Mode `json:"mode"`
	// ExpiresIn is how long an expiring consent lasts, in seconds.
	ExpiresIn int `json:"expires_in"`
}

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	if !slices.Contains(Modes, c.ConsentMode) {
		return problem.Invalid("mode", "must be one of %v", Modes)
	}
	if c.ConsentMode == ModeExpiring && (c.ExpiresIn < 60 || c.ExpiresIn > MaxExpiresIn) {
		return problem.Invalid("expires_in", "must be between 60 and %d seconds", MaxExpiresIn)
	}
	return nil
}

// Permission is one thing the application asks for.
type Permission struct {
	// Scope is the OAuth2 scope.
	Scope string `json:"scope"`
	// Description says what it lets the application have.
	Description string `json:"description"`
	// New is set when the user has not consented to it before.
	New bool `json:"new"`
}

// Challenge asks for consent.
type Challenge struct {
	executor.ChallengeBase

	// ApplicationName and ApplicationIcon show who asks.
	ApplicationName string `json:"application_name"`
	ApplicationIcon string `json:"application_icon"`
	// Permissions are what the application asks for.
	Permissions []Permission `json:"permissions"`
}

// Response answers the challenge.
type Response struct {
	// Approve lets the application have what it asks for; false refuses.
	Approve bool `json:"approve"`
}

// ResponseKind implements executor.Response.
func (Response) ResponseKind() string { return Kind }

// Stage asks for consent.
type Stage struct {
	cfg  *Config
	deps executor.Deps
}

// New builds a consent stage.
func New(cfg *Config, deps executor.Deps) (executor.Stage, error) {
	return &Stage{cfg: cfg, deps: deps}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }

// asked is what the request asks consent for.
type asked struct {
	appID   int
	name    string
	icon    string
	scopes  []string
	granted []string // remembered, still valid
	// descriptions are the custom scopes' (the built-ins' are
	// clients.ScopeDescription).
	descriptions map[string]string
}

// read returns what the execution asks consent for; nil outside an SSO
// authorization (nothing to consent to).
func (s *Stage) read(ctx context.Context, req *executor.Request) (*asked, error) {
	var app struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	}
	ok, err := req.Execution.Context.Get(executor.KeyApplication, &app)
	if err != nil || !ok || app.ID == 0 || req.User == nil {
		return nil, err
	}
	a := &asked{appID: app.ID, name: app.Name}
	if _, err := req.Execution.Context.Get(executor.KeyOAuth2Scopes, &a.scopes); err != nil {
		return nil, err
	}
	if _, err := req.Execution.Context.Get(executor.KeyOAuth2ScopeDescriptions, &a.descriptions); err != nil {
		return nil, err
	}
	if application, err := s.deps.Client.Application.Get(ctx, app.ID); err == nil {
		a.icon = application.Icon
	}
	if s.cfg.ConsentMode == ModeAlwaysRequire {
		return a, nil
	}
	c, err := s.remembered(ctx, req.User.ID, app.ID)
	if err != nil {
		return nil, err
	}
	if c != nil && (c.ExpiresAt == nil || req.Now.Before(*c.ExpiresAt)) {
		a.granted = c.Scopes
	}
	return a, nil
}

func (s *Stage) remembered(ctx context.Context, userID, appID int) (*ent.UserConsent, error) {
	c, err := s.deps.Client.UserConsent.Query().
		Where(userconsent.UserID(userID), userconsent.ApplicationID(appID)).
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil //nolint:nilnil // no consent remembered
	}
	if err != nil {
		return nil, fmt.Errorf("read remembered consent: %w", err)
	}
	return c, nil
}

// description says what scope sc lets the application have.
func (a *asked) description(sc string) string {
	if d := a.descriptions[sc]; d != "" {
		return d
	}
	return clients.ScopeDescription(sc)
}

// Skip implements executor.Skipper: outside an SSO authorization there
// is nothing to ask; a remembered consent covering every scope passes,
// unless the client asked for prompt=consent.
func (s *Stage) Skip(ctx context.Context, req *executor.Request) (executor.Result, bool, error) {
	a, err := s.read(ctx, req)
	if err != nil {
		return executor.Result{}, false, err
	}
	if a == nil {
		return executor.Next(), true, nil
	}
	var forced bool
	if _, err := req.Execution.Context.Get(executor.KeyOAuth2PromptConsent, &forced); err != nil {
		return executor.Result{}, false, err
	}
	if !forced && s.cfg.ConsentMode != ModeAlwaysRequire && covers(a.granted, a.scopes) {
		return executor.Next(), true, nil
	}
	return executor.Result{}, false, nil
}

// covers reports whether granted holds every scope of scopes.
func covers(granted, scopes []string) bool {
	for _, sc := range scopes {
		if !slices.Contains(granted, sc) {
			return false
		}
	}
	return true
}

// Challenge implements executor.Interactive.
func (s *Stage) Challenge(ctx context.Context, req *executor.Request) (executor.Challenge, error) {
	a, err := s.read(ctx, req)
	if err != nil {
		return nil, err
	}
	ch := &Challenge{Permissions: []Permission{}}
	if a == nil {
		return ch, nil
	}
	ch.ApplicationName, ch.ApplicationIcon = a.name, a.icon
	for _, sc := range a.scopes {
		ch.Permissions = append(ch.Permissions, Permission{
			Scope: sc, Description: a.description(sc), New: !slices.Contains(a.granted, sc),
		})
	}
	return ch, nil
}

// Submit implements executor.Interactive.
func (s *Stage) Submit(ctx context.Context, req *executor.Request, resp executor.Response) (executor.Result, error) {
	r, ok := resp.(*Response)
	if !ok {
		return executor.Retry(executor.FieldError{Message: "expected a consent response", Code: "invalid"}), nil
	}
	if !r.Approve {
		// Inside an SSO authorization the application hears the refusal
		// (access_denied): the flow ends where the authorization goes on.
		if to := req.Execution.Context.String(executor.KeyRedirect); to != "" {
			if err := req.Execution.Context.Set(executor.KeyOAuth2Refused, true); err != nil {
				return executor.Result{}, err
			}
			return executor.RedirectTo(to), nil
		}
		return executor.Deny("You did not allow the application access."), nil
	}
	a, err := s.read(ctx, req)
	if err != nil || a == nil {
		return executor.Next(), err
	}
	if s.cfg.ConsentMode == ModeAlwaysRequire {
		return executor.Next(), nil
	}
	var expires *time.Time
	if s.cfg.ConsentMode == ModeExpiring {
		t := req.Now.Add(time.Duration(s.cfg.ExpiresIn) * time.Second)
		expires = &t
	}
	scopes := slices.Clone(a.scopes)
	for _, sc := range a.granted {
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	err = s.deps.Client.UserConsent.Create().
		SetUserID(req.User.ID).
		SetApplicationID(a.appID).
		SetScopes(scopes).
		SetNillableExpiresAt(expires).
		OnConflictColumns(userconsent.FieldUserID, userconsent.FieldApplicationID).
		Update(func(u *ent.UserConsentUpsert) {
			// The inserted row's values: the scopes, the new expiry (none
			// when permanent), the time.
			u.UpdateScopes()
			u.UpdateExpiresAt()
			u.UpdateUpdatedAt()
		}).
		Exec(ctx)
	if err != nil {
		return executor.Result{}, fmt.Errorf("remember consent: %w", err)
	}
	return executor.Next(), nil
}
