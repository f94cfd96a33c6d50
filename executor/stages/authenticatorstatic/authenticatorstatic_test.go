package authenticatorstatic_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/staticdevice"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/authenticatorstatic"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/mfa/recovery"
	"github.com/gatehouse-id/gatehouse/seal"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

func TestKind(t *testing.T) {
	t.Parallel()
	stagetest.RequireKind(t, "authenticator_static", authenticatorstatic.Kind, &authenticatorstatic.Stage{}, authenticatorstatic.Response{})
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	stagetest.RunValidation(t, authenticatorstatic.Definition(), []typedconfigtest.Case{
		{Name: "defaults", Want: &authenticatorstatic.Config{TokenCount: 10, FriendlyName: "Recovery codes"}},
		{Name: "set", Config: `{"token_count": 6, "friendly_name": "Paper"}`, Want: &authenticatorstatic.Config{TokenCount: 6, FriendlyName: "Paper"}},
		{Name: "no codes", Config: `{"token_count": 0}`, Field: "token_count"},
		{Name: "too many codes", Config: `{"token_count": 51}`, Field: "token_count"},
		{Name: "empty name", Config: `{"friendly_name": " "}`, Field: "friendly_name"},
		{Name: "long name", Config: `{"friendly_name": "` + strings.Repeat("x", 101) + `"}`, Field: "friendly_name"},
		{Name: "unknown field", Config: `{"digits": 6}`, Field: "digits"},
	})
}

const cfg = `{"token_count": 4, "friendly_name": "Paper codes"}`

type bundle struct {
	env   *stagetest.Env
	grace *ent.User
}

func setup(t *testing.T, d string) bundle {
	t.Helper()
	env := stagetest.New(t, d, authenticatorstatic.Definition())
	return bundle{env: env, grace: env.User(t, "grace", "", "")}
}

// begin runs the stage's Skip for grace, signed in, and returns the
// request and the challenge.
func begin(t *testing.T, b bundle) (*executor.Request, *authenticatorstatic.Challenge) {
	t.Helper()
	req := b.env.Request(authenticatorstatic.Kind)
	b.env.SignIn(t, req, b.grace)
	_, skip, err := b.env.Skipper(t, authenticatorstatic.Kind, cfg).Skip(b.env.Ctx, req)
	require.NoError(t, err)
	require.False(t, skip)
	return req, challenge(t, b.env, req)
}

func challenge(t *testing.T, env *stagetest.Env, req *executor.Request) *authenticatorstatic.Challenge {
	t.Helper()
	ch, err := env.Interactive(t, authenticatorstatic.Kind, cfg).Challenge(env.Ctx, req)
	require.NoError(t, err)
	c, ok := ch.(*authenticatorstatic.Challenge)
	require.True(t, ok)
	return c
}

func submit(t *testing.T, b bundle, req *executor.Request, confirm bool) executor.Result {
	t.Helper()
	return b.env.Submit(t, b.env.Interactive(t, authenticatorstatic.Kind, cfg), req, &authenticatorstatic.Response{Confirm: confirm})
}

func codes(t *testing.T, b bundle) *recovery.Codes {
	t.Helper()
	key, err := seal.NewKeys(stagetest.SecretKey).Derive(recovery.Purpose)
	require.NoError(t, err)
	return recovery.New(b.env.Client, key, b.env.Clock.Now)
}

func TestChallengeGolden(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite")
	req, _ := begin(t, b)
	// Replace the random pending codes with known ones, sealed as the stage seals them.
	box, err := seal.New(stagetest.SecretKey, authenticatorstatic.PendingPurpose)
	require.NoError(t, err)
	known, err := json.Marshal([]string{"abcde-fghjk", "01234-56789", "mnpqr-stvwx", "yz012-34567"})
	require.NoError(t, err)
	sealed, err := box.Seal(known, []byte("recovery:pending:user:"+strconv.Itoa(b.grace.ID)))
	require.NoError(t, err)
	require.NoError(t, req.SaveState(map[string]any{"user_id": b.grace.ID, "sealed_codes": sealed}))
	b.env.Golden(t, b.env.Interactive(t, authenticatorstatic.Kind, cfg), req, "codes")
}

func TestAuthenticatorStatic(t *testing.T) {
	t.Parallel()
	stagetest.Dialects(t, setup, map[string]func(t *testing.T, b bundle){
		"the challenge shows one set of codes, sealed in the execution": func(t *testing.T, b bundle) {
			req, ch := begin(t, b)
			require.Len(t, ch.Codes, 4)
			require.Equal(t, ch.Codes, challenge(t, b.env, req).Codes, "a reload shows the same codes")
			_, skip, err := b.env.Skipper(t, authenticatorstatic.Kind, cfg).Skip(b.env.Ctx, req)
			require.NoError(t, err)
			require.False(t, skip)
			require.Equal(t, ch.Codes, challenge(t, b.env, req).Codes, "entering the stage again keeps them")
			doc, err := json.Marshal(req.Execution)
			require.NoError(t, err)
			for _, c := range ch.Codes {
				require.NotContains(t, string(doc), c)
			}
			require.Zero(t, b.env.Client.StaticDevice.Query().CountX(b.env.Ctx), "nothing saved before the confirmation")
		},
		"confirming saves the codes hashed, single use": func(t *testing.T, b bundle) {
			req, ch := begin(t, b)
			res := submit(t, b, req, false)
			require.Equal(t, "retry", res.Kind())
			require.Equal(t, "required", res.Errors()[0].Code)
			require.Equal(t, "next", submit(t, b, req, true).Kind())
			dev := b.env.Client.StaticDevice.Query().Where(staticdevice.UserID(b.grace.ID)).OnlyX(b.env.Ctx)
			require.Equal(t, "Paper codes", dev.Name)
			require.Equal(t, 4, b.env.Client.StaticToken.Query().CountX(b.env.Ctx))
			require.NoError(t, codes(t, b).Redeem(b.env.Ctx, b.grace.ID, ch.Codes[2]))
			require.ErrorIs(t, codes(t, b).Redeem(b.env.Ctx, b.grace.ID, ch.Codes[2]), recovery.ErrInvalidCode)
			doc, err := json.Marshal(req.Execution)
			require.NoError(t, err)
			require.NotContains(t, string(doc), "sealed_codes\":\"", "the pending codes are dropped once saved")
			require.Equal(t, enum.EventActionMFADeviceAdded, b.env.Auditor.Events()[0].Action)
		},
		"a new set replaces the old one": func(t *testing.T, b bundle) {
			req, old := begin(t, b)
			require.Equal(t, "next", submit(t, b, req, true).Kind())
			req, fresh := begin(t, b)
			require.NotEqual(t, old.Codes, fresh.Codes)
			require.Equal(t, "next", submit(t, b, req, true).Kind())
			require.Equal(t, 1, b.env.Client.StaticDevice.Query().CountX(b.env.Ctx))
			require.ErrorIs(t, codes(t, b).Redeem(b.env.Ctx, b.grace.ID, old.Codes[0]), recovery.ErrInvalidCode)
			require.NoError(t, codes(t, b).Redeem(b.env.Ctx, b.grace.ID, fresh.Codes[0]))
			var actions []enum.EventAction
			for _, e := range b.env.Auditor.Events() {
				actions = append(actions, e.Action)
			}
			require.Equal(t, []enum.EventAction{enum.EventActionMFADeviceAdded, enum.EventActionMFADeviceRemoved, enum.EventActionMFADeviceAdded}, actions)
		},
		"the pending user may set up codes only when a validation stage allowed it": func(t *testing.T, b bundle) {
			req := b.env.RequestAbout(t, authenticatorstatic.Kind, b.grace)
			res, skip, err := b.env.Skipper(t, authenticatorstatic.Kind, cfg).Skip(b.env.Ctx, req)
			require.NoError(t, err)
			require.True(t, skip)
			require.Equal(t, "deny", res.Kind(), "a pending user alone is not enough")
			require.Equal(t, "deny", submit(t, b, req, true).Kind())

			require.NoError(t, req.Execution.Context.Set(executor.KeyDeviceSetupUser, b.grace.ID))
			_, skip, err = b.env.Skipper(t, authenticatorstatic.Kind, cfg).Skip(b.env.Ctx, req)
			require.NoError(t, err)
			require.False(t, skip)
			require.Equal(t, "next", submit(t, b, req, true).Kind())
			require.Equal(t, 1, b.env.Client.StaticDevice.Query().Where(staticdevice.UserID(b.grace.ID)).CountX(b.env.Ctx))
		},
	})
}
