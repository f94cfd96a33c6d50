package authenticatorvalidate_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/webauthndevice"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/authenticatorvalidate"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/internal/webauthntest"
	"github.com/gatehouse-id/gatehouse/mfa/webauthn"
)

const origin = "https://login.example.com"

// passkeys is a bundle whose users have passkeys: grace (besides her app
// and recovery codes) with auth, ada with adaAuth.
type passkeys struct {
	bundle

	auth, adaAuth *webauthntest.Authenticator
}

func setupPasskeys(t *testing.T, d string) passkeys {
	t.Helper()
	b := setup(t, d)
	b.env.Deps.PublicURL = origin
	p := passkeys{bundle: b, auth: webauthntest.New(origin), adaAuth: webauthntest.New(origin)}
	register(t, b, b.grace, p.auth)
	register(t, b, b.bare, p.adaAuth)
	return p
}

// register registers a discoverable credential of u's with auth.
func register(t *testing.T, b bundle, u *ent.User, auth *webauthntest.Authenticator) {
	t.Helper()
	rp, err := webauthn.NewRelyingParty(origin, "Gatehouse")
	require.NoError(t, err)
	devices := webauthn.NewDevices(b.env.Client, rp, b.env.Clock.Now)
	options, s, err := devices.BeginRegistration(b.env.Ctx, u, webauthn.RegistrationOptions{
		UserVerification: webauthn.VerificationRequired, ResidentKey: webauthn.ResidentKeyRequired,
	})
	require.NoError(t, err)
	resp, err := auth.Create(options)
	require.NoError(t, err)
	_, err = devices.FinishRegistration(b.env.Ctx, u, s, "Key", resp)
	require.NoError(t, err)
}

// validate returns the challenge of the stage with config for req.
func validate(t *testing.T, b bundle, req *executor.Request, config string) *authenticatorvalidate.Challenge {
	t.Helper()
	ch, err := b.env.Interactive(t, authenticatorvalidate.Kind, config).Challenge(b.env.Ctx, req)
	require.NoError(t, err)
	c, ok := ch.(*authenticatorvalidate.Challenge)
	require.True(t, ok)
	return c
}

func assertWith(t *testing.T, b bundle, req *executor.Request, config, assertion string) executor.Result {
	t.Helper()
	return b.env.Submit(t, b.env.Interactive(t, authenticatorvalidate.Kind, config), req, &authenticatorvalidate.Response{Webauthn: &assertion})
}

// devices is what refusals must leave unchanged.
func devices(t *testing.T, b bundle) string {
	t.Helper()
	devs := b.env.Client.WebAuthnDevice.Query().Order(ent.Asc(webauthndevice.FieldID)).AllX(b.env.Ctx)
	out, err := json.Marshal(devs)
	require.NoError(t, err)
	return string(out)
}

// passwordless runs Skip in a new execution without a user.
func passwordless(t *testing.T, b bundle, config string) (*executor.Request, executor.Result, bool) {
	t.Helper()
	req := b.env.Request(authenticatorvalidate.Kind)
	res, skip, err := b.env.Skipper(t, authenticatorvalidate.Kind, config).Skip(b.env.Ctx, req)
	require.NoError(t, err)
	return req, res, skip
}

const (
	webauthnOnly = `{"device_classes": ["webauthn"], "webauthn_user_verification": "required"}`
	invalid      = "invalid"
)

func TestPasskeys(t *testing.T) {
	t.Parallel()
	stagetest.Dialects(t, setupPasskeys, map[string]func(t *testing.T, p passkeys){
		"a passkey passes as the second factor": func(t *testing.T, p passkeys) {
			req, _, skip := begin(t, p.bundle, p.grace, cfg)
			require.False(t, skip)
			c := validate(t, p.bundle, req, cfg)
			require.Equal(t, []authenticatorvalidate.DeviceClass{"totp", "static", "webauthn"}, c.DeviceClasses)
			require.NotNil(t, c.Webauthn)
			require.Contains(t, *c.Webauthn, `"allowCredentials":[{"type":"public-key","id":"`)
			_, _, err := p.env.Skipper(t, authenticatorvalidate.Kind, cfg).Skip(p.env.Ctx, req)
			require.NoError(t, err)
			require.Equal(t, *c.Webauthn, *validate(t, p.bundle, req, cfg).Webauthn, "entering again keeps the options")
			resp, err := p.auth.Get(*c.Webauthn)
			require.NoError(t, err)
			require.Equal(t, "next", assertWith(t, p.bundle, req, cfg, resp).Kind())
			require.Equal(t, "webauthn", mfaMethod(req))
			dev := p.env.Client.WebAuthnDevice.Query().Where(webauthndevice.UserID(p.grace.ID)).OnlyX(p.env.Ctx)
			require.NotNil(t, dev.LastUsedAt)
			require.True(t, dev.LastUsedAt.Equal(p.env.Clock.Now()))
			require.Equal(t, int64(1), dev.SignCount)
		},
		"a replayed assertion is refused": func(t *testing.T, p passkeys) {
			req, _, _ := begin(t, p.bundle, p.grace, cfg)
			resp, err := p.auth.Get(*validate(t, p.bundle, req, cfg).Webauthn)
			require.NoError(t, err)
			require.Equal(t, "next", assertWith(t, p.bundle, req, cfg, resp).Kind())
			before := devices(t, p.bundle)
			again, _, _ := begin(t, p.bundle, p.grace, cfg)
			res := assertWith(t, p.bundle, again, cfg, resp)
			require.Equal(t, executor.FieldError{Field: "webauthn", Message: res.Errors()[0].Message, Code: invalid}, res.Errors()[0])
			require.Empty(t, mfaMethod(again))
			require.Equal(t, before, devices(t, p.bundle), "nothing changed")
		},
		"a cloned authenticator (a counter that did not grow) is refused": func(t *testing.T, p passkeys) {
			req, _, _ := begin(t, p.bundle, p.grace, cfg)
			p.auth.Credentials()[0].SignCount = 41
			resp, err := p.auth.Get(*validate(t, p.bundle, req, cfg).Webauthn)
			require.NoError(t, err)
			require.Equal(t, "next", assertWith(t, p.bundle, req, cfg, resp).Kind())
			before := devices(t, p.bundle)
			clone := p.auth.Clone()
			clone.Credentials()[0].SignCount = 10
			again, _, _ := begin(t, p.bundle, p.grace, cfg)
			resp, err = clone.Get(*validate(t, p.bundle, again, cfg).Webauthn)
			require.NoError(t, err)
			require.Equal(t, invalid, assertWith(t, p.bundle, again, cfg, resp).Errors()[0].Code)
			require.Equal(t, before, devices(t, p.bundle))
		},
		"another user's credential is refused": func(t *testing.T, p passkeys) {
			req, _, _ := begin(t, p.bundle, p.grace, cfg)
			before := devices(t, p.bundle)
			resp, err := p.adaAuth.Assert(p.adaAuth.Credentials()[0], *validate(t, p.bundle, req, cfg).Webauthn)
			require.NoError(t, err)
			require.Equal(t, invalid, assertWith(t, p.bundle, req, cfg, resp).Errors()[0].Code)
			require.Equal(t, before, devices(t, p.bundle))
			require.Empty(t, mfaMethod(req))
		},
		"another origin is refused": func(t *testing.T, p passkeys) {
			req, _, _ := begin(t, p.bundle, p.grace, cfg)
			before := devices(t, p.bundle)
			phish := p.auth.Clone()
			phish.Origin = "https://login.example.com.evil.test"
			resp, err := phish.Get(*validate(t, p.bundle, req, cfg).Webauthn)
			require.NoError(t, err)
			require.Equal(t, invalid, assertWith(t, p.bundle, req, cfg, resp).Errors()[0].Code)
			require.Equal(t, before, devices(t, p.bundle))
		},
		"a malformed assertion is refused and a refusal renews the options": func(t *testing.T, p passkeys) {
			req, _, _ := begin(t, p.bundle, p.grace, cfg)
			old := *validate(t, p.bundle, req, cfg).Webauthn
			require.Equal(t, invalid, assertWith(t, p.bundle, req, cfg, `{"id":`).Errors()[0].Code)
			renewed := *validate(t, p.bundle, req, cfg).Webauthn
			require.NotEqual(t, old, renewed)
			stale, err := p.auth.Get(old)
			require.NoError(t, err)
			require.Equal(t, invalid, assertWith(t, p.bundle, req, cfg, stale).Errors()[0].Code, "the old challenge is gone")
			resp, err := p.auth.Get(*validate(t, p.bundle, req, cfg).Webauthn)
			require.NoError(t, err)
			require.Equal(t, "next", assertWith(t, p.bundle, req, cfg, resp).Kind())
		},
		"user verification required": func(t *testing.T, p passkeys) {
			req, _, _ := begin(t, p.bundle, p.grace, webauthnOnly)
			lazy := p.auth.Clone()
			lazy.UserVerified = false
			resp, err := lazy.Get(*validate(t, p.bundle, req, webauthnOnly).Webauthn)
			require.NoError(t, err)
			require.Equal(t, invalid, assertWith(t, p.bundle, req, webauthnOnly, resp).Errors()[0].Code)
		},
		"a code and an assertion together are refused, uncounted": func(t *testing.T, p passkeys) {
			req, _, _ := begin(t, p.bundle, p.grace, cfg)
			resp, err := p.auth.Get(*validate(t, p.bundle, req, cfg).Webauthn)
			require.NoError(t, err)
			code := p.code(t, p.env.Clock.Now())
			for range authenticatorvalidate.MaxFailures + 1 {
				res := p.env.Submit(t, p.env.Interactive(t, authenticatorvalidate.Kind, cfg), req,
					&authenticatorvalidate.Response{Code: &code, Webauthn: &resp})
				require.Equal(t, "retry", res.Kind())
				require.Equal(t, executor.FieldError{Field: "code", Message: res.Errors()[0].Message, Code: invalid}, res.Errors()[0])
			}
			require.Equal(t, "next", assertWith(t, p.bundle, req, cfg, resp).Kind())
		},
		"assertion failures count like code failures": func(t *testing.T, p passkeys) {
			req, _, _ := begin(t, p.bundle, p.grace, cfg)
			skipper := p.env.Skipper(t, authenticatorvalidate.Kind, cfg)
			for range authenticatorvalidate.MaxFailures - 1 {
				require.Equal(t, "retry", assertWith(t, p.bundle, req, cfg, "{}").Kind())
				_, skip, err := skipper.Skip(p.env.Ctx, req)
				require.NoError(t, err)
				require.False(t, skip)
			}
			require.Equal(t, "deny", assertWith(t, p.bundle, req, cfg, "{}").Kind())
		},
		"an unusable public URL drops passkeys": func(t *testing.T, p passkeys) {
			p.env.Deps.PublicURL = "http://10.0.0.1:8080"
			req, _, skip := begin(t, p.bundle, p.grace, cfg)
			require.False(t, skip)
			c := validate(t, p.bundle, req, cfg)
			require.Nil(t, c.Webauthn)
			require.Equal(t, []authenticatorvalidate.DeviceClass{"totp", "static"}, c.DeviceClasses)
			_, res, skip := begin(t, p.bundle, p.bare, cfg)
			require.True(t, skip)
			require.Equal(t, "deny", res.Kind(), "ada has passkeys only")
			_, res, skip = passwordless(t, p.bundle, webauthnOnly)
			require.True(t, skip)
			require.Equal(t, "deny", res.Kind())
		},
		"passwordless: the passkey finds its user": func(t *testing.T, p passkeys) {
			req, _, skip := passwordless(t, p.bundle, webauthnOnly)
			require.False(t, skip)
			c := validate(t, p.bundle, req, webauthnOnly)
			require.Equal(t, []authenticatorvalidate.DeviceClass{"webauthn"}, c.DeviceClasses)
			require.NotNil(t, c.Webauthn)
			require.NotContains(t, *c.Webauthn, "allowCredentials")
			resp, err := p.adaAuth.Get(*c.Webauthn)
			require.NoError(t, err)
			require.Equal(t, "next", assertWith(t, p.bundle, req, webauthnOnly, resp).Kind())
			id, ok := req.Execution.Context.PendingUserID()
			require.True(t, ok)
			require.Equal(t, p.bare.ID, id)
			require.Equal(t, authenticatorvalidate.MethodPasskey, req.Execution.Context.String(executor.KeyAuthMethod))
			require.Empty(t, mfaMethod(req))
		},
		"passwordless: an inactive user is refused": func(t *testing.T, p passkeys) {
			p.env.Client.User.UpdateOne(p.grace).SetIsActive(false).ExecX(p.env.Ctx)
			req, _, _ := passwordless(t, p.bundle, webauthnOnly)
			before := devices(t, p.bundle)
			resp, err := p.auth.Get(*validate(t, p.bundle, req, webauthnOnly).Webauthn)
			require.NoError(t, err)
			res := assertWith(t, p.bundle, req, webauthnOnly, resp)
			require.Equal(t, executor.FieldError{Field: "webauthn", Message: res.Errors()[0].Message, Code: invalid}, res.Errors()[0])
			_, ok := req.Execution.Context.PendingUserID()
			require.False(t, ok)
			require.Equal(t, before, devices(t, p.bundle))
		},
		"passwordless: codes and bad assertions are refused, failures end the flow": func(t *testing.T, p passkeys) {
			req, _, _ := passwordless(t, p.bundle, webauthnOnly)
			code := p.codes[0]
			res := p.env.Submit(t, p.env.Interactive(t, authenticatorvalidate.Kind, webauthnOnly), req, &authenticatorvalidate.Response{Code: &code})
			require.Equal(t, "required", res.Errors()[0].Code, "a code does not identify anyone")
			for range authenticatorvalidate.MaxFailures - 1 {
				require.Equal(t, "retry", assertWith(t, p.bundle, req, webauthnOnly, "{}").Kind())
			}
			require.Equal(t, "deny", assertWith(t, p.bundle, req, webauthnOnly, "{}").Kind())
			_, ok := req.Execution.Context.PendingUserID()
			require.False(t, ok)
		},
		"passwordless: attempts are limited per address, before checking": func(t *testing.T, p passkeys) {
			_, err := p.env.Counters.Add(p.env.Ctx, "mfa_passkeys:ip:"+stagetest.ClientIP.String(), authenticatorvalidate.PerAddress, time.Hour, counter.Fixed)
			require.NoError(t, err)
			req, _, _ := passwordless(t, p.bundle, webauthnOnly)
			before := devices(t, p.bundle)
			resp, err := p.auth.Get(*validate(t, p.bundle, req, webauthnOnly).Webauthn)
			require.NoError(t, err)
			res := assertWith(t, p.bundle, req, webauthnOnly, resp)
			require.Equal(t, "rate_limited", res.Errors()[0].Code, "even a good passkey")
			_, ok := req.Execution.Context.PendingUserID()
			require.False(t, ok)
			require.Equal(t, before, devices(t, p.bundle))
		},
		"passwordless needs the class": func(t *testing.T, p passkeys) {
			_, res, skip := passwordless(t, p.bundle, `{"device_classes": ["totp"]}`)
			require.True(t, skip)
			require.Equal(t, "deny", res.Kind())
		},
	})
}

func TestPasswordlessChallengeGolden(t *testing.T) {
	t.Parallel()
	p := setupPasskeys(t, "sqlite")
	req, _, skip := passwordless(t, p.bundle, webauthnOnly)
	require.False(t, skip)
	// The challenge is random: fix it.
	var st map[string]any
	_, err := req.LoadState(&st)
	require.NoError(t, err)
	c := st["ceremony"].(map[string]any) //nolint:forcetypeassert // the state's shape
	var options map[string]any
	require.NoError(t, json.Unmarshal([]byte(c["options"].(string)), &options))                            //nolint:forcetypeassert // the state's shape
	options["publicKey"].(map[string]any)["challenge"] = "Y2hhbGxlbmdlIG9mIDMyIGJ5dGVzLCBub3QgcmFuZG9tISE" //nolint:forcetypeassert // the options' shape
	fixed, err := json.Marshal(options)
	require.NoError(t, err)
	c["options"] = string(fixed)
	require.NoError(t, req.SaveState(st))
	p.env.Golden(t, p.env.Interactive(t, authenticatorvalidate.Kind, webauthnOnly), req, "passwordless")
}
