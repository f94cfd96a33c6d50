package authenticatortotp_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pquerna/otp"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/totpdevice"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/authenticatortotp"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/mfa/totp"
	"github.com/gatehouse-id/gatehouse/seal"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

func TestKind(t *testing.T) {
	t.Parallel()
	stagetest.RequireKind(t, "authenticator_totp", authenticatortotp.Kind, &authenticatortotp.Stage{}, authenticatortotp.Response{})
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	stagetest.RunValidation(t, authenticatortotp.Definition(), []typedconfigtest.Case{
		{Name: "defaults", Want: &authenticatortotp.Config{Digits: 6, FriendlyName: "Authenticator app"}},
		{Name: "eight digits", Config: `{"digits": 8, "friendly_name": "Phone"}`, Want: &authenticatortotp.Config{Digits: 8, FriendlyName: "Phone"}},
		{Name: "seven digits", Config: `{"digits": 7}`, Field: "digits"},
		{Name: "empty name", Config: `{"friendly_name": " "}`, Field: "friendly_name"},
		{Name: "long name", Config: `{"friendly_name": "` + strings.Repeat("x", 101) + `"}`, Field: "friendly_name"},
		{Name: "unknown field", Config: `{"period": 60}`, Field: "period"},
	})
}

func TestAuthenticatorTOTP(t *testing.T) {
	t.Parallel()
	type bundle struct {
		env   *stagetest.Env
		grace *ent.User
	}
	setup := func(t *testing.T, d string) bundle {
		t.Helper()
		env := stagetest.New(t, d, authenticatortotp.Definition())
		return bundle{env: env, grace: env.User(t, "grace", "", "")}
	}
	const cfg = `{"digits": 8, "friendly_name": "Work phone"}`
	// begin runs the stage's Skip for grace (making the pending secret) and
	// returns the request and the challenge.
	begin := func(t *testing.T, b bundle) (*executor.Request, *authenticatortotp.Challenge) {
		t.Helper()
		req := b.env.Request(authenticatortotp.Kind)
		b.env.SignIn(t, req, b.grace)
		_, skip, err := b.env.Skipper(t, authenticatortotp.Kind, cfg).Skip(b.env.Ctx, req)
		require.NoError(t, err)
		require.False(t, skip)
		return req, challenge(t, b.env, req)
	}
	code := func(t *testing.T, b bundle, ch *authenticatortotp.Challenge) string {
		t.Helper()
		c, err := totp.Key{Secret: ch.Secret, Digits: 8}.Code(totp.Step(b.env.Clock.Now()))
		require.NoError(t, err)
		return c
	}
	submit := func(t *testing.T, b bundle, req *executor.Request, code string) executor.Result {
		t.Helper()
		return b.env.Submit(t, b.env.Interactive(t, authenticatortotp.Kind, cfg), req, &authenticatortotp.Response{Code: code})
	}
	stagetest.Dialects(t, setup, map[string]func(t *testing.T, b bundle){
		"the challenge shows one secret until the device is saved": func(t *testing.T, b bundle) {
			req, ch := begin(t, b)
			key, err := otp.NewKeyFromURL(ch.ConfigURL)
			require.NoError(t, err)
			require.Equal(t, ch.Secret, key.Secret())
			require.Equal(t, "grace", key.AccountName())
			require.Equal(t, "Gatehouse", key.Issuer(), "the brand's title")
			require.Equal(t, otp.DigitsEight, key.Digits())
			require.True(t, strings.HasPrefix(ch.QRCode, "data:image/svg+xml;base64,"))

			require.Equal(t, ch.Secret, challenge(t, b.env, req).Secret, "a reload shows the same secret")
			_, skip, err := b.env.Skipper(t, authenticatortotp.Kind, cfg).Skip(b.env.Ctx, req)
			require.NoError(t, err)
			require.False(t, skip)
			require.Equal(t, ch.Secret, challenge(t, b.env, req).Secret, "entering the stage again keeps it")
			doc, err := json.Marshal(req.Execution)
			require.NoError(t, err)
			require.Contains(t, string(doc), "sealed_secret")
			require.NotContains(t, string(doc), ch.Secret, "the execution holds the secret sealed only")

			_, other := begin(t, b)
			require.NotEqual(t, ch.Secret, other.Secret, "another setup has another secret")
		},
		"a wrong code is a field error and saves nothing": func(t *testing.T, b bundle) {
			req, ch := begin(t, b)
			right := code(t, b, ch)
			wrong := "00000000"
			if wrong == right {
				wrong = "11111111"
			}
			res := submit(t, b, req, wrong)
			require.Equal(t, "retry", res.Kind())
			require.Equal(t, executor.FieldError{Field: "code", Message: res.Errors()[0].Message, Code: "invalid"}, res.Errors()[0])
			res = submit(t, b, req, " ")
			require.Equal(t, "required", res.Errors()[0].Code)
			require.Zero(t, b.env.Client.TOTPDevice.Query().CountX(b.env.Ctx))
		},
		"the right code saves a confirmed device with the secret sealed": func(t *testing.T, b bundle) {
			req, ch := begin(t, b)
			require.Equal(t, "next", submit(t, b, req, code(t, b, ch)).Kind())
			dev := b.env.Client.TOTPDevice.Query().Where(totpdevice.UserID(b.grace.ID)).OnlyX(b.env.Ctx)
			require.True(t, dev.Confirmed)
			require.Equal(t, "Work phone", dev.Name)
			require.Equal(t, 8, dev.Digits)
			require.Equal(t, 30, dev.Period)
			require.Equal(t, totp.Step(b.env.Clock.Now()), dev.LastStep, "the setup code is used up")
			require.NotContains(t, string(dev.Secret), ch.Secret)
			box, err := seal.New(stagetest.SecretKey, totp.Purpose)
			require.NoError(t, err)
			secret, err := totp.NewDevices(b.env.Client, box, b.env.Clock.Now).Open(b.grace.ID, dev.Secret)
			require.NoError(t, err)
			require.Equal(t, ch.Secret, secret)
		},
		"failures end the flow": func(t *testing.T, b bundle) {
			req, _ := begin(t, b)
			for range authenticatortotp.MaxFailures - 1 {
				require.Equal(t, "retry", submit(t, b, req, "1").Kind())
			}
			res := submit(t, b, req, "1")
			require.Equal(t, "deny", res.Kind())
		},
		"attempts are limited per user across executions": func(t *testing.T, b bundle) {
			for range authenticatortotp.PerUser / 2 {
				req, _ := begin(t, b)
				require.Equal(t, "invalid", submit(t, b, req, "1").Errors()[0].Code)
				require.Equal(t, "invalid", submit(t, b, req, "1").Errors()[0].Code)
			}
			req, ch := begin(t, b)
			res := submit(t, b, req, code(t, b, ch))
			require.Equal(t, "rate_limited", res.Errors()[0].Code, "past the limit even the right code is refused")
			require.Zero(t, b.env.Client.TOTPDevice.Query().CountX(b.env.Ctx))
		},
		"without a signed-in user the stage denies": func(t *testing.T, b bundle) {
			req := b.env.Request(authenticatortotp.Kind)
			res, skip, err := b.env.Skipper(t, authenticatortotp.Kind, cfg).Skip(b.env.Ctx, req)
			require.NoError(t, err)
			require.True(t, skip)
			require.Equal(t, "deny", res.Kind())
			require.Equal(t, "deny", submit(t, b, req, "12345678").Kind())
		},
	})
}

func challenge(t *testing.T, env *stagetest.Env, req *executor.Request) *authenticatortotp.Challenge {
	t.Helper()
	ch, err := env.Interactive(t, authenticatortotp.Kind, `{"digits": 8, "friendly_name": "Work phone"}`).Challenge(env.Ctx, req)
	require.NoError(t, err)
	c, ok := ch.(*authenticatortotp.Challenge)
	require.True(t, ok)
	return c
}
