package authenticatorvalidate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gatehouse-id/gatehouse/brand"
	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/webauthndevice"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/mfa/webauthn"
	"github.com/gatehouse-id/gatehouse/reputation"
	"github.com/gatehouse-id/gatehouse/requestinfo"
)

// FieldWebauthn is the response's field carrying a WebAuthn assertion.
const FieldWebauthn = "webauthn"

// PerAddress bounds passwordless attempts (assertions without a pending
// user) per client address in Window: there is no account to count them
// against before the assertion names one.
const PerAddress = 50

// MethodPasskey is the auth method (executor.KeyAuthMethod) of a
// passwordless login; a passkey as a second factor is the MFA method
// "webauthn" (ClassWebAuthn).
const MethodPasskey = "passkey"

// Messages about passkeys.
const (
	messageBoth            = "Answer with one of a code, a passkey or a request for a code by email."
	messagePasskeyRequired = "Use your passkey or security key when your browser asks."
	messagePasskeyInvalid  = "This passkey could not be verified. Try again." //nolint:gosec // a message, not a credential
	messagePasskeyUnusable = "Passkeys are not available on this server yet. Contact an administrator."
)

// ceremony is a pending WebAuthn login kept in the stage's state: the
// options shown and the session that checks the answer. It is made once
// (Skip keeps it) and replaced after a refused assertion.
type ceremony struct {
	Options string           `json:"options"`
	Session webauthn.Session `json:"session"`
}

// webauthnClass is passkeys and security keys.
type webauthnClass struct {
	client *ent.Client
}

func (c webauthnClass) devices(ctx context.Context, userID int) (bool, time.Time, error) {
	devs, err := c.client.WebAuthnDevice.Query().Where(webauthndevice.UserID(userID)).All(ctx)
	if err != nil {
		return false, time.Time{}, fmt.Errorf("load webauthn devices: %w", err)
	}
	var last time.Time
	for _, d := range devs {
		if d.LastUsedAt != nil && d.LastUsedAt.After(last) {
			last = *d.LastUsedAt
		}
	}
	return len(devs) > 0, last, nil
}

// relyingParty returns the device store for the relying party at the
// public URL, named after the brand.
func (s *Stage) relyingParty(ctx context.Context) (*webauthn.Devices, error) {
	site, err := brand.ForHost(ctx, s.deps.Client, requestinfo.FromContext(ctx).Host)
	if err != nil {
		return nil, err
	}
	rp, err := webauthn.NewRelyingParty(s.deps.PublicURL, site.Title)
	if err != nil {
		return nil, fmt.Errorf("authenticator_validate: %w", err)
	}
	return webauthn.NewDevices(s.deps.Client, rp, s.deps.Now), nil
}

// beginLogin starts a WebAuthn login: of u's devices, or a discoverable
// one (passwordless) when u is nil.
func (s *Stage) beginLogin(ctx context.Context, u *ent.User) (*ceremony, error) {
	devices, err := s.relyingParty(ctx)
	if err != nil {
		return nil, err
	}
	var options string
	var session webauthn.Session
	if u == nil {
		options, session, err = devices.BeginDiscoverableLogin(ctx, s.cfg.WebauthnUserVerification)
	} else {
		options, session, err = devices.BeginLogin(ctx, u, s.cfg.WebauthnUserVerification)
	}
	if err != nil {
		return nil, err
	}
	return &ceremony{Options: options, Session: session}, nil
}

// unavailable reports a public URL WebAuthn cannot use: a warning in the
// log and a configuration_error event for the admin.
func (s *Stage) unavailable(ctx context.Context, err error) {
	if s.deps.Logger != nil {
		s.deps.Logger.WarnContext(ctx, "passkeys are unavailable: the public URL cannot be a WebAuthn relying party", "error", err)
	}
	s.deps.Record(ctx, enum.EventActionConfigurationError, map[string]any{"stage_kind": Kind, "reason": err.Error()})
}

// offer saves the classes to show u (nil: a user the flow only pretends
// exists), keeping the failures counted so far and a pending WebAuthn
// login of the same user (Skip runs again after every rejected answer).
// It begins that login when WEBAUTHN is among classes and none is
// pending; when the public URL cannot be a relying party the class is
// dropped, and a user left with no class is denied.
func (s *Stage) offer(ctx context.Context, req *executor.Request, u *ent.User, classes []DeviceClass) (executor.Result, bool, error) {
	userID := 0
	if u != nil {
		userID = u.ID
	}
	var st state
	ok, err := req.LoadState(&st)
	if err != nil {
		return executor.Result{}, false, err
	}
	if !ok || st.UserID != userID || st.Passwordless {
		st = state{UserID: userID}
	}
	if u != nil && slices.Contains(classes, ClassWebAuthn) && (st.Ceremony == nil || st.Ceremony.Session.UserID != u.ID) {
		st.Ceremony, err = s.beginLogin(ctx, u)
		switch {
		case errors.Is(err, webauthn.ErrPublicURL):
			s.unavailable(ctx, err)
			classes = slices.DeleteFunc(slices.Clone(classes), func(c DeviceClass) bool { return c == ClassWebAuthn })
			if len(classes) == 0 {
				return executor.Deny(messagePasskeyUnusable), true, nil
			}
		case err != nil:
			return executor.Result{}, false, err
		}
	}
	if !slices.Contains(classes, ClassWebAuthn) {
		st.Ceremony = nil
	}
	st.Classes = classes
	if err := s.autoSend(ctx, u, &st); err != nil {
		return executor.Result{}, false, err
	}
	return executor.Result{}, false, req.SaveState(st)
}

// offerPasswordless begins (once) a discoverable login for a flow without
// a user: the passkey will name its user.
func (s *Stage) offerPasswordless(ctx context.Context, req *executor.Request) (executor.Result, bool, error) {
	var st state
	ok, err := req.LoadState(&st)
	if err != nil {
		return executor.Result{}, false, err
	}
	if ok && st.Passwordless && st.Ceremony != nil {
		return executor.Result{}, false, nil
	}
	st = state{Passwordless: true, Classes: []DeviceClass{ClassWebAuthn}}
	st.Ceremony, err = s.beginLogin(ctx, nil)
	if errors.Is(err, webauthn.ErrPublicURL) {
		s.unavailable(ctx, err)
		return executor.Deny(messagePasskeyUnusable), true, nil
	}
	if err != nil {
		return executor.Result{}, false, err
	}
	return executor.Result{}, false, req.SaveState(st)
}

// assert checks a WebAuthn assertion of u's against the pending login;
// "webauthn" when it verifies (the device's counter and last use are
// updated), "" when it is refused (nothing changed).
func (s *Stage) assert(ctx context.Context, u *ent.User, c *ceremony, assertion string) (string, error) {
	if u == nil || c == nil {
		return "", nil
	}
	devices, err := s.relyingParty(ctx)
	if err != nil {
		return "", err
	}
	_, err = devices.FinishLogin(ctx, u, c.Session, assertion)
	if errors.Is(err, webauthn.ErrRefused) {
		if s.deps.Logger != nil {
			s.deps.Logger.DebugContext(ctx, "webauthn assertion refused", "user_id", u.ID, "reason", err)
		}
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return string(ClassWebAuthn), nil
}

// renew replaces st's pending WebAuthn login after a refused assertion, so
// the next answer needs a new challenge.
func (s *Stage) renew(ctx context.Context, u *ent.User, st *state) error {
	if st.Ceremony == nil {
		return nil
	}
	c, err := s.beginLogin(ctx, u)
	if err != nil {
		return err
	}
	st.Ceremony = c
	return nil
}

// passwordless checks the answer of a discoverable login: a valid
// assertion by a passkey of an active user makes that user the pending
// user, logged in by a later user_login stage.
func (s *Stage) passwordless(ctx context.Context, req *executor.Request, st state, assertion string) (executor.Result, error) {
	if assertion == "" {
		return executor.Retry(executor.FieldError{Field: FieldWebauthn, Message: messagePasskeyRequired, Code: codeRequired}), nil
	}
	if st.Ceremony == nil {
		return executor.Result{}, errors.New("authenticator_validate: no pending passkey login")
	}
	n, err := s.deps.Counters.Add(ctx, addressKey(req), 1, Window, counter.Fixed)
	if err != nil {
		return executor.Result{}, fmt.Errorf("count passkey attempt: %w", err)
	}
	if n > PerAddress {
		s.loginFailed(ctx, req, nil, "", "throttled")
		return executor.Retry(executor.FieldError{Field: FieldWebauthn, Message: messageLimited, Code: codeRateLimited}), nil
	}
	devices, err := s.relyingParty(ctx)
	if err != nil {
		return executor.Result{}, err
	}
	u, _, err := devices.FinishDiscoverableLogin(ctx, st.Ceremony.Session, assertion)
	if err == nil {
		if err := req.Execution.Context.Set(executor.KeyPendingUser, u.ID); err != nil {
			return executor.Result{}, err
		}
		if err := req.Execution.Context.Set(executor.KeyAuthMethod, MethodPasskey); err != nil {
			return executor.Result{}, err
		}
		return executor.Next(), nil
	}
	if !errors.Is(err, webauthn.ErrRefused) {
		return executor.Result{}, err
	}
	if s.deps.Logger != nil {
		s.deps.Logger.DebugContext(ctx, "passwordless assertion refused", "reason", err)
	}
	s.loginFailed(ctx, req, nil, "", "passkey")
	if err := reputation.Record(ctx, s.deps.Counters, req.Client.IP, "", reputation.Failure); err != nil {
		return executor.Result{}, err
	}
	st.Failures++
	if err := s.renew(ctx, nil, &st); err != nil {
		return executor.Result{}, err
	}
	if err := req.SaveState(st); err != nil {
		return executor.Result{}, err
	}
	if st.Failures >= MaxFailures {
		return executor.Deny(messageCancelled), nil
	}
	return executor.Retry(executor.FieldError{Field: FieldWebauthn, Message: messagePasskeyInvalid, Code: codeInvalid}), nil
}

// addressKey is the counter of passwordless attempts from the client's
// address.
func addressKey(req *executor.Request) string {
	return "mfa_passkeys:ip:" + req.Client.IP.Unmap().WithZone("").String()
}
