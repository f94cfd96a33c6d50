package devicecode_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/oauth2authrequest"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/devicecode"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/oidc/device"
)

func TestKind(t *testing.T) {
	t.Parallel()
	stagetest.RequireKind(t, "device_code", devicecode.Kind, &devicecode.Stage{}, devicecode.Response{})
}

// pending stores a device authorization showing userCode, as the
// provider does, and returns its ID.
func pending(t *testing.T, env *stagetest.Env, userCode string, expires time.Time) string {
	t.Helper()
	flow := env.Client.Flow.Create().SetSlug("authz-" + strings.ToLower(device.Normalize(userCode))).SetName("authz").SetTitle("authz").SetDesignation("authorization").SaveX(env.Ctx)
	p := env.Client.OAuth2Provider.Create().SetName("tv-" + userCode).SetClientID("tv-" + userCode).SetAuthorizationFlowID(flow.ID).
		SetDeviceAuthorization(true).SaveX(env.Ctx)
	r := env.Client.OAuth2AuthRequest.Create().SetID("req-" + userCode).SetCreatedAt(env.Clock.Now()).SetExpiresAt(expires).
		SetProviderID(p.ID).SetClientID(p.ClientID).SetRedirectURI("").SetScopes([]string{"openid"}).SetResponseType("device_code").
		SetDeviceCodeHash(device.Hash("device-" + userCode)).SetUserCodeHash(device.Hash(device.Normalize(userCode))).SaveX(env.Ctx)
	return r.ID
}

func TestDeviceCode(t *testing.T) {
	t.Parallel()
	type bundle struct {
		env        *stagetest.Env
		grace, ada *ent.User
	}
	setup := func(t *testing.T, d string) bundle {
		t.Helper()
		env := stagetest.New(t, d, devicecode.Definition())
		return bundle{env: env, grace: env.User(t, "grace", "", ""), ada: env.User(t, "ada", "", "")}
	}
	submit := func(t *testing.T, b bundle, u *ent.User, code string) executor.Result {
		t.Helper()
		req := b.env.Request(devicecode.Kind)
		if u != nil {
			b.env.SignIn(t, req, u)
		}
		return b.env.Submit(t, b.env.Interactive(t, devicecode.Kind, `{}`), req, &devicecode.Response{Code: code})
	}
	stagetest.Dialects(t, setup, map[string]func(t *testing.T, b bundle){
		"the verification link's code is shown to confirm": func(t *testing.T, b bundle) {
			req := b.env.Request(devicecode.Kind)
			req.Execution.Query = "user_code=wxyz-bcdf"
			ch, err := b.env.Interactive(t, devicecode.Kind, `{}`).Challenge(b.env.Ctx, req)
			require.NoError(t, err)
			c, ok := ch.(*devicecode.Challenge)
			require.True(t, ok)
			require.Equal(t, "WXYZ-BCDF", c.Code)
		},
		"a valid code binds the authorization and goes on": func(t *testing.T, b bundle) {
			id := pending(t, b.env, "WXYZ-BCDF", b.env.Clock.Now().Add(time.Minute))
			res := submit(t, b, b.grace, " wxyz bcdf ")
			require.Equal(t, "redirect", res.Kind())
			require.Equal(t, device.ContinueURL(id), res.To())
			r := b.env.Client.OAuth2AuthRequest.GetX(b.env.Ctx, id)
			require.Equal(t, b.grace.ID, *r.DeviceUserID)
			require.Equal(t, "redirect", submit(t, b, b.grace, "WXYZ-BCDF").Kind(), "the same user may enter it again")

			res = submit(t, b, b.ada, "WXYZ-BCDF")
			require.Equal(t, "retry", res.Kind())
			require.Equal(t, "invalid", res.Errors()[0].Code, "another user cannot take it over")
			require.Equal(t, b.grace.ID, *b.env.Client.OAuth2AuthRequest.GetX(b.env.Ctx, id).DeviceUserID)
		},
		"unknown, expired and answered codes are refused": func(t *testing.T, b bundle) {
			expired := pending(t, b.env, "BBBB-CCCC", b.env.Clock.Now().Add(-time.Second))
			answered := pending(t, b.env, "DDDD-FFFF", b.env.Clock.Now().Add(time.Minute))
			b.env.Client.OAuth2AuthRequest.UpdateOneID(answered).SetDeniedAt(b.env.Clock.Now()).ExecX(b.env.Ctx)
			for _, code := range []string{"GGGG-HHHH", "BBBB-CCCC", "DDDD-FFFF"} {
				res := submit(t, b, b.grace, code)
				require.Equal(t, "retry", res.Kind(), code)
				require.Equal(t, "invalid", res.Errors()[0].Code, code)
			}
			n, err := b.env.Client.OAuth2AuthRequest.Query().Where(oauth2authrequest.DeviceUserIDNotNil()).Count(b.env.Ctx)
			require.NoError(t, err)
			require.Zero(t, n, "nothing was bound (%s)", expired)
			res := submit(t, b, b.grace, " - ")
			require.Equal(t, "required", res.Errors()[0].Code)
		},
		"guesses are throttled per user": func(t *testing.T, b bundle) {
			id := pending(t, b.env, "WXYZ-BCDF", b.env.Clock.Now().Add(time.Minute))
			for range devicecode.PerUser {
				require.Equal(t, "invalid", submit(t, b, b.grace, "ZZZZ-ZZZZ").Errors()[0].Code)
			}
			res := submit(t, b, b.grace, "WXYZ-BCDF")
			require.Equal(t, "rate_limited", res.Errors()[0].Code, "past the limit even the right code is not looked up")
			require.Nil(t, b.env.Client.OAuth2AuthRequest.GetX(b.env.Ctx, id).DeviceUserID)
			require.Equal(t, "redirect", submit(t, b, b.ada, "WXYZ-BCDF").Kind(), "another user is not throttled")
		},
		"an anonymous client is denied": func(t *testing.T, b bundle) {
			require.Equal(t, "deny", submit(t, b, nil, "WXYZ-BCDF").Kind())
		},
	})
}
