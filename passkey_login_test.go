package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/webauthntest"
)

// passkeyRegister adds a passkey of auth's for c's signed-in user through
// the default setup flow.
func passkeyRegister(t *testing.T, c *client, auth *webauthntest.Authenticator) {
	t.Helper()
	var started struct {
		StartFlow struct {
			ID        string
			Challenge webauthnChallenge
		}
	}
	c.must(`mutation($slug: String!) { startFlow(slug: $slug) { id challenge { `+webauthnFields+` } } }`,
		map[string]any{"slug": blueprints.AuthenticatorWebAuthnSetupFlow}, &started)
	require.Equal(t, "AuthenticatorWebauthnChallenge", started.StartFlow.Challenge.Typename)
	resp, err := auth.Create(started.StartFlow.Challenge.Registration)
	require.NoError(t, err)
	v := c.submit(started.StartFlow.ID, map[string]any{"authenticatorWebauthn": map[string]any{"response": resp}})
	require.NotEqual(t, "AuthenticatorWebauthnChallenge", v.Challenge.Typename, "%+v", v.Challenge)
}

// validateChallenge is an AuthenticatorValidateChallenge as a client reads it.
type validateChallenge struct {
	Typename      string `json:"__typename"`
	DeviceClasses []string
	Webauthn      *string
}

// passkeyOptions reads the second-factor challenge of execution id.
func passkeyOptions(t *testing.T, c *client, id string) validateChallenge {
	t.Helper()
	var out struct {
		FlowExecution struct{ Challenge validateChallenge }
	}
	c.must(`query($id: ID!) { flowExecution(id: $id) { challenge { __typename ... on AuthenticatorValidateChallenge { deviceClasses webauthn } } } }`,
		map[string]any{"id": id}, &out)
	return out.FlowExecution.Challenge
}

// sessionMethods returns the methods of userID's sessions.
func sessionMethods(t *testing.T, s *testServer, userID int) [][]string {
	t.Helper()
	listed, err := s.app.sessions.List(viewer.SystemContext(t.Context()), userID)
	require.NoError(t, err)
	var methods [][]string
	for _, l := range listed {
		methods = append(methods, l.Session.Methods)
	}
	return methods
}

// Through GraphQL alone, with a software authenticator: a user registers a
// passkey through the setup flow, logs in with password + passkey, then
// with the passkey alone through the passwordless flow the login page
// links to; refused answers change nothing.
func TestPasskeyLogin(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		env := newServerEnv(t, backend)
		env["GATEHOUSE_PUBLIC_URL"] = webauthnOrigin
		s := newTestServer(t, env)
		graceID := mfaUser(t, s, "grace")
		adaID := mfaUser(t, s, "ada")

		grace := s.browser()
		require.True(t, grace.login("grace", mfaPassword).Completed)
		auth := webauthntest.New(webauthnOrigin)
		passkeyRegister(t, grace, auth)
		ada := s.browser()
		require.True(t, ada.login("ada", mfaPassword).Completed)
		adaAuth := webauthntest.New(webauthnOrigin)
		passkeyRegister(t, ada, adaAuth)

		// Password + passkey.
		laptop := s.browser()
		id, classes := mfaLogin(t, laptop, "grace")
		require.Equal(t, []string{"WEBAUTHN"}, classes)
		ch := passkeyOptions(t, laptop, id)
		require.NotNil(t, ch.Webauthn)
		require.Contains(t, *ch.Webauthn, `"rpId":"localhost"`)

		// Another user's passkey, another origin, code and passkey together: refused.
		theirs, err := adaAuth.Assert(adaAuth.Credentials()[0], *ch.Webauthn)
		require.NoError(t, err)
		v := laptop.submit(id, map[string]any{"authenticatorValidate": map[string]any{"webauthn": theirs}})
		require.Equal(t, "AuthenticatorValidateChallenge", v.Challenge.Typename)
		require.Equal(t, []fieldError{{Field: "webauthn", Message: v.Challenge.Errors[0].Message, Code: "invalid"}}, v.Challenge.Errors)
		ch = passkeyOptions(t, laptop, id)
		phish := auth.Clone()
		phish.Origin = "http://localhost:9999"
		resp, err := phish.Get(*ch.Webauthn)
		require.NoError(t, err)
		v = laptop.submit(id, map[string]any{"authenticatorValidate": map[string]any{"webauthn": resp}})
		require.Equal(t, "invalid", v.Challenge.Errors[0].Code)
		ch = passkeyOptions(t, laptop, id)
		resp, err = auth.Get(*ch.Webauthn)
		require.NoError(t, err)
		v = laptop.submit(id, map[string]any{"authenticatorValidate": map[string]any{"webauthn": resp, "code": "123456"}})
		require.Equal(t, []fieldError{{Field: "code", Message: v.Challenge.Errors[0].Message, Code: "invalid"}}, v.Challenge.Errors)

		v = laptop.submit(id, map[string]any{"authenticatorValidate": map[string]any{"webauthn": resp}})
		require.True(t, v.Completed, "%+v", v.Challenge)
		require.Equal(t, "grace", laptop.viewer())
		require.Contains(t, sessionMethods(t, s, graceID), []string{"password", "webauthn"})

		// The same assertion again, in another login: refused.
		again := s.browser()
		id2, _ := mfaLogin(t, again, "grace")
		v = again.submit(id2, map[string]any{"authenticatorValidate": map[string]any{"webauthn": resp}})
		require.Equal(t, "invalid", v.Challenge.Errors[0].Code)

		// The login page links the passwordless flow.
		var ident struct {
			StartFlow struct {
				Challenge struct{ PasswordlessURL string }
			}
		}
		s.browser().must(`mutation { startFlow(slug: "default-authentication-flow") { challenge { ... on IdentificationChallenge { passwordlessUrl } } } }`, nil, &ident)
		require.Contains(t, ident.StartFlow.Challenge.PasswordlessURL, "/if/flow/"+blueprints.PasswordlessFlow+"/")

		// The passkey alone: no username, no password.
		phone := s.browser()
		v = phone.start(blueprints.PasswordlessFlow)
		require.Equal(t, "AuthenticatorValidateChallenge", v.Challenge.Typename, "%+v", v.Challenge)
		ch = passkeyOptions(t, phone, v.ID)
		require.Equal(t, []string{"WEBAUTHN"}, ch.DeviceClasses)
		require.NotNil(t, ch.Webauthn)
		require.NotContains(t, *ch.Webauthn, "allowCredentials")
		v2 := phone.submit(v.ID, map[string]any{"authenticatorValidate": map[string]any{"code": "123456"}})
		require.Equal(t, "required", v2.Challenge.Errors[0].Code, "a code identifies no one")
		resp, err = auth.Get(*passkeyOptions(t, phone, v.ID).Webauthn)
		require.NoError(t, err)
		v = phone.submit(v.ID, map[string]any{"authenticatorValidate": map[string]any{"webauthn": resp}})
		require.True(t, v.Completed, "%+v", v.Challenge)
		require.Equal(t, "grace", phone.viewer())
		require.Contains(t, sessionMethods(t, s, graceID), []string{"passkey"})

		// A deactivated user's passkey logs no one in.
		s.app.db.Ent.User.UpdateOneID(adaID).SetIsActive(false).ExecX(viewer.SystemContext(t.Context()))
		tablet := s.browser()
		v = tablet.start(blueprints.PasswordlessFlow)
		resp, err = adaAuth.Get(*passkeyOptions(t, tablet, v.ID).Webauthn)
		require.NoError(t, err)
		v = tablet.submit(v.ID, map[string]any{"authenticatorValidate": map[string]any{"webauthn": resp}})
		require.False(t, v.Completed)
		require.Equal(t, "invalid", v.Challenge.Errors[0].Code)
		require.Empty(t, tablet.viewer())

		// grace manages her passkey from her settings: listed, renamed,
		// not deletable by carol, deleted by grace; then no login asks for it.
		devices := devicesOf(grace)
		require.Len(t, devices, 1)
		require.Equal(t, "WEBAUTHN", devices[0].DeviceClass)
		require.NotNil(t, devices[0].LastUsedAt, "the logins used it")
		var renamed struct{ RenameAuthenticatorDevice struct{ Name string } }
		grace.must(`mutation($id: ID!) { renameAuthenticatorDevice(id: $id, name: "Blue key") { name } }`, map[string]any{"id": devices[0].ID}, &renamed)
		require.Equal(t, "Blue key", renamed.RenameAuthenticatorDevice.Name)
		mfaUser(t, s, "carol")
		carol := s.browser()
		require.True(t, carol.login("carol", mfaPassword).Completed)
		require.Empty(t, devicesOf(carol), "carol's list does not show grace's passkey")
		res := carol.do(`mutation($id: ID!) { deleteAuthenticatorDevice(id: $id) }`, map[string]any{"id": devices[0].ID})
		require.Equal(t, "NOT_FOUND", res.code(), "carol cannot delete grace's passkey")
		res = carol.do(`mutation($id: ID!) { renameAuthenticatorDevice(id: $id, name: "Mine") { name } }`, map[string]any{"id": devices[0].ID})
		require.Equal(t, "NOT_FOUND", res.code(), "nor rename it")
		require.Len(t, devicesOf(grace), 1)
		// It is her last second factor: her password-only session may not
		// delete it, the laptop's (password and passkey just now) may.
		res = grace.do(`mutation($id: ID!) { deleteAuthenticatorDevice(id: $id) }`, map[string]any{"id": devices[0].ID})
		require.Equal(t, "MFA_REQUIRED", res.code())
		laptop.must(`mutation($id: ID!) { deleteAuthenticatorDevice(id: $id) }`, map[string]any{"id": devices[0].ID}, nil)
		require.Empty(t, devicesOf(grace))
		require.True(t, s.browser().login("grace", mfaPassword).Completed, "without a second factor the login does not ask for one")
	})
}
