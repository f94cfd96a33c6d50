// Package authenticatoremail is the stage where a user sets up codes by
// mail as a second factor (package mfa/emailotp): it sends a code to the
// account's address — or, for an account without one, to an address the
// user types first — and saves the device, confirmed, only once that code
// comes back, which proves the address.
//
//	Skip ── account has an address ──▶ code mailed ─▶ challenge {email: a***@x}
//	  └──── no address ─▶ challenge {emailRequired} ─▶ answer {email} ─▶ code mailed
//	answer {code} ─▶ device confirmed (MFA_DEVICE_ADDED) ─▶ next stage
//	answer {resend} ─▶ a new code replaces the old one
//
// The pending device lives in the database, unconfirmed (a new setup
// replaces an abandoned one); the stage's state in the execution only
// names it. Mails are counted per user (PerUserMails in MailWindow,
// shared with authenticator_validate's codes by mail) before they are
// queued; codes are counted like other one-time codes: every attempt per
// user (before checking), every failure in the execution (past
// MaxFailures the flow ends) and in the client's reputation.
package authenticatoremail

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-id/gatehouse/brand"
	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/emailkey"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/mfa/emailotp"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/reputation"
	"github.com/gatehouse-id/gatehouse/requestinfo"
)

// Kind is the stage kind's persisted name.
const Kind = "authenticator_email"

// Fields of the response.
const (
	FieldEmail  = "email"
	FieldCode   = "code"
	FieldResend = "resend"
)

// Codes of the field errors.
const (
	codeInvalid  = "invalid"
	codeRequired = "required"
)

// DefaultFriendlyName is the default name of a new device.
const DefaultFriendlyName = "Email"

// Limits: code attempts per user in a fixed window from the first
// attempt, failures per execution before the flow ends, and mails per
// user (emailotp.CountMail, shared with authenticator_validate).
const (
	PerUser     = 10
	Window      = 15 * time.Minute
	MaxFailures = 5
)

// Messages of the field errors and denials.
const (
	messageRequired  = "Enter the code we sent you."
	messageInvalid   = "This code is not valid, or it has expired. Enter the latest code we sent you."
	messageLimited   = "Too many attempts. Try again later."
	messageMailLimit = "Too many emails were sent. Try again later."
	messageCancelled = "Too many failed attempts."
	messageSignIn    = "Sign in before you set up codes by email."
	messageNoMail    = "Email cannot be sent right now. Contact your administrator."
	messageOne       = "Answer with one of email, code or resend."
	messageAddress   = "Enter an email address such as user@example.com."
	messageOwnMail   = "Codes are sent to your account's email address."
	messageNoAddress = "Enter the email address to send codes to first."
)

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, func() *Config {
		return &Config{FriendlyName: DefaultFriendlyName, TokenExpiry: int(emailotp.DefaultValidity / time.Second)}
	}, New)
}

// Config configures an authenticator_email stage.
type Config struct {
	// FriendlyName is the name a new device is saved with.
	FriendlyName string `json:"friendly_name"`
	// TokenExpiry is how long a code is accepted, in seconds.
	TokenExpiry int `json:"token_expiry"`
}

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	if n := len([]rune(strings.TrimSpace(c.FriendlyName))); n == 0 || n > 100 {
		return problem.Invalid("friendly_name", "must be 1 to 100 characters")
	}
	if d := time.Duration(c.TokenExpiry) * time.Second; d < emailotp.MinValidity || d > emailotp.MaxValidity {
		return problem.Invalid("token_expiry", "must be %d to %d seconds",
			int(emailotp.MinValidity/time.Second), int(emailotp.MaxValidity/time.Second))
	}
	return nil
}

// Challenge asks for the code sent, or first for an address.
type Challenge struct {
	executor.ChallengeBase

	// Email is the address the code was sent to, masked; nil while the
	// stage asks for an address.
	Email *string `json:"email,omitempty"`
	// EmailRequired is set while the stage asks for an address: the
	// account has none.
	EmailRequired bool `json:"email_required"`
}

// Response answers the challenge: exactly one of its fields.
type Response struct {
	// Email is the address to send codes to (only for an account
	// without one).
	Email *string `json:"email,omitempty"`
	// Code is the code received; spaces do not matter.
	Code *string `json:"code,omitempty"`
	// Resend asks for a new code.
	Resend *bool `json:"resend,omitempty"`
}

// ResponseKind implements executor.Response.
func (Response) ResponseKind() string { return Kind }

// state is the stage's private state in the execution.
type state struct {
	UserID int `json:"user_id"`
	// DeviceID is the pending device; 0 until a code was sent.
	DeviceID int `json:"device_id,omitempty"`
	// To is the masked address of the pending device.
	To       string `json:"to,omitempty"`
	Failures int    `json:"failures,omitempty"`
}

// Stage sets up a device of codes by mail.
type Stage struct {
	cfg  *Config
	deps executor.Deps
}

// New builds an authenticator_email stage.
func New(cfg *Config, deps executor.Deps) (executor.Stage, error) {
	return &Stage{cfg: cfg, deps: deps}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }

// codes returns the code store.
func (s *Stage) codes() (*emailotp.Codes, error) {
	return emailotp.ForServer(s.deps.Client, s.deps.Secrets, s.deps.Now)
}

// Skip implements executor.Skipper. It never skips: it denies a flow
// without a signed-in user or without mail, and otherwise (once: a later
// visit keeps it) sends a code to the account's address, if it has one.
func (s *Stage) Skip(ctx context.Context, req *executor.Request) (executor.Result, bool, error) {
	if !s.deps.MailReady(ctx, Kind, req.Flow.Slug) {
		return executor.Deny(messageNoMail), true, nil
	}
	u, err := req.DeviceUser(ctx, s.deps.Client)
	if err != nil {
		return executor.Result{}, false, err
	}
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
	st = state{UserID: u.ID}
	if u.Email != "" {
		refused, err := s.send(ctx, &st, u, u.Email)
		if err != nil {
			return executor.Result{}, false, err
		}
		if refused != nil {
			return executor.Deny(refused.Message), true, nil
		}
	}
	return executor.Result{}, false, req.SaveState(st)
}

// Challenge implements executor.Interactive.
func (s *Stage) Challenge(_ context.Context, req *executor.Request) (executor.Challenge, error) {
	var st state
	if ok, err := req.LoadState(&st); err != nil || !ok {
		return nil, fmt.Errorf("authenticator_email: no state: %w", err)
	}
	if st.DeviceID == 0 {
		return &Challenge{EmailRequired: true}, nil
	}
	return &Challenge{Email: &st.To}, nil
}

// Submit implements executor.Interactive.
func (s *Stage) Submit(ctx context.Context, req *executor.Request, resp executor.Response) (executor.Result, error) {
	r, ok := resp.(*Response)
	if !ok {
		return executor.Retry(executor.FieldError{Field: FieldCode, Message: "expected an authenticator_email response", Code: codeInvalid}), nil
	}
	u, err := req.DeviceUser(ctx, s.deps.Client)
	if err != nil {
		return executor.Result{}, err
	}
	var st state
	if ok, err := req.LoadState(&st); err != nil || !ok {
		return executor.Result{}, fmt.Errorf("authenticator_email: no state: %w", err)
	}
	if u == nil || u.ID != st.UserID {
		return executor.Deny(messageSignIn), nil
	}
	given := 0
	for _, set := range []bool{r.Email != nil, r.Code != nil, r.Resend != nil && *r.Resend} {
		if set {
			given++
		}
	}
	switch {
	case given != 1:
		return executor.Retry(executor.FieldError{Field: FieldCode, Message: messageOne, Code: codeInvalid}), nil
	case r.Email != nil:
		return s.address(ctx, req, st, u, strings.TrimSpace(*r.Email))
	case r.Code != nil:
		return s.confirm(ctx, req, st, u, strings.TrimSpace(*r.Code))
	default:
		return s.resend(ctx, req, st, u)
	}
}

// address sends the first code to an address typed by a user whose
// account has none.
func (s *Stage) address(ctx context.Context, req *executor.Request, st state, u *ent.User, addr string) (executor.Result, error) {
	if u.Email != "" {
		return executor.Retry(executor.FieldError{Field: FieldEmail, Message: messageOwnMail, Code: codeInvalid}), nil
	}
	if !emailkey.Valid(addr) {
		return executor.Retry(executor.FieldError{Field: FieldEmail, Message: messageAddress, Code: codeInvalid}), nil
	}
	refused, err := s.send(ctx, &st, u, addr)
	return afterSend(req, st, refused, err)
}

// resend sends a new code to the pending device's address.
func (s *Stage) resend(ctx context.Context, req *executor.Request, st state, u *ent.User) (executor.Result, error) {
	if st.DeviceID == 0 {
		return executor.Retry(executor.FieldError{Field: FieldEmail, Message: messageNoAddress, Code: codeRequired}), nil
	}
	dev, err := s.deps.Client.EmailDevice.Get(ctx, st.DeviceID)
	if ent.IsNotFound(err) { // replaced by a setup elsewhere: start again
		return executor.Retry(executor.FieldError{Field: FieldCode, Message: messageInvalid, Code: codeInvalid}), req.SaveState(state{UserID: u.ID})
	}
	if err != nil {
		return executor.Result{}, fmt.Errorf("authenticator_email: load device: %w", err)
	}
	refused, err := s.send(ctx, &st, u, dev.Email)
	return afterSend(req, st, refused, err)
}

// afterSend answers an answer that asked for a code: the refusal, or the
// challenge again, showing where the code went.
func afterSend(req *executor.Request, st state, refused *executor.FieldError, err error) (executor.Result, error) {
	if err != nil {
		return executor.Result{}, err
	}
	if refused != nil {
		return executor.Retry(*refused), nil
	}
	return executor.Retry(), req.SaveState(st)
}

// send counts a mail of u's and starts a setup for addr (replacing any
// pending one), recording the device in st; a non-nil FieldError refuses
// (too many mails).
func (s *Stage) send(ctx context.Context, st *state, u *ent.User, addr string) (*executor.FieldError, error) {
	field := FieldResend
	if st.DeviceID == 0 {
		field = FieldEmail
	}
	limited, err := emailotp.CountMail(ctx, s.deps.Counters, u.ID)
	if err != nil {
		return nil, err
	}
	if limited {
		return &executor.FieldError{Field: field, Message: messageMailLimit, Code: "rate_limited"}, nil
	}
	codes, err := s.codes()
	if err != nil {
		return nil, err
	}
	site, err := brand.ForHost(ctx, s.deps.Client, requestinfo.FromContext(ctx).Host)
	if err != nil {
		return nil, err
	}
	validity := time.Duration(s.cfg.TokenExpiry) * time.Second
	code, err := codes.Send(ctx, s.deps.Mail, emailotp.Letter{Brand: site.Title, Username: u.Username},
		func(ctx context.Context, tx *ent.Tx) (emailotp.Code, error) {
			return codes.Begin(ctx, tx, u.ID, strings.TrimSpace(s.cfg.FriendlyName), addr, validity)
		})
	if err != nil {
		return nil, err
	}
	st.DeviceID, st.To = code.Device.ID, emailkey.Mask(addr)
	return nil, nil //nolint:nilnil // sent: no refusal
}

// confirm saves the pending device if code is its code.
func (s *Stage) confirm(ctx context.Context, req *executor.Request, st state, u *ent.User, code string) (executor.Result, error) {
	if st.DeviceID == 0 {
		return executor.Retry(executor.FieldError{Field: FieldEmail, Message: messageNoAddress, Code: codeRequired}), nil
	}
	if code == "" {
		return executor.Retry(executor.FieldError{Field: FieldCode, Message: messageRequired, Code: codeRequired}), nil
	}
	n, err := s.deps.Counters.Add(ctx, userKey(u.ID), 1, Window, counter.Fixed)
	if err != nil {
		return executor.Result{}, fmt.Errorf("count code attempt: %w", err)
	}
	if n > PerUser {
		return executor.Retry(executor.FieldError{Field: FieldCode, Message: messageLimited, Code: "rate_limited"}), nil
	}
	codes, err := s.codes()
	if err != nil {
		return executor.Result{}, err
	}
	dev, err := codes.Confirm(ctx, u.ID, st.DeviceID, code)
	if errors.Is(err, emailotp.ErrInvalidCode) {
		return s.failed(ctx, req, u, st)
	}
	if err != nil {
		return executor.Result{}, err
	}
	if err := s.deps.Counters.Delete(ctx, userKey(u.ID)); err != nil {
		return executor.Result{}, fmt.Errorf("reset code attempts: %w", err)
	}
	s.deps.RecordAs(ctx, u, enum.EventActionMFADeviceAdded, map[string]any{
		"user_id": strconv.Itoa(u.ID), "username": u.Username,
		"device_class": "email", "device_id": strconv.Itoa(dev.ID), "name": dev.Name,
	})
	return executor.Next(), nil
}

// failed counts a wrong code in the execution and the client's
// reputation; past MaxFailures the flow ends.
func (s *Stage) failed(ctx context.Context, req *executor.Request, u *ent.User, st state) (executor.Result, error) {
	if err := reputation.Record(ctx, s.deps.Counters, req.Client.IP, u.Username, reputation.Failure); err != nil {
		return executor.Result{}, err
	}
	st.Failures++
	if err := req.SaveState(st); err != nil {
		return executor.Result{}, err
	}
	if st.Failures >= MaxFailures {
		return executor.Deny(messageCancelled), nil
	}
	return executor.Retry(executor.FieldError{Field: FieldCode, Message: messageInvalid, Code: codeInvalid}), nil
}

func userKey(id int) string { return "email_codes:user:" + strconv.Itoa(id) }
