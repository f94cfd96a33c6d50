package authenticatorvalidate_test

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/authenticatorstatic"
	"github.com/gatehouse-id/gatehouse/executor/stages/authenticatorvalidate"
	"github.com/gatehouse-id/gatehouse/executor/stages/password"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/mfa/recovery"
	"github.com/gatehouse-id/gatehouse/mfa/totp"
	"github.com/gatehouse-id/gatehouse/seal"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

func TestKind(t *testing.T) {
	t.Parallel()
	stagetest.RequireKind(t, "authenticator_validate", authenticatorvalidate.Kind, &authenticatorvalidate.Stage{}, authenticatorvalidate.Response{})
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	stagetest.RunValidation(t, authenticatorvalidate.Definition(), []typedconfigtest.Case{
		{Name: "defaults", Want: &authenticatorvalidate.Config{
			DeviceClasses:       []authenticatorvalidate.DeviceClass{"totp", "static", "webauthn", "email"},
			NotConfiguredAction: "skip", ConfigurationStageIDs: []int{}, WebauthnUserVerification: "preferred",
		}},
		{Name: "passkeys verify the user", Config: `{"webauthn_user_verification": "required"}`, Want: &authenticatorvalidate.Config{
			DeviceClasses:       []authenticatorvalidate.DeviceClass{"totp", "static", "webauthn", "email"},
			NotConfiguredAction: "skip", ConfigurationStageIDs: []int{}, WebauthnUserVerification: "required",
		}},
		{Name: "unknown verification", Config: `{"webauthn_user_verification": "REQUIRED"}`, Field: "webauthn_user_verification"},
		{Name: "every option", Config: `{"device_classes": ["email", "totp"], "not_configured_action": "configure", "configuration_stages": [4, 5], "last_auth_threshold": 3600}`},
		{Name: "no classes", Config: `{"device_classes": []}`, Field: "device_classes"},
		{Name: "unknown class", Config: `{"device_classes": ["sms"]}`, Field: "device_classes"},
		{Name: "class twice", Config: `{"device_classes": ["totp", "totp"]}`, Field: "device_classes"},
		{Name: "unknown action", Config: `{"not_configured_action": "ignore"}`, Field: "not_configured_action"},
		{Name: "configure without stages", Config: `{"not_configured_action": "configure"}`, Field: "configuration_stages"},
		{Name: "negative threshold", Config: `{"last_auth_threshold": -1}`, Field: "last_auth_threshold"},
		{Name: "long threshold", Config: `{"last_auth_threshold": 31622401}`, Field: "last_auth_threshold"},
		{Name: "unknown field", Config: `{"user_verification": "required"}`, Field: "user_verification"},
	})
}

type bundle struct {
	env   *stagetest.Env
	grace *ent.User
	// key is grace's authenticator app; codes her recovery codes.
	key   totp.Key
	codes []string
	bare  *ent.User
}

const pw = "correct horse battery"

func setup(t *testing.T, d string) bundle {
	t.Helper()
	env := stagetest.New(t, d, authenticatorvalidate.Definition(), authenticatorstatic.Definition(), password.Definition())
	b := bundle{env: env, grace: env.User(t, "grace", "", pw), bare: env.User(t, "ada", "", pw)}
	box, err := seal.New(stagetest.SecretKey, totp.Purpose)
	require.NoError(t, err)
	b.key, err = totp.NewKey(6)
	require.NoError(t, err)
	code, err := b.key.Code(totp.Step(env.Clock.Now()))
	require.NoError(t, err)
	_, err = totp.NewDevices(env.Client, box, env.Clock.Now).Confirm(env.Ctx, b.grace.ID, "Phone", b.key, code)
	require.NoError(t, err)
	key, err := seal.NewKeys(stagetest.SecretKey).Derive(recovery.Purpose)
	require.NoError(t, err)
	b.codes, err = recovery.New(env.Client, key, env.Clock.Now).Regenerate(env.Ctx, b.grace.ID, "Recovery codes", 10)
	require.NoError(t, err)
	env.Clock.Advance(time.Hour) // the setup's step and use are long past
	return b
}

const cfg = `{}`

// begin runs Skip for u in a new execution (identified by username).
func begin(t *testing.T, b bundle, u *ent.User, config string) (*executor.Request, executor.Result, bool) {
	t.Helper()
	req := b.env.RequestAbout(t, authenticatorvalidate.Kind, u)
	require.NoError(t, req.Execution.Context.Set(executor.KeyPendingUserIdentifier, u.Username))
	res, skip, err := b.env.Skipper(t, authenticatorvalidate.Kind, config).Skip(b.env.Ctx, req)
	require.NoError(t, err)
	return req, res, skip
}

func submit(t *testing.T, b bundle, req *executor.Request, code string) executor.Result {
	t.Helper()
	return b.env.Submit(t, b.env.Interactive(t, authenticatorvalidate.Kind, cfg), req, &authenticatorvalidate.Response{Code: &code})
}

func (b bundle) code(t *testing.T, at time.Time) string {
	t.Helper()
	c, err := b.key.Code(totp.Step(at))
	require.NoError(t, err)
	return c
}

func mfaMethod(req *executor.Request) string {
	return req.Execution.Context.String(executor.KeyMFAMethod)
}

func TestChallengeGolden(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite")
	req, _, skip := begin(t, b, b.grace, cfg)
	require.False(t, skip)
	b.env.Golden(t, b.env.Interactive(t, authenticatorvalidate.Kind, cfg), req, "totp_and_static")
}

func TestAuthenticatorValidate(t *testing.T) {
	t.Parallel()
	stagetest.Dialects(t, setup, map[string]func(t *testing.T, b bundle){
		"a TOTP code passes once and is recorded": func(t *testing.T, b bundle) {
			req, _, skip := begin(t, b, b.grace, cfg)
			require.False(t, skip)
			code := b.code(t, b.env.Clock.Now())
			require.Equal(t, "next", submit(t, b, req, code).Kind())
			require.Equal(t, "totp", mfaMethod(req))

			again, _, _ := begin(t, b, b.grace, cfg)
			res := submit(t, b, again, code)
			require.Equal(t, "invalid", res.Errors()[0].Code, "a used code is refused in another execution")
			require.Empty(t, mfaMethod(again))
		},
		"one step of drift, not two": func(t *testing.T, b bundle) {
			req, _, _ := begin(t, b, b.grace, cfg)
			now := b.env.Clock.Now()
			require.Equal(t, "invalid", submit(t, b, req, b.code(t, now.Add(-2*totp.Period))).Errors()[0].Code, "two periods back")
			require.Equal(t, "next", submit(t, b, req, b.code(t, now.Add(-totp.Period))).Kind(), "one period back")
		},
		"a recovery code passes once": func(t *testing.T, b bundle) {
			req, _, _ := begin(t, b, b.grace, cfg)
			require.Equal(t, "next", submit(t, b, req, b.codes[3]).Kind())
			require.Equal(t, "static", mfaMethod(req))
			again, _, _ := begin(t, b, b.grace, cfg)
			require.Equal(t, "invalid", submit(t, b, again, b.codes[3]).Errors()[0].Code)
		},
		"an empty code is asked again without counting": func(t *testing.T, b bundle) {
			req, _, _ := begin(t, b, b.grace, cfg)
			for range authenticatorvalidate.MaxFailures + 1 {
				require.Equal(t, "required", submit(t, b, req, " ").Errors()[0].Code)
			}
			require.Equal(t, "next", submit(t, b, req, b.codes[0]).Kind())
		},
		"failures end the flow, for real and pretended users alike": func(t *testing.T, b bundle) {
			known, _, _ := begin(t, b, b.grace, cfg)
			pretend := b.env.Request(authenticatorvalidate.Kind)
			require.NoError(t, pretend.Execution.Context.Set(executor.KeyPendingUserIdentifier, "nobody"))
			for _, req := range []*executor.Request{known, pretend} {
				skipper := b.env.Skipper(t, authenticatorvalidate.Kind, cfg)
				for range authenticatorvalidate.MaxFailures - 1 {
					// The executor runs Skip again after every rejected code.
					_, skip, err := skipper.Skip(b.env.Ctx, req)
					require.NoError(t, err)
					require.False(t, skip)
					require.Equal(t, "retry", submit(t, b, req, "000000").Kind())
				}
				_, _, err := skipper.Skip(b.env.Ctx, req)
				require.NoError(t, err)
				require.Equal(t, "deny", submit(t, b, req, "000000").Kind())
			}
		},
		"wrong codes use up the account's password budget and lock it": func(t *testing.T, b bundle) {
			for range authenticatorvalidate.PerUser / 2 {
				req, _, _ := begin(t, b, b.grace, cfg)
				require.Equal(t, "invalid", submit(t, b, req, "00000-00000").Errors()[0].Code)
				require.Equal(t, "invalid", submit(t, b, req, "000000").Errors()[0].Code)
			}
			req, _, _ := begin(t, b, b.grace, cfg)
			require.Equal(t, "rate_limited", submit(t, b, req, b.code(t, b.env.Clock.Now())).Errors()[0].Code,
				"past the limit even the right code is refused")
			locked, err := b.env.Counters.Get(b.env.Ctx, "lockout:user:"+strconv.Itoa(b.grace.ID))
			require.NoError(t, err)
			require.Positive(t, locked, "the same lockout as passwords")

			preq := b.env.RequestAbout(t, password.Kind, b.grace)
			require.NoError(t, preq.Execution.Context.Set(executor.KeyPendingUserIdentifier, "grace"))
			res := b.env.Submit(t, b.env.Interactive(t, password.Kind, `{}`), preq, &password.Response{Password: pw})
			require.Equal(t, "rate_limited", res.Errors()[0].Code, "the right password is refused too")
		},
		"correct passwords in between do not reset the codes' budget": func(t *testing.T, b bundle) {
			pass := func() {
				preq := b.env.RequestAbout(t, password.Kind, b.grace)
				require.NoError(t, preq.Execution.Context.Set(executor.KeyPendingUserIdentifier, "grace"))
				res := b.env.Submit(t, b.env.Interactive(t, password.Kind, `{}`), preq, &password.Response{Password: pw})
				require.Equal(t, "next", res.Kind())
			}
			for range authenticatorvalidate.PerUser / 2 {
				pass()
				req, _, _ := begin(t, b, b.grace, cfg)
				require.Equal(t, "invalid", submit(t, b, req, "000000").Errors()[0].Code)
				require.Equal(t, "invalid", submit(t, b, req, "000000").Errors()[0].Code)
			}
			preq := b.env.RequestAbout(t, password.Kind, b.grace)
			require.NoError(t, preq.Execution.Context.Set(executor.KeyPendingUserIdentifier, "grace"))
			res := b.env.Submit(t, b.env.Interactive(t, password.Kind, `{}`), preq, &password.Response{Password: pw})
			require.Equal(t, "rate_limited", res.Errors()[0].Code, "the account is locked")
		},
		"a user without devices: skip, deny or configure": func(t *testing.T, b bundle) {
			_, res, skip := begin(t, b, b.bare, cfg)
			require.True(t, skip)
			require.Equal(t, "next", res.Kind())

			_, res, skip = begin(t, b, b.bare, `{"not_configured_action": "deny"}`)
			require.True(t, skip)
			require.Equal(t, "deny", res.Kind())

			setupStage := b.env.Client.Stage.Create().SetName("codes").SetKind(authenticatorstatic.Kind).
				SetConfig(json.RawMessage(`{}`)).SaveX(b.env.Ctx)
			req, res, skip := begin(t, b, b.bare, `{"not_configured_action": "configure", "configuration_stages": [`+strconv.Itoa(setupStage.ID)+`]}`)
			require.True(t, skip)
			require.Equal(t, "next", res.Kind())
			require.Len(t, req.Execution.Plan.Entries, 2)
			inserted := req.Execution.Plan.Entries[1]
			require.Equal(t, setupStage.ID, inserted.StageID)
			require.Equal(t, authenticatorstatic.Kind, inserted.Kind)
			var setupUser int
			ok, err := req.Execution.Context.Get(executor.KeyDeviceSetupUser, &setupUser)
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, b.bare.ID, setupUser)
			u, err := req.DeviceUser(b.env.Ctx, b.env.Client)
			require.NoError(t, err)
			require.Equal(t, b.bare.ID, u.ID, "the setup stage may work for the pending user")
		},
		"classes not allowed count as none": func(t *testing.T, b bundle) {
			req, _, skip := begin(t, b, b.grace, `{"device_classes": ["static"]}`)
			require.False(t, skip)
			require.Equal(t, "invalid", submit(t, b, req, b.code(t, b.env.Clock.Now())).Errors()[0].Code, "TOTP not accepted")
			_, res, skip := begin(t, b, b.grace, `{"device_classes": ["webauthn"], "not_configured_action": "deny"}`)
			require.True(t, skip)
			require.Equal(t, "deny", res.Kind())
		},
		"last_auth_threshold passes a recent user": func(t *testing.T, b bundle) {
			const threshold = `{"last_auth_threshold": 600}`
			_, _, skip := begin(t, b, b.grace, threshold)
			require.False(t, skip, "the devices were last used an hour ago")
			req, _, _ := begin(t, b, b.grace, threshold)
			require.Equal(t, "next", submit(t, b, req, b.code(t, b.env.Clock.Now())).Kind())
			b.env.Clock.Advance(5 * time.Minute)
			_, res, skip := begin(t, b, b.grace, threshold)
			require.True(t, skip)
			require.Equal(t, "next", res.Kind())
			b.env.Clock.Advance(6 * time.Minute)
			_, _, skip = begin(t, b, b.grace, threshold)
			require.False(t, skip)
		},
		"a user the flow only pretends exists sees code classes and every code fails": func(t *testing.T, b bundle) {
			req := b.env.Request(authenticatorvalidate.Kind)
			require.NoError(t, req.Execution.Context.Set(executor.KeyPendingUserIdentifier, "nobody"))
			_, skip, err := b.env.Skipper(t, authenticatorvalidate.Kind, cfg).Skip(b.env.Ctx, req)
			require.NoError(t, err)
			require.False(t, skip)
			ch, err := b.env.Interactive(t, authenticatorvalidate.Kind, cfg).Challenge(b.env.Ctx, req)
			require.NoError(t, err)
			c, ok := ch.(*authenticatorvalidate.Challenge)
			require.True(t, ok)
			require.Equal(t, []authenticatorvalidate.DeviceClass{"totp", "static"}, c.DeviceClasses)
			res := submit(t, b, req, b.codes[0])
			require.Equal(t, "invalid", res.Errors()[0].Code)
		},
		"no user at all is denied without passkeys": func(t *testing.T, b bundle) {
			req := b.env.Request(authenticatorvalidate.Kind)
			res, skip, err := b.env.Skipper(t, authenticatorvalidate.Kind, `{"device_classes": ["totp", "static"]}`).Skip(b.env.Ctx, req)
			require.NoError(t, err)
			require.True(t, skip)
			require.Equal(t, "deny", res.Kind())
		},
		"used-up recovery codes count as no device": func(t *testing.T, b bundle) {
			for _, c := range b.codes {
				req, _, _ := begin(t, b, b.grace, `{"device_classes": ["static"]}`)
				require.Equal(t, "next", submit(t, b, req, c).Kind())
			}
			_, res, skip := begin(t, b, b.grace, `{"device_classes": ["static"], "not_configured_action": "deny"}`)
			require.True(t, skip)
			require.Equal(t, "deny", res.Kind())
		},
	})
}
