// Package authenticatortotp is the stage where a signed-in user sets up an
// authenticator app (TOTP, package mfa/totp): it shows a new secret as an
// otpauth:// URI, a QR code and text for manual entry, and saves the
// device, confirmed, only once a code from the app verifies. The pending
// secret lives sealed in the stage's state in the execution, so a reload
// shows the same QR code; it is never shown again once the device is
// saved (the stage is then done).
//
// Codes are counted like other one-time codes: every attempt per user
// (before checking, so concurrent guesses cannot multiply tries), every
// failure in the execution (past MaxFailures the flow ends) and in the
// client's reputation.
package authenticatortotp

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
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/mfa/totp"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/reputation"
	"github.com/gatehouse-id/gatehouse/requestinfo"
)

// Kind is the stage kind's persisted name.
const Kind = "authenticator_totp"

// Field is the response's one field.
const Field = "code"

// DefaultFriendlyName is the default name of a new device.
const DefaultFriendlyName = "Authenticator app"

// Limits on code attempts: per user in a fixed window from the first
// attempt, and failures per execution before the flow ends.
const (
	PerUser     = 10
	Window      = 15 * time.Minute
	MaxFailures = 5
)

// Messages of the field errors and denials.
const (
	messageRequired  = "Enter the code your authenticator app shows."
	messageInvalid   = "This code is not valid. Enter the code your authenticator app shows now."
	messageLimited   = "Too many attempts. Try again later."
	messageCancelled = "Too many failed attempts."
	messageSignIn    = "Sign in before you set up an authenticator app."
)

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, func() *Config { return &Config{Digits: 6, FriendlyName: DefaultFriendlyName} }, New)
}

// Config configures an authenticator_totp stage.
type Config struct {
	// Digits is the length of the codes: 6 or 8.
	Digits int `json:"digits"`
	// FriendlyName is the name a new device is saved with.
	FriendlyName string `json:"friendly_name"`
}

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	if !totp.ValidDigits(c.Digits) {
		return problem.Invalid("digits", "must be 6 or 8")
	}
	if n := len([]rune(strings.TrimSpace(c.FriendlyName))); n == 0 || n > 100 {
		return problem.Invalid("friendly_name", "must be 1 to 100 characters")
	}
	return nil
}

// Challenge shows the new secret.
type Challenge struct {
	executor.ChallengeBase

	// ConfigURL is the otpauth:// URI.
	ConfigURL string `json:"config_url"`
	// QRCode is ConfigURL as a QR code: an SVG image as a data: URI.
	QRCode string `json:"qr_code"`
	// Secret is the secret in base32, for manual entry.
	Secret string `json:"secret"`
}

// Response answers the challenge.
type Response struct {
	// Code is a code the app shows; spaces do not matter.
	Code string `json:"code"`
}

// ResponseKind implements executor.Response.
func (Response) ResponseKind() string { return Kind }

// state is the stage's private state in the execution: the pending
// secret, sealed for its user.
type state struct {
	UserID   int    `json:"user_id"`
	Sealed   []byte `json:"sealed_secret"`
	Issuer   string `json:"issuer"`
	Account  string `json:"account"`
	Failures int    `json:"failures"`
}

// Stage sets up a TOTP device.
type Stage struct {
	cfg  *Config
	deps executor.Deps
}

// New builds an authenticator_totp stage.
func New(cfg *Config, deps executor.Deps) (executor.Stage, error) {
	return &Stage{cfg: cfg, deps: deps}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }

// devices returns the device store, sealing under the server's secret key.
func (s *Stage) devices() (*totp.Devices, error) {
	box, err := s.deps.Secrets.Box(totp.Purpose)
	if err != nil {
		return nil, fmt.Errorf("authenticator_totp: %w", err)
	}
	return totp.NewDevices(s.deps.Client, box, s.deps.Now), nil
}

// Skip implements executor.Skipper. It never skips: it denies a flow
// without a signed-in user, and otherwise makes the pending secret (once:
// a later visit keeps it) before the challenge is shown.
func (s *Stage) Skip(ctx context.Context, req *executor.Request) (executor.Result, bool, error) {
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
	devices, err := s.devices()
	if err != nil {
		return executor.Result{}, false, err
	}
	key, err := totp.NewKey(s.cfg.Digits)
	if err != nil {
		return executor.Result{}, false, err
	}
	sealed, err := devices.Seal(u.ID, key.Secret)
	if err != nil {
		return executor.Result{}, false, err
	}
	site, err := brand.ForHost(ctx, s.deps.Client, requestinfo.FromContext(ctx).Host)
	if err != nil {
		return executor.Result{}, false, err
	}
	st = state{UserID: u.ID, Sealed: sealed, Issuer: site.Title, Account: u.Username}
	return executor.Result{}, false, req.SaveState(st)
}

// pending returns the pending key of u.
func (s *Stage) pending(req *executor.Request, u *ent.User) (totp.Key, state, error) {
	var st state
	ok, err := req.LoadState(&st)
	if err != nil {
		return totp.Key{}, st, err
	}
	if !ok || u == nil || st.UserID != u.ID {
		return totp.Key{}, st, errors.New("authenticator_totp: no pending secret for this user")
	}
	devices, err := s.devices()
	if err != nil {
		return totp.Key{}, st, err
	}
	secret, err := devices.Open(st.UserID, st.Sealed)
	if err != nil {
		return totp.Key{}, st, err
	}
	return totp.Key{Secret: secret, Digits: s.cfg.Digits}, st, nil
}

// Challenge implements executor.Interactive.
func (s *Stage) Challenge(ctx context.Context, req *executor.Request) (executor.Challenge, error) {
	u, err := req.DeviceUser(ctx, s.deps.Client)
	if err != nil {
		return nil, err
	}
	key, st, err := s.pending(req, u)
	if err != nil {
		return nil, err
	}
	uri := key.URL(st.Issuer, st.Account)
	qr, err := totp.QRCode(uri)
	if err != nil {
		return nil, err
	}
	return &Challenge{ConfigURL: uri, QRCode: qr, Secret: key.Secret}, nil
}

// Submit implements executor.Interactive.
func (s *Stage) Submit(ctx context.Context, req *executor.Request, resp executor.Response) (executor.Result, error) {
	r, ok := resp.(*Response)
	if !ok {
		return executor.Retry(executor.FieldError{Field: Field, Message: "expected an authenticator_totp response", Code: "invalid"}), nil
	}
	u, err := req.DeviceUser(ctx, s.deps.Client)
	if err != nil {
		return executor.Result{}, err
	}
	if u == nil {
		return executor.Deny(messageSignIn), nil
	}
	if strings.TrimSpace(r.Code) == "" {
		return executor.Retry(executor.FieldError{Field: Field, Message: messageRequired, Code: "required"}), nil
	}
	key, st, err := s.pending(req, u)
	if err != nil {
		return executor.Result{}, err
	}
	n, err := s.deps.Counters.Add(ctx, userKey(u.ID), 1, Window, counter.Fixed)
	if err != nil {
		return executor.Result{}, fmt.Errorf("count code attempt: %w", err)
	}
	if n > PerUser {
		return executor.Retry(executor.FieldError{Field: Field, Message: messageLimited, Code: "rate_limited"}), nil
	}
	devices, err := s.devices()
	if err != nil {
		return executor.Result{}, err
	}
	dev, err := devices.Confirm(ctx, u.ID, strings.TrimSpace(s.cfg.FriendlyName), key, r.Code)
	if errors.Is(err, totp.ErrInvalidCode) {
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
		"device_class": "totp", "device_id": strconv.Itoa(dev.ID), "name": dev.Name,
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
	return executor.Retry(executor.FieldError{Field: Field, Message: messageInvalid, Code: "invalid"}), nil
}

func userKey(id int) string { return "totp_codes:user:" + strconv.Itoa(id) }
