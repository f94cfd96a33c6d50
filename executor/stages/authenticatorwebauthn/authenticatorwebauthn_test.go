package authenticatorwebauthn_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/webauthndevice"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/authenticatorwebauthn"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/internal/webauthntest"
	"github.com/gatehouse-id/gatehouse/mfa/webauthn"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

const origin = "https://login.example.com"

func TestKind(t *testing.T) {
	t.Parallel()
	stagetest.RequireKind(t, "authenticator_webauthn", authenticatorwebauthn.Kind, &authenticatorwebauthn.Stage{}, authenticatorwebauthn.Response{})
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	platform := webauthn.AttachmentPlatform
	stagetest.RunValidation(t, authenticatorwebauthn.Definition(), []typedconfigtest.Case{
		{Name: "defaults", Want: &authenticatorwebauthn.Config{
			UserVerification: "preferred", ResidentKeyRequirement: "preferred", FriendlyName: "Passkey",
		}},
		{
			Name: "passkeys on this device",
			Config: `{"user_verification": "required", "resident_key_requirement": "required",
				"authenticator_attachment": "platform", "friendly_name": "Laptop"}`,
			Want: &authenticatorwebauthn.Config{
				UserVerification: "required", ResidentKeyRequirement: "required",
				AuthenticatorAttachment: &platform, FriendlyName: "Laptop",
			},
		},
		{Name: "unknown verification", Config: `{"user_verification": "always"}`, Field: "user_verification"},
		{Name: "upper case verification", Config: `{"user_verification": "REQUIRED"}`, Field: "user_verification"},
		{Name: "unknown resident key", Config: `{"resident_key_requirement": "yes"}`, Field: "resident_key_requirement"},
		{Name: "unknown attachment", Config: `{"authenticator_attachment": "cross-platform"}`, Field: "authenticator_attachment"},
		{Name: "empty name", Config: `{"friendly_name": " "}`, Field: "friendly_name"},
		{Name: "long name", Config: `{"friendly_name": "` + strings.Repeat("x", 101) + `"}`, Field: "friendly_name"},
		{Name: "unknown field", Config: `{"attestation": "direct"}`, Field: "attestation"},
	})
}

const cfg = `{"user_verification": "required", "resident_key_requirement": "required", "friendly_name": "Work key"}`

type bundle struct {
	env   *stagetest.Env
	grace *ent.User
	auth  *webauthntest.Authenticator
}

func setup(t *testing.T, d string) bundle {
	t.Helper()
	env := stagetest.New(t, d, authenticatorwebauthn.Definition())
	env.Deps.PublicURL = origin
	return bundle{env: env, grace: env.User(t, "grace", "", ""), auth: webauthntest.New(origin)}
}

// begin runs the stage's Skip for grace (beginning the registration) and
// returns the request and the challenge.
func begin(t *testing.T, b bundle) (*executor.Request, *authenticatorwebauthn.Challenge) {
	t.Helper()
	req := b.env.Request(authenticatorwebauthn.Kind)
	b.env.SignIn(t, req, b.grace)
	_, skip, err := b.env.Skipper(t, authenticatorwebauthn.Kind, cfg).Skip(b.env.Ctx, req)
	require.NoError(t, err)
	require.False(t, skip)
	return req, challenge(t, b.env, req)
}

func challenge(t *testing.T, env *stagetest.Env, req *executor.Request) *authenticatorwebauthn.Challenge {
	t.Helper()
	ch, err := env.Interactive(t, authenticatorwebauthn.Kind, cfg).Challenge(env.Ctx, req)
	require.NoError(t, err)
	c, ok := ch.(*authenticatorwebauthn.Challenge)
	require.True(t, ok)
	return c
}

func submit(t *testing.T, b bundle, req *executor.Request, resp string, name *string) executor.Result {
	t.Helper()
	return b.env.Submit(t, b.env.Interactive(t, authenticatorwebauthn.Kind, cfg), req,
		&authenticatorwebauthn.Response{Response: resp, Name: name})
}

func TestGolden(t *testing.T) {
	t.Parallel()
	stagetest.EachDialect(t, func(t *testing.T, d string) {
		b := setup(t, d)
		req, _ := begin(t, b)
		// The challenge and the user handle are random: fix them.
		var st map[string]any
		_, err := req.LoadState(&st)
		require.NoError(t, err)
		var options map[string]any
		require.NoError(t, json.Unmarshal([]byte(st["options"].(string)), &options)) //nolint:forcetypeassert // the state's shape
		pk := options["publicKey"].(map[string]any)                                  //nolint:forcetypeassert // the options' shape
		pk["challenge"] = "Y2hhbGxlbmdlIG9mIDMyIGJ5dGVzLCBub3QgcmFuZG9tISE"
		pk["user"].(map[string]any)["id"] = "dXNlciBoYW5kbGUgb2YgMzIgYnl0ZXMsIG5vdCByYW5kb20" //nolint:forcetypeassert // the options' shape
		fixed, err := json.Marshal(options)
		require.NoError(t, err)
		st["options"] = string(fixed)
		require.NoError(t, req.SaveState(st))
		b.env.Golden(t, b.env.Interactive(t, authenticatorwebauthn.Kind, cfg), req, "challenge")
	})
}

func TestAuthenticatorWebAuthn(t *testing.T) {
	t.Parallel()
	stagetest.Dialects(t, setup, map[string]func(t *testing.T, b bundle){
		"the challenge keeps its options until the device is saved": func(t *testing.T, b bundle) {
			req, ch := begin(t, b)
			require.Contains(t, ch.Registration, `"rp":{"name":"Gatehouse","id":"login.example.com"}`)
			require.Contains(t, ch.Registration, `"userVerification":"required"`)
			require.Contains(t, ch.Registration, `"residentKey":"required"`)
			require.Equal(t, ch.Registration, challenge(t, b.env, req).Registration, "a reload shows the same options")
			_, skip, err := b.env.Skipper(t, authenticatorwebauthn.Kind, cfg).Skip(b.env.Ctx, req)
			require.NoError(t, err)
			require.False(t, skip)
			require.Equal(t, ch.Registration, challenge(t, b.env, req).Registration, "entering the stage again keeps them")
			_, other := begin(t, b)
			require.NotEqual(t, ch.Registration, other.Registration, "another setup has another challenge")
		},
		"a verified credential saves the device": func(t *testing.T, b bundle) {
			req, ch := begin(t, b)
			resp, err := b.auth.Create(ch.Registration)
			require.NoError(t, err)
			name := "  My YubiKey "
			require.Equal(t, "next", submit(t, b, req, resp, &name).Kind())
			dev := b.env.Client.WebAuthnDevice.Query().Where(webauthndevice.UserID(b.grace.ID)).OnlyX(b.env.Ctx)
			require.Equal(t, "My YubiKey", dev.Name)
			require.Equal(t, b.auth.Credentials()[0].ID, dev.CredentialID)
			require.True(t, dev.UserVerified)
		},
		"without a name the configured one": func(t *testing.T, b bundle) {
			req, ch := begin(t, b)
			resp, err := b.auth.Create(ch.Registration)
			require.NoError(t, err)
			require.Equal(t, "next", submit(t, b, req, resp, nil).Kind())
			require.Equal(t, "Work key", b.env.Client.WebAuthnDevice.Query().OnlyX(b.env.Ctx).Name)
		},
		"a credential that does not verify is a field error, saves nothing and gets new options": func(t *testing.T, b bundle) {
			req, ch := begin(t, b)
			b.auth.UserVerified = false
			resp, err := b.auth.Create(ch.Registration)
			require.NoError(t, err)
			res := submit(t, b, req, resp, nil)
			require.Equal(t, "retry", res.Kind())
			require.Equal(t, executor.FieldError{Field: "response", Message: res.Errors()[0].Message, Code: "invalid"}, res.Errors()[0])
			require.Zero(t, b.env.Client.WebAuthnDevice.Query().CountX(b.env.Ctx))
			next := challenge(t, b.env, req)
			require.NotEqual(t, ch.Registration, next.Registration, "a new challenge")

			res = submit(t, b, req, " ", nil)
			require.Equal(t, "required", res.Errors()[0].Code)
			res = submit(t, b, req, `{"id":`, nil)
			require.Equal(t, "invalid", res.Errors()[0].Code)

			b.auth.UserVerified = true
			resp, err = b.auth.Create(challenge(t, b.env, req).Registration)
			require.NoError(t, err)
			require.Equal(t, "next", submit(t, b, req, resp, nil).Kind(), "the new options work")
		},
		"a credential made for the old options is refused": func(t *testing.T, b bundle) {
			req, ch := begin(t, b)
			old, err := b.auth.Create(ch.Registration)
			require.NoError(t, err)
			require.Equal(t, "retry", submit(t, b, req, "{}", nil).Kind())
			require.Equal(t, "retry", submit(t, b, req, old, nil).Kind(), "the challenge changed")
			require.Zero(t, b.env.Client.WebAuthnDevice.Query().CountX(b.env.Ctx))
		},
		"failures end the flow": func(t *testing.T, b bundle) {
			req, _ := begin(t, b)
			for range authenticatorwebauthn.MaxFailures - 1 {
				require.Equal(t, "retry", submit(t, b, req, "{}", nil).Kind())
			}
			require.Equal(t, "deny", submit(t, b, req, "{}", nil).Kind())
		},
		"attempts are limited per user across executions": func(t *testing.T, b bundle) {
			for range authenticatorwebauthn.PerUser / 2 {
				req, _ := begin(t, b)
				require.Equal(t, "retry", submit(t, b, req, "{}", nil).Kind())
				require.Equal(t, "retry", submit(t, b, req, "{}", nil).Kind())
			}
			req, ch := begin(t, b)
			resp, err := b.auth.Create(ch.Registration)
			require.NoError(t, err)
			res := submit(t, b, req, resp, nil)
			require.Equal(t, "rate_limited", res.Errors()[0].Code, "even a good credential once the limit is reached")
			require.Zero(t, b.env.Client.WebAuthnDevice.Query().CountX(b.env.Ctx))
		},
		"a public URL WebAuthn cannot use denies and tells the admin": func(t *testing.T, b bundle) {
			b.env.Deps.PublicURL = "http://127.0.0.1:9000"
			req := b.env.Request(authenticatorwebauthn.Kind)
			b.env.SignIn(t, req, b.grace)
			res, skip, err := b.env.Skipper(t, authenticatorwebauthn.Kind, cfg).Skip(b.env.Ctx, req)
			require.NoError(t, err)
			require.True(t, skip)
			require.Equal(t, "deny", res.Kind())
			events := b.env.Auditor.Events()
			require.Len(t, events, 1)
			require.Equal(t, enum.EventActionConfigurationError, events[0].Action)
			require.Equal(t, "authenticator_webauthn", events[0].Data["stage_kind"])
			require.Contains(t, events[0].Data["reason"], "GATEHOUSE_PUBLIC_URL")
		},
		"a flow without a signed-in user is denied": func(t *testing.T, b bundle) {
			req := b.env.Request(authenticatorwebauthn.Kind)
			res, skip, err := b.env.Skipper(t, authenticatorwebauthn.Kind, cfg).Skip(b.env.Ctx, req)
			require.NoError(t, err)
			require.True(t, skip)
			require.Equal(t, "deny", res.Kind())
			require.Equal(t, "deny", submit(t, b, req, "{}", nil).Kind())
		},
	})
}
