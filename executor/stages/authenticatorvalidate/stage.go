// Package authenticatorvalidate is the second-factor step of a login: it
// asks the pending user for a code of one of their devices of the classes
// the stage allows — an authenticator app's code or a recovery code,
// without the user choosing which first (apps are tried first) — or an
// assertion of one of their passkeys or security keys (WebAuthn, package
// mfa/webauthn), and records in the execution which factor passed
// (executor.KeyMFAMethod), so the session's methods and OpenID Connect's
// amr show it.
//
// Without a pending user (a passwordless flow, linked from identification
// as its passwordless_flow) a stage that allows WEBAUTHN asks for a
// discoverable credential: the passkey names its user, who must be active,
// and becomes the pending user (auth method MethodPasskey) for the flow's
// user_login. Those attempts are counted per client address (PerAddress)
// and per execution.
//
// A WebAuthn login's options and session are made in Skip, kept in the
// stage's state while answers fail with a code, and replaced after a
// refused assertion. Assertions are counted exactly like codes.
//
// A user with no device of those classes is passed, denied, or sent to
// set one up (not_configured_action: the first configuration stage is
// inserted into the plan right after this one). A user whose device was
// used within last_auth_threshold is passed without a code.
//
// Codes are counted like passwords, before they are checked: per user in
// a window of the stage's own (a correct password does not reset it, so
// interleaving correct passwords buys no extra guesses), and through
// passcheck.Checker.Guard against the same per-account budget, durable
// lockout and per-address budget as passwords. The failure that uses up
// the codes' budget locks the account (passcheck.Checker.Lock) as a used-up
// password budget does: passwords are refused too until the lock ends. Failures in an execution
// past MaxFailures end the flow. A user the flow only pretends exists
// (identification's pretend_user_exists) is shown the classes a code
// answers and every code fails, counted the same way.
package authenticatorvalidate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/internal/passcheck"
)

// Field is the response's code field.
const Field = "code"

// Codes of the field errors.
const (
	codeRequired    = "required"
	codeInvalid     = "invalid"
	codeRateLimited = "rate_limited"
)

// Limits on code attempts: per user in a fixed window from the first
// attempt, and failures per execution before the flow ends.
const (
	PerUser     = 10
	Window      = 15 * time.Minute
	MaxFailures = 5
)

// Messages of the field errors and denials; the same for every user.
const (
	messageRequired      = "Enter a code from your authenticator app, or a recovery code."
	messageInvalid       = "This code is not valid."
	messageLimited       = "Too many attempts. Try again later."
	messageCancelled     = "Too many failed attempts."
	messageNoUser        = "No user has been identified; the flow must identify the user before the second factor."
	messageRequiredAny   = "Enter a code, or use your passkey or security key."
	messageNotConfigured = "This account has no second factor set up, and this sign-in requires one."
)

// Challenge asks for a code.
type Challenge struct {
	executor.ChallengeBase

	// DeviceClasses are the classes of device the user has that the
	// stage accepts.
	DeviceClasses []DeviceClass `json:"device_classes"`
	// Webauthn is the JSON of the options for navigator.credentials.get;
	// nil when no passkey is offered.
	Webauthn *string `json:"webauthn,omitempty"`
	// EmailSentTo is the masked address a code was mailed to in this
	// execution; nil before one was.
	EmailSentTo *string `json:"email_sent_to,omitempty"`
}

// Response answers the challenge.
type Response struct {
	// Code is an authenticator app's code or a recovery code.
	Code *string `json:"code,omitempty"`
	// Webauthn is the JSON of the credential navigator.credentials.get
	// returned; exclusive with Code.
	Webauthn *string `json:"webauthn,omitempty"`
	// SendEmail asks for a code by mail (EMAIL); exclusive with the
	// others.
	SendEmail *bool `json:"send_email,omitempty"`
}

// ResponseKind implements executor.Response.
func (Response) ResponseKind() string { return Kind }

// state is the stage's private state in the execution.
type state struct {
	// UserID is the user asked; 0 for a user the flow only pretends exists.
	UserID   int           `json:"user_id"`
	Classes  []DeviceClass `json:"classes"`
	Failures int           `json:"failures"`
	// Ceremony is the pending WebAuthn login, when one is offered.
	Ceremony *ceremony `json:"ceremony,omitempty"`
	// Passwordless marks a discoverable login without a pending user.
	Passwordless bool `json:"passwordless,omitempty"`
	// EmailTo is the masked address a code was mailed to.
	EmailTo string `json:"email_to,omitempty"`
}

// Stage checks a second factor.
type Stage struct {
	cfg     *Config
	deps    executor.Deps
	checker *passcheck.Checker
}

// New builds an authenticator_validate stage.
func New(cfg *Config, deps executor.Deps) (executor.Stage, error) {
	return &Stage{
		cfg: cfg, deps: deps,
		checker: &passcheck.Checker{Client: deps.Client, Hasher: deps.Hasher, Counters: deps.Counters, Lockouts: deps.Lockouts, NowFunc: deps.Now},
	}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }

// subject returns the user the stage asks (the pending user, else the
// signed-in one) and the identifier typed for them.
func (s *Stage) subject(ctx context.Context, req *executor.Request) (*ent.User, string, error) {
	identifier := req.Execution.Context.String(executor.KeyPendingUserIdentifier)
	u, err := req.PendingUser(ctx, s.deps.Client)
	if err != nil {
		return nil, "", err
	}
	if u == nil && identifier == "" {
		u = req.User
	}
	if u != nil && identifier == "" {
		identifier = u.Username
	}
	return u, identifier, nil
}

// Skip implements executor.Skipper: it decides for users without a device
// and within the threshold, and otherwise notes the classes to show.
func (s *Stage) Skip(ctx context.Context, req *executor.Request) (executor.Result, bool, error) {
	u, identifier, err := s.subject(ctx, req)
	if err != nil {
		return executor.Result{}, false, err
	}
	if u == nil {
		if identifier == "" {
			if slices.Contains(s.cfg.DeviceClasses, ClassWebAuthn) {
				return s.offerPasswordless(ctx, req)
			}
			return executor.Deny(messageNoUser), true, nil
		}
		return s.offer(ctx, req, nil, pretended(s.cfg.DeviceClasses))
	}
	impls, err := classes(s.deps)
	if err != nil {
		return executor.Result{}, false, err
	}
	var has []DeviceClass
	var last time.Time
	for _, c := range s.cfg.DeviceClasses {
		impl, ok := impls[c]
		if !ok {
			continue
		}
		ok, used, err := impl.devices(ctx, u.ID)
		if err != nil {
			return executor.Result{}, false, err
		}
		if ok {
			has = append(has, c)
			if used.After(last) {
				last = used
			}
		}
	}
	if len(has) == 0 {
		res, err := s.notConfigured(ctx, req, u)
		return res, true, err
	}
	if t := time.Duration(s.cfg.LastAuthThreshold) * time.Second; t > 0 && !last.IsZero() && req.Now.Sub(last) < t {
		return executor.Next(), true, nil
	}
	return s.offer(ctx, req, u, has)
}

// pretended are the classes shown to a user the flow only pretends
// exists: those of the allowed classes a code answers, but for EMAIL (a
// code mailed on request, which nobody would receive).
func pretended(allowed []DeviceClass) []DeviceClass {
	var out []DeviceClass
	for _, c := range allowed {
		if slices.Contains(codeOrder, c) && slices.Contains(implemented, c) && c != ClassEmail {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return slices.Clone(allowed)
	}
	return out
}

// notConfigured carries out not_configured_action for u.
func (s *Stage) notConfigured(ctx context.Context, req *executor.Request, u *ent.User) (executor.Result, error) {
	switch s.cfg.NotConfiguredAction {
	case ActionSkip:
		return executor.Next(), nil
	case ActionConfigure:
		if len(s.cfg.ConfigurationStageIDs) == 0 {
			return executor.Deny(messageNotConfigured), nil
		}
		st, err := s.deps.Client.Stage.Get(ctx, s.cfg.ConfigurationStageIDs[0])
		if err != nil {
			return executor.Result{}, fmt.Errorf("load configuration stage: %w", err)
		}
		if err := req.Execution.Context.Set(executor.KeyDeviceSetupUser, u.ID); err != nil {
			return executor.Result{}, err
		}
		req.Execution.Plan.InsertNext(executor.PlanEntry{StageID: st.ID, Kind: st.Kind, Name: st.Name})
		return executor.Next(), nil
	case ActionDeny:
		return executor.Deny(messageNotConfigured), nil
	default:
		return executor.Deny(messageNotConfigured), nil
	}
}

// Challenge implements executor.Interactive.
func (s *Stage) Challenge(_ context.Context, req *executor.Request) (executor.Challenge, error) {
	var st state
	ok, err := req.LoadState(&st)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("authenticator_validate: no state")
	}
	c := &Challenge{DeviceClasses: st.Classes}
	if st.Ceremony != nil {
		c.Webauthn = &st.Ceremony.Options
	}
	if st.EmailTo != "" {
		c.EmailSentTo = &st.EmailTo
	}
	return c, nil
}

// answers returns the trimmed code and assertion of r, and whether it
// asks for a code by mail.
func answers(resp executor.Response) (code, assertion string, sendEmail bool) {
	r, ok := resp.(*Response)
	if !ok {
		return "", "", false
	}
	sendEmail = r.SendEmail != nil && *r.SendEmail
	if r.Code != nil {
		code = strings.TrimSpace(*r.Code)
	}
	if r.Webauthn != nil {
		assertion = strings.TrimSpace(*r.Webauthn)
	}
	return code, assertion, sendEmail
}

// required is the field error of an empty answer to st.
func required(st state) executor.Result {
	switch {
	case slices.Equal(st.Classes, []DeviceClass{ClassWebAuthn}):
		return executor.Retry(executor.FieldError{Field: FieldWebauthn, Message: messagePasskeyRequired, Code: codeRequired})
	case st.Ceremony != nil:
		return executor.Retry(executor.FieldError{Field: Field, Message: messageRequiredAny, Code: codeRequired})
	case slices.Equal(st.Classes, []DeviceClass{ClassEmail}):
		return executor.Retry(executor.FieldError{Field: Field, Message: messageRequiredEmail, Code: codeRequired})
	default:
		return executor.Retry(executor.FieldError{Field: Field, Message: messageRequired, Code: codeRequired})
	}
}

// Submit implements executor.Interactive.
func (s *Stage) Submit(ctx context.Context, req *executor.Request, resp executor.Response) (executor.Result, error) {
	code, assertion, sendEmail := answers(resp)
	if (code != "" && assertion != "") || (sendEmail && (code != "" || assertion != "")) {
		return executor.Retry(executor.FieldError{Field: Field, Message: messageBoth, Code: codeInvalid}), nil
	}
	var st state
	if ok, err := req.LoadState(&st); err != nil || !ok {
		return executor.Result{}, fmt.Errorf("authenticator_validate: no state: %w", err)
	}
	u, identifier, err := s.subject(ctx, req)
	if err != nil {
		return executor.Result{}, err
	}
	if st.Passwordless {
		if u != nil || identifier != "" {
			return executor.Deny(messageNoUser), nil
		}
		return s.passwordless(ctx, req, st, assertion)
	}
	if (u == nil) != (st.UserID == 0) || (u != nil && u.ID != st.UserID) {
		return executor.Deny(messageNoUser), nil
	}
	if sendEmail {
		return s.sendEmail(ctx, req, st, u)
	}
	if code == "" && assertion == "" {
		return required(st), nil
	}
	if assertion == "" {
		return s.check(ctx, req, st, u, identifier, Field,
			func(ctx context.Context) (string, error) { return s.redeem(ctx, u, st.Classes, code) })
	}
	if st.Ceremony == nil || !slices.Contains(st.Classes, ClassWebAuthn) {
		return executor.Retry(executor.FieldError{Field: FieldWebauthn, Message: messagePasskeyInvalid, Code: codeInvalid}), nil
	}
	return s.check(ctx, req, st, u, identifier, FieldWebauthn,
		func(ctx context.Context) (string, error) { return s.assert(ctx, u, st.Ceremony, assertion) })
}

// check runs verify (a code's or an assertion's check, answered in field)
// as one attempt of u's: counted per user and against the password
// budget before it runs, failures counted in the execution; a refused
// assertion renews the WebAuthn login.
func (s *Stage) check(ctx context.Context, req *executor.Request, st state, u *ent.User, identifier, field string,
	verify func(context.Context) (string, error),
) (executor.Result, error) {
	key := subjectKey(u, identifier)
	n, err := s.deps.Counters.Add(ctx, key, 1, Window, counter.Fixed)
	if err != nil {
		return executor.Result{}, fmt.Errorf("count code attempt: %w", err)
	}
	if n > PerUser {
		s.loginFailed(ctx, req, u, identifier, "throttled")
		return executor.Retry(executor.FieldError{Field: field, Message: messageLimited, Code: codeRateLimited}), nil
	}
	attempt := passcheck.Attempt{User: u, Identifier: identifier, IP: req.Client.IP}
	verdict, method, err := s.checker.Guard(ctx, attempt, verify)
	if err != nil {
		return executor.Result{}, fmt.Errorf("check code: %w", err)
	}
	if verdict == passcheck.Rejected && n == PerUser { // the codes' budget is used up: lock the account
		if err := s.checker.Lock(ctx, attempt); err != nil {
			return executor.Result{}, err
		}
	}
	switch verdict {
	case passcheck.Accepted:
		if err := req.Execution.Context.Set(executor.KeyMFAMethod, method); err != nil {
			return executor.Result{}, err
		}
		if err := s.deps.Counters.Delete(ctx, key); err != nil {
			return executor.Result{}, fmt.Errorf("reset code attempts: %w", err)
		}
		return executor.Next(), nil
	case passcheck.Throttled:
		s.loginFailed(ctx, req, u, identifier, "throttled")
		return executor.Retry(executor.FieldError{Field: field, Message: messageLimited, Code: codeRateLimited}), nil
	case passcheck.Rejected:
	}
	s.loginFailed(ctx, req, u, identifier, "second_factor")
	st.Failures++
	if field == FieldWebauthn {
		if err := s.renew(ctx, u, &st); err != nil {
			return executor.Result{}, err
		}
	}
	if err := req.SaveState(st); err != nil {
		return executor.Result{}, err
	}
	if st.Failures >= MaxFailures {
		return executor.Deny(messageCancelled), nil
	}
	if field == FieldWebauthn {
		return executor.Retry(executor.FieldError{Field: FieldWebauthn, Message: messagePasskeyInvalid, Code: codeInvalid}), nil
	}
	return executor.Retry(executor.FieldError{Field: Field, Message: messageInvalid, Code: codeInvalid}), nil
}

// redeem tries code against u's devices of the classes shown, in
// codeOrder; it returns the class that accepted it, or "".
func (s *Stage) redeem(ctx context.Context, u *ent.User, shown []DeviceClass, code string) (string, error) {
	if u == nil {
		return "", nil
	}
	impls, err := classes(s.deps)
	if err != nil {
		return "", err
	}
	for _, c := range codeOrder {
		impl, ok := impls[c].(codeClass)
		if !ok || !slices.Contains(shown, c) {
			continue
		}
		ok, err := impl.redeem(ctx, u, code)
		if err != nil {
			return "", err
		}
		if ok {
			return string(c), nil
		}
	}
	return "", nil
}

// loginFailed audits a refused code (or passkey), about u when known.
func (s *Stage) loginFailed(ctx context.Context, req *executor.Request, u *ent.User, identifier, reason string) {
	s.deps.Record(ctx, enum.EventActionLoginFailed, audit.Subject(map[string]any{"username": identifier, "reason": reason, "flow": req.Flow.Slug}, u))
}

// subjectKey is the counter of the stage's own attempts for a subject.
func subjectKey(u *ent.User, identifier string) string {
	if u != nil {
		return "mfa_codes:user:" + strconv.Itoa(u.ID)
	}
	return "mfa_codes:identifier:" + strings.ToLower(strings.TrimSpace(identifier))
}
