package main

import (
	"strconv"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/blueprints"
	entevent "github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/stage"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/executor/stages/authenticatorvalidate"
	"github.com/gatehouse-id/gatehouse/mfa/recovery"
	"github.com/gatehouse-id/gatehouse/mfa/totp"
	"github.com/gatehouse-id/gatehouse/seal"
)

const mfaPassword = "Cobol-Compiler-1959"

// mfaUser creates username with mfaPassword as admin.
func mfaUser(t *testing.T, s *testServer, username string) int {
	t.Helper()
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	var out struct{ CreateUser struct{ ID string } }
	admin.must(`mutation($u: String!, $p: String!) { createUser(input: {username: $u}, password: $p) { id } }`,
		map[string]any{"u": username, "p": mfaPassword}, &out)
	return s.app.db.Ent.User.Query().Where(user.Username(username)).OnlyIDX(viewer.SystemContext(t.Context()))
}

// mfaSetUpTOTP sets up an authenticator app for c's signed-in user
// through the setup flow and returns its key.
func mfaSetUpTOTP(t *testing.T, c *client) totp.Key {
	t.Helper()
	return mfaSetUpTOTPAt(t, c, time.Now())
}

// mfaSetUpTOTPAt is mfaSetUpTOTP on a server whose clock reads now: the
// setup is confirmed with the code of now's step.
func mfaSetUpTOTPAt(t *testing.T, c *client, now time.Time) totp.Key {
	t.Helper()
	id, ch := totpStart(t, c)
	require.Equal(t, "AuthenticatorTotpChallenge", ch.Typename)
	parsed, err := otp.NewKeyFromURL(ch.ConfigURL)
	require.NoError(t, err)
	key := totp.Key{Secret: parsed.Secret(), Digits: 6}
	v := c.submit(id, map[string]any{"authenticatorTotp": map[string]any{"code": codeAt(t, key, now)}})
	require.NotEqual(t, "AuthenticatorTotpChallenge", v.Challenge.Typename, "%+v", v.Challenge)
	return key
}

// mfaSetUpCodes gets recovery codes for c's signed-in user through the
// setup flow.
func mfaSetUpCodes(t *testing.T, c *client) []string {
	t.Helper()
	var out struct {
		StartFlow struct {
			ID        string
			Challenge struct {
				Typename string `json:"__typename"`
				Codes    []string
			}
		}
	}
	c.must(`mutation($slug: String!) { startFlow(slug: $slug) { id challenge { __typename ... on AuthenticatorStaticChallenge { codes } } } }`,
		map[string]any{"slug": blueprints.AuthenticatorStaticSetupFlow}, &out)
	require.Equal(t, "AuthenticatorStaticChallenge", out.StartFlow.Challenge.Typename)
	require.Len(t, out.StartFlow.Challenge.Codes, 10)
	v := c.submit(out.StartFlow.ID, map[string]any{"authenticatorStatic": map[string]any{"confirm": true}})
	require.NotEqual(t, "AuthenticatorStaticChallenge", v.Challenge.Typename, "%+v", v.Challenge)
	return out.StartFlow.Challenge.Codes
}

func codeAt(t *testing.T, k totp.Key, at time.Time) string {
	t.Helper()
	c, err := k.Code(totp.Step(at))
	require.NoError(t, err)
	return c
}

// mfaLogin runs the default login up to the second factor and returns the
// execution's ID and the device classes it asks for.
func mfaLogin(t *testing.T, c *client, username string) (string, []string) {
	t.Helper()
	return mfaLoginAs(t, c, username, mfaPassword)
}

// mfaLoginAs is mfaLogin with password.
func mfaLoginAs(t *testing.T, c *client, username, password string) (string, []string) {
	t.Helper()
	v := c.login(username, password)
	require.Equal(t, "AuthenticatorValidateChallenge", v.Challenge.Typename, "%+v", v.Challenge)
	var out struct {
		FlowExecution struct {
			Challenge struct{ DeviceClasses []string }
		}
	}
	c.must(`query($id: ID!) { flowExecution(id: $id) { challenge { ... on AuthenticatorValidateChallenge { deviceClasses } } } }`,
		map[string]any{"id": v.ID}, &out)
	return v.ID, out.FlowExecution.Challenge.DeviceClasses
}

// mfaAnswer answers the second factor with code.
func mfaAnswer(c *client, id, code string) view {
	c.t.Helper()
	return c.submit(id, map[string]any{"authenticatorValidate": map[string]any{"code": code}})
}

func requireInvalidCode(t *testing.T, v view) {
	t.Helper()
	require.Equal(t, "AuthenticatorValidateChallenge", v.Challenge.Typename, "%+v", v.Challenge)
	require.Len(t, v.Challenge.Errors, 1)
	require.Equal(t, "invalid", v.Challenge.Errors[0].Code)
}

// Logging in with a second factor through GraphQL: an authenticator app's
// code or a recovery code, each single use, wrong codes counted toward the
// account's lockout; users without a second factor see nothing new.
func TestMFALogin(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := newTestServer(t, newServerEnv(t, backend))
		ctx := viewer.SystemContext(t.Context())
		graceID := mfaUser(t, s, "grace")

		// No second factor yet: the login is unchanged.
		grace := s.browser()
		require.True(t, grace.login("grace", mfaPassword).Completed, "a user without devices logs in as before")
		key := mfaSetUpTOTP(t, grace)
		codes := mfaSetUpCodes(t, grace)

		// Password + TOTP. The setup used the current step: the next one logs in.
		phone := s.browser()
		id, classes := mfaLogin(t, phone, "grace")
		require.Equal(t, []string{"TOTP", "STATIC"}, classes)
		requireInvalidCode(t, mfaAnswer(phone, id, "000000"))
		code := codeAt(t, key, time.Now().Add(totp.Period))
		v := mfaAnswer(phone, id, code)
		require.True(t, v.Completed, "%+v", v.Challenge)
		listed, err := s.app.sessions.List(ctx, graceID)
		require.NoError(t, err)
		var methods [][]string
		for _, l := range listed {
			methods = append(methods, l.Session.Methods)
		}
		require.Contains(t, methods, []string{"password", "totp"}, "the session records the second factor")

		// The same code in a second login is refused.
		other := s.browser()
		id, _ = mfaLogin(t, other, "grace")
		requireInvalidCode(t, mfaAnswer(other, id, code))

		// A recovery code logs in once.
		lost := s.browser()
		id, _ = mfaLogin(t, lost, "grace")
		require.True(t, mfaAnswer(lost, id, codes[0]).Completed)
		again := s.browser()
		id, _ = mfaLogin(t, again, "grace")
		requireInvalidCode(t, mfaAnswer(again, id, codes[0]))
		require.True(t, mfaAnswer(again, id, codes[1]).Completed, "another code works")

		// A code from two periods back is refused, one from now accepted
		// (ada's app was set up ten minutes ago).
		adaID := mfaUser(t, s, "ada")
		box, err := seal.New(s.app.secretKey, totp.Purpose)
		require.NoError(t, err)
		adaKey, err := totp.NewKey(6)
		require.NoError(t, err)
		past := time.Now().Add(-10 * time.Minute)
		_, err = totp.NewDevices(s.app.db.Ent, box, func() time.Time { return past }).
			Confirm(ctx, adaID, "Phone", adaKey, codeAt(t, adaKey, past))
		require.NoError(t, err)
		ada := s.browser()
		id, classes = mfaLogin(t, ada, "ada")
		require.Equal(t, []string{"TOTP"}, classes, "only the classes she has")
		requireInvalidCode(t, mfaAnswer(ada, id, codeAt(t, adaKey, time.Now().Add(-2*totp.Period))))
		require.True(t, mfaAnswer(ada, id, codeAt(t, adaKey, time.Now())).Completed)

		// Wrong codes count toward the account's lockout: correct
		// passwords in between buy no extra guesses, and once the codes'
		// budget is used up the password is refused too.
		eveID := mfaUser(t, s, "eve")
		rkey, err := seal.NewKeys(s.app.secretKey).Derive(recovery.Purpose)
		require.NoError(t, err)
		_, err = recovery.New(s.app.db.Ent, rkey, nil).Regenerate(ctx, eveID, "Recovery codes", 10)
		require.NoError(t, err)
		failures := 0
		for failures < authenticatorvalidate.PerUser {
			eve := s.browser()
			id, _ := mfaLogin(t, eve, "eve")
			for range authenticatorvalidate.MaxFailures - 1 {
				if failures == authenticatorvalidate.PerUser {
					break
				}
				requireInvalidCode(t, mfaAnswer(eve, id, "00000-0000"+strconv.Itoa(failures%10)))
				failures++
			}
		}
		eve := s.browser()
		v = eve.login("eve", mfaPassword)
		require.Equal(t, "PasswordChallenge", v.Challenge.Typename, "%+v", v.Challenge)
		require.Equal(t, "rate_limited", v.Challenge.Errors[0].Code, "the account is locked")
	})
}

// last_auth_threshold: a user whose device was used recently passes the
// second factor without a code.
func TestMFALastAuthThreshold(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := newTestServer(t, newServerEnv(t, backend))
		ctx := viewer.SystemContext(t.Context())
		mfaUser(t, s, "grace")
		grace := s.browser()
		require.True(t, grace.login("grace", mfaPassword).Completed)
		codes := mfaSetUpCodes(t, grace)

		first := s.browser()
		id, _ := mfaLogin(t, first, "grace")
		require.True(t, mfaAnswer(first, id, codes[0]).Completed, "threshold 0 always asks")

		stageID := s.app.db.Ent.Stage.Query().Where(stage.Name("default-authentication-mfa-validation")).OnlyIDX(ctx)
		admin := s.browser()
		require.True(t, admin.login("admin", adminPassword).Completed)
		admin.must(`mutation($id: ID!, $c: StageConfigInput!) { updateStage(id: $id, input: {config: $c}) { id } }`, map[string]any{
			"id": strconv.Itoa(stageID),
			"c": map[string]any{"authenticatorValidate": map[string]any{
				"deviceClasses": []string{"TOTP", "STATIC"}, "notConfiguredAction": "SKIP", "lastAuthThreshold": 3600,
			}},
		}, nil)
		second := s.browser()
		require.True(t, second.login("grace", mfaPassword).Completed, "a code was used within the threshold")
	})
}

// not_configured_action CONFIGURE: a user without a second factor sets one
// up inline during the login (the recovery codes setup stage), then is in.
func TestMFAConfigureAtLogin(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := newTestServer(t, newServerEnv(t, backend))
		ctx := viewer.SystemContext(t.Context())
		graceID := mfaUser(t, s, "grace")
		ent := s.app.db.Ent
		validateID := ent.Stage.Query().Where(stage.Name("default-authentication-mfa-validation")).OnlyIDX(ctx)
		setupID := ent.Stage.Query().Where(stage.Name("default-authenticator-static-setup")).OnlyIDX(ctx)
		admin := s.browser()
		require.True(t, admin.login("admin", adminPassword).Completed)
		admin.must(`mutation($id: ID!, $c: StageConfigInput!) { updateStage(id: $id, input: {config: $c}) { id } }`, map[string]any{
			"id": strconv.Itoa(validateID),
			"c": map[string]any{"authenticatorValidate": map[string]any{
				"deviceClasses": []string{"TOTP", "STATIC"}, "notConfiguredAction": "CONFIGURE",
				"configurationStageIDs": []string{strconv.Itoa(setupID)},
			}},
		}, nil)

		grace := s.browser()
		v := grace.login("grace", mfaPassword)
		require.Equal(t, "AuthenticatorStaticChallenge", v.Challenge.Typename, "%+v", v.Challenge)
		require.False(t, v.Completed)
		require.Empty(t, grace.viewer(), "not signed in before the codes are saved")
		v = grace.submit(v.ID, map[string]any{"authenticatorStatic": map[string]any{"confirm": true}})
		require.True(t, v.Completed, "%+v", v.Challenge)
		require.Equal(t, 10, ent.StaticToken.Query().CountX(ctx))
		require.Equal(t, 1, ent.StaticDevice.Query().CountX(ctx))
		require.Equal(t, graceID, ent.StaticDevice.Query().OnlyX(ctx).UserID)

		// Next time the codes are asked for.
		again := s.browser()
		_, classes := mfaLogin(t, again, "grace")
		require.Equal(t, []string{"STATIC"}, classes)
	})
}

// authenticatorDevice is an AuthenticatorDevice as a client reads it.
type authenticatorDevice struct {
	ID             string
	DeviceClass    string
	Name           string
	LastUsedAt     *time.Time
	RemainingCodes *int
}

func devicesOf(c *client) []authenticatorDevice {
	c.t.Helper()
	var out struct {
		Viewer struct{ AuthenticatorDevices []authenticatorDevice }
	}
	c.must(`{ viewer { authenticatorDevices { id deviceClass name lastUsedAt remainingCodes } } }`, nil, &out)
	return out.Viewer.AuthenticatorDevices
}

// A user lists, renames and deletes their own second factors through
// GraphQL, and nobody else's.
func TestAuthenticatorDevices(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := newTestServer(t, newServerEnv(t, backend))
		mfaUser(t, s, "grace")
		mfaUser(t, s, "ada")
		grace := s.browser()
		require.True(t, grace.login("grace", mfaPassword).Completed)
		require.Empty(t, devicesOf(grace))
		mfaSetUpTOTP(t, grace)
		codes := mfaSetUpCodes(t, grace)
		login := s.browser()
		id, _ := mfaLogin(t, login, "grace")
		require.True(t, mfaAnswer(login, id, codes[0]).Completed)

		devices := devicesOf(grace)
		require.Len(t, devices, 2)
		app, set := devices[0], devices[1]
		require.Equal(t, "TOTP", app.DeviceClass)
		require.Equal(t, "Authenticator app", app.Name)
		require.NotNil(t, app.LastUsedAt, "the setup code was used")
		require.Nil(t, app.RemainingCodes)
		require.Equal(t, "STATIC", set.DeviceClass)
		require.Equal(t, 9, *set.RemainingCodes)

		ada := s.browser()
		require.True(t, ada.login("ada", mfaPassword).Completed)
		require.Empty(t, devicesOf(ada), "another user's devices are not listed")
		rename := `mutation($id: ID!, $n: String!) { renameAuthenticatorDevice(id: $id, name: $n) { id name } }`
		del := `mutation($id: ID!) { deleteAuthenticatorDevice(id: $id) }`
		for _, dev := range devices {
			require.Equal(t, "NOT_FOUND", ada.do(rename, map[string]any{"id": dev.ID, "n": "mine"}).code())
			require.Equal(t, "NOT_FOUND", ada.do(del, map[string]any{"id": dev.ID}).code())
		}
		anonymous := s.browser()
		require.Empty(t, devicesOf(anonymous))
		require.Equal(t, "UNAUTHENTICATED", anonymous.do(del, map[string]any{"id": app.ID}).code())
		require.Equal(t, devices, devicesOf(grace), "nothing changed")

		require.Equal(t, "VALIDATION_FAILED", grace.do(rename, map[string]any{"id": app.ID, "n": " "}).code())
		grace.must(rename, map[string]any{"id": app.ID, "n": "Work phone"}, nil)
		grace.must(del, map[string]any{"id": set.ID}, nil)
		devices = devicesOf(grace)
		require.Len(t, devices, 1)
		require.Equal(t, "Work phone", devices[0].Name)
		sys := viewer.SystemContext(t.Context())
		require.Zero(t, s.app.db.Ent.StaticToken.Query().CountX(sys), "the codes went with their set")
		removed := s.app.db.Ent.Event.Query().Where(entevent.ActionEQ(enum.EventActionMFADeviceRemoved)).OnlyX(sys)
		require.Equal(t, "grace", removed.Username)
		require.Equal(t, "static", removed.Context["device_class"])
		require.Equal(t, 2, s.app.db.Ent.Event.Query().Where(entevent.ActionEQ(enum.EventActionMFADeviceAdded)).CountX(sys))

		again := s.browser()
		_, classes := mfaLogin(t, again, "grace")
		require.Equal(t, []string{"TOTP"}, classes)

		// Admins see and delete any user's devices; users may not use
		// those fields.
		ofGrace := `{ users(where: {username: "grace"}) { edges { node { authenticatorDevices { id deviceClass name } } } } }`
		require.Equal(t, "FORBIDDEN", grace.do(`{ viewer { user { authenticatorDevices { id } } } }`, nil).code())
		adminUI := s.browser()
		require.True(t, adminUI.login("admin", adminPassword).Completed)
		var out struct {
			Users struct {
				Edges []struct {
					Node struct{ AuthenticatorDevices []authenticatorDevice }
				}
			}
		}
		adminUI.must(ofGrace, nil, &out)
		require.Len(t, out.Users.Edges, 1)
		listed := out.Users.Edges[0].Node.AuthenticatorDevices
		require.Len(t, listed, 1)
		require.Equal(t, "Work phone", listed[0].Name)
		delUser := `mutation($id: ID!) { deleteUserAuthenticatorDevice(id: $id) }`
		require.Equal(t, "FORBIDDEN", grace.do(delUser, map[string]any{"id": listed[0].ID}).code())
		require.Empty(t, devicesOf(adminUI), "the admin's own list is the admin's")
		adminUI.must(delUser, map[string]any{"id": listed[0].ID}, nil)
		require.Equal(t, "NOT_FOUND", adminUI.do(delUser, map[string]any{"id": listed[0].ID}).code())
		require.Empty(t, devicesOf(grace))
	})
}
