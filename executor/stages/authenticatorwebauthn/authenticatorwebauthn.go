// Package authenticatorwebauthn is the stage where a signed-in user
// registers a passkey or a security key (WebAuthn, package mfa/webauthn):
// it shows the options for navigator.credentials.create and saves the
// device only once the credential the browser returns verifies. The
// ceremony's session (its challenge) lives in the stage's state in the
// execution, so a reload shows the same options.
//
// Answers are counted like one-time codes: every attempt per user (before
// checking, so concurrent answers cannot multiply tries), every failure in
// the execution (past MaxFailures the flow ends) and in the client's
// reputation. A failed answer gets new options (a new challenge).
package authenticatorwebauthn

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-id/gatehouse/brand"
	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/mfa/webauthn"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/reputation"
	"github.com/gatehouse-id/gatehouse/requestinfo"
)

// Kind is the stage kind's persisted name.
const Kind = "authenticator_webauthn"

// Field is the response's field carrying the credential.
const Field = "response"

// DefaultFriendlyName is the default name of a new device.
const DefaultFriendlyName = "Passkey"

// Limits on answers: per user in a fixed window from the first attempt,
// and failures per execution before the flow ends.
const (
	PerUser     = 10
	Window      = 15 * time.Minute
	MaxFailures = 5
)

// Messages of the field errors and denials.
const (
	messageRequired  = "Use your passkey or security key when your browser asks."
	messageInvalid   = "This passkey could not be verified. Try again."
	messageLimited   = "Too many attempts. Try again later."
	messageCancelled = "Too many failed attempts."
	messageSignIn    = "Sign in before you add a passkey."
	// messageUnavailable is shown when the server's public URL cannot be
	// a WebAuthn relying party (a configuration error the admin sees as
	// a configuration_error event).
	messageUnavailable = "Passkeys are not available on this server yet. Contact an administrator."
)

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, func() *Config {
		return &Config{
			UserVerification:       webauthn.VerificationPreferred,
			ResidentKeyRequirement: webauthn.ResidentKeyPreferred,
			FriendlyName:           DefaultFriendlyName,
		}
	}, New)
}

// Config configures an authenticator_webauthn stage.
type Config struct {
	// UserVerification is whether the authenticator must verify the user.
	UserVerification webauthn.UserVerification `json:"user_verification"`
	// ResidentKeyRequirement is whether the credential must be
	// discoverable (required for passwordless login).
	ResidentKeyRequirement webauthn.ResidentKey `json:"resident_key_requirement"`
	// AuthenticatorAttachment limits the authenticator's kind; nil allows any.
	AuthenticatorAttachment *webauthn.Attachment `json:"authenticator_attachment,omitempty"`
	// FriendlyName is the name a new device gets when the user gives none.
	FriendlyName string `json:"friendly_name"`
}

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	if !slices.Contains(webauthn.UserVerifications, c.UserVerification) {
		return problem.Invalid("user_verification", "must be one of %v", webauthn.UserVerifications)
	}
	if !slices.Contains(webauthn.ResidentKeys, c.ResidentKeyRequirement) {
		return problem.Invalid("resident_key_requirement", "must be one of %v", webauthn.ResidentKeys)
	}
	if c.AuthenticatorAttachment != nil && !slices.Contains(webauthn.Attachments, *c.AuthenticatorAttachment) {
		return problem.Invalid("authenticator_attachment", "must be one of %v", webauthn.Attachments)
	}
	if n := len([]rune(strings.TrimSpace(c.FriendlyName))); n == 0 || n > 100 {
		return problem.Invalid("friendly_name", "must be 1 to 100 characters")
	}
	return nil
}

// options returns the registration requirements of c.
func (c *Config) options() webauthn.RegistrationOptions {
	o := webauthn.RegistrationOptions{UserVerification: c.UserVerification, ResidentKey: c.ResidentKeyRequirement}
	if c.AuthenticatorAttachment != nil {
		o.Attachment = *c.AuthenticatorAttachment
	}
	return o
}

// Challenge shows the options for navigator.credentials.create.
type Challenge struct {
	executor.ChallengeBase

	// Registration is the JSON of the creation options ({"publicKey": …},
	// binary members in base64url).
	Registration string `json:"registration"`
}

// Response answers the challenge.
type Response struct {
	// Response is the JSON of the credential the browser made
	// (PublicKeyCredential.toJSON(): binary members in base64url).
	Response string `json:"response"`
	// Name is what the user calls the device; empty: the configured name.
	Name *string `json:"name,omitempty"`
}

// ResponseKind implements executor.Response.
func (Response) ResponseKind() string { return Kind }

// state is the stage's private state in the execution: the pending
// ceremony of one user.
type state struct {
	UserID   int              `json:"user_id"`
	Options  string           `json:"options"`
	Session  webauthn.Session `json:"session"`
	Failures int              `json:"failures"`
}

// Stage registers a WebAuthn device.
type Stage struct {
	cfg  *Config
	deps executor.Deps
}

// New builds an authenticator_webauthn stage.
func New(cfg *Config, deps executor.Deps) (executor.Stage, error) {
	return &Stage{cfg: cfg, deps: deps}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }

// devices returns the device store for the relying party at the public
// URL, named after the brand.
func (s *Stage) devices(ctx context.Context) (*webauthn.Devices, error) {
	site, err := brand.ForHost(ctx, s.deps.Client, requestinfo.FromContext(ctx).Host)
	if err != nil {
		return nil, err
	}
	rp, err := webauthn.NewRelyingParty(s.deps.PublicURL, site.Title)
	if err != nil {
		return nil, fmt.Errorf("authenticator_webauthn: %w", err)
	}
	return webauthn.NewDevices(s.deps.Client, rp, s.deps.Now), nil
}

// begin starts a new registration for u and returns the state holding it.
func (s *Stage) begin(ctx context.Context, u *ent.User, failures int) (state, error) {
	devices, err := s.devices(ctx)
	if err != nil {
		return state{}, err
	}
	options, session, err := devices.BeginRegistration(ctx, u, s.cfg.options())
	if err != nil {
		return state{}, err
	}
	return state{UserID: u.ID, Options: options, Session: session, Failures: failures}, nil
}

// Skip implements executor.Skipper. It never skips: it denies a flow
// without a signed-in user, and otherwise begins the registration (once: a
// later visit keeps it) before the challenge is shown.
func (s *Stage) Skip(ctx context.Context, req *executor.Request) (executor.Result, bool, error) {
	u := deviceUser(req)
	if u == nil {
		return executor.Deny(messageSignIn), true, nil
	}
	var st state
	ok, err := req.LoadState(&st)
	if err != nil {
		return executor.Result{}, false, err
	}
	if ok && st.UserID == u.ID {
		return executor.Result{}, false, nil
	}
	st, err = s.begin(ctx, u, 0)
	if errors.Is(err, webauthn.ErrPublicURL) {
		s.unavailable(ctx, err)
		return executor.Deny(messageUnavailable), true, nil
	}
	if err != nil {
		return executor.Result{}, false, err
	}
	return executor.Result{}, false, req.SaveState(st)
}

// unavailable reports a public URL WebAuthn cannot use: a warning in the
// log and a configuration_error event for the admin.
func (s *Stage) unavailable(ctx context.Context, err error) {
	if s.deps.Logger != nil {
		s.deps.Logger.WarnContext(ctx, "passkeys are unavailable: the public URL cannot be a WebAuthn relying party", "error", err)
	}
	s.deps.Record(ctx, enum.EventActionConfigurationError, map[string]any{"stage_kind": Kind, "reason": err.Error()})
}

// deviceUser returns the user the stage registers a device for: the
// signed-in user; nil without one.
func deviceUser(req *executor.Request) *ent.User { return req.User }

// pending returns the pending ceremony of u.
func pending(req *executor.Request, u *ent.User) (state, error) {
	var st state
	ok, err := req.LoadState(&st)
	if err != nil {
		return st, err
	}
	if !ok || u == nil || st.UserID != u.ID {
		return st, errors.New("authenticator_webauthn: no pending registration for this user")
	}
	return st, nil
}

// Challenge implements executor.Interactive.
func (s *Stage) Challenge(_ context.Context, req *executor.Request) (executor.Challenge, error) {
	st, err := pending(req, deviceUser(req))
	if err != nil {
		return nil, err
	}
	return &Challenge{Registration: st.Options}, nil
}

// Submit implements executor.Interactive.
func (s *Stage) Submit(ctx context.Context, req *executor.Request, resp executor.Response) (executor.Result, error) {
	r, ok := resp.(*Response)
	if !ok {
		return executor.Retry(executor.FieldError{Field: Field, Message: "expected an authenticator_webauthn response", Code: "invalid"}), nil
	}
	u := deviceUser(req)
	if u == nil {
		return executor.Deny(messageSignIn), nil
	}
	if strings.TrimSpace(r.Response) == "" {
		return executor.Retry(executor.FieldError{Field: Field, Message: messageRequired, Code: "required"}), nil
	}
	st, err := pending(req, u)
	if err != nil {
		return executor.Result{}, err
	}
	n, err := s.deps.Counters.Add(ctx, userKey(u.ID), 1, Window, counter.Fixed)
	if err != nil {
		return executor.Result{}, fmt.Errorf("count registration attempt: %w", err)
	}
	if n > PerUser {
		return executor.Retry(executor.FieldError{Field: Field, Message: messageLimited, Code: "rate_limited"}), nil
	}
	devices, err := s.devices(ctx)
	if err != nil {
		return executor.Result{}, err
	}
	name := ""
	if r.Name != nil {
		name = *r.Name
	}
	_, err = devices.FinishRegistration(ctx, u, st.Session, webauthn.Name(name, strings.TrimSpace(s.cfg.FriendlyName)), r.Response)
	if errors.Is(err, webauthn.ErrRefused) {
		if s.deps.Logger != nil {
			s.deps.Logger.DebugContext(ctx, "webauthn registration refused", "user_id", u.ID, "reason", err)
		}
		return s.failed(ctx, req, u, st)
	}
	if err != nil {
		return executor.Result{}, err
	}
	if err := s.deps.Counters.Delete(ctx, userKey(u.ID)); err != nil {
		return executor.Result{}, fmt.Errorf("reset registration attempts: %w", err)
	}
	return executor.Next(), nil
}

// failed counts a refused credential in the execution and the client's
// reputation and begins a new registration; past MaxFailures the flow
// ends.
func (s *Stage) failed(ctx context.Context, req *executor.Request, u *ent.User, st state) (executor.Result, error) {
	if err := reputation.Record(ctx, s.deps.Counters, req.Client.IP, u.Username, reputation.Failure); err != nil {
		return executor.Result{}, err
	}
	next, err := s.begin(ctx, u, st.Failures+1)
	if err != nil {
		return executor.Result{}, err
	}
	if err := req.SaveState(next); err != nil {
		return executor.Result{}, err
	}
	if next.Failures >= MaxFailures {
		return executor.Deny(messageCancelled), nil
	}
	return executor.Retry(executor.FieldError{Field: Field, Message: messageInvalid, Code: "invalid"}), nil
}

func userKey(id int) string { return "webauthn_registrations:user:" + strconv.Itoa(id) }
