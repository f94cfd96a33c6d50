package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/ent/webauthndevice"
	"github.com/gatehouse-id/gatehouse/internal/webauthntest"
	"github.com/gatehouse-id/gatehouse/mfa/webauthn"
)

// webauthnOrigin is the public URL of the servers of these tests: WebAuthn
// needs a domain (localhost), not the listener's IP address.
const webauthnOrigin = "http://localhost:8443"

// webauthnChallenge is an AuthenticatorWebauthnChallenge as a client reads it.
type webauthnChallenge struct {
	Typename     string `json:"__typename"`
	Registration string
	Errors       []fieldError
}

const webauthnFields = `__typename ... on AuthenticatorWebauthnChallenge { registration errors { field message code } }`

// A signed-in user registers a passkey through the setup flow, GraphQL
// alone, with a software authenticator: a credential for another origin is
// refused and saves nothing; the right one saves the device, which then
// logs in (as a second factor and passwordless).
func TestWebAuthnSetup(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		env := newServerEnv(t, backend)
		env["GATEHOUSE_PUBLIC_URL"] = webauthnOrigin
		s := newTestServer(t, env)
		admin := s.browser()
		require.True(t, admin.login("admin", adminPassword).Completed)
		admin.must(`mutation { createUser(input: {username: "grace", name: "Grace Hopper"}, password: "Cobol-Compiler-1959") { id } }`, nil, nil)

		anonymous := s.browser()
		v := anonymous.start(blueprints.AuthenticatorWebAuthnSetupFlow)
		require.NotEqual(t, "AuthenticatorWebauthnChallenge", v.Challenge.Typename, "only a signed-in user adds a passkey")

		grace := s.browser()
		require.True(t, grace.login("grace", "Cobol-Compiler-1959").Completed)
		var started struct {
			StartFlow struct {
				ID        string
				Challenge webauthnChallenge
			}
		}
		grace.must(`mutation($slug: String!) { startFlow(slug: $slug) { id challenge { `+webauthnFields+` } } }`,
			map[string]any{"slug": blueprints.AuthenticatorWebAuthnSetupFlow}, &started)
		id, ch := started.StartFlow.ID, started.StartFlow.Challenge
		require.Equal(t, "AuthenticatorWebauthnChallenge", ch.Typename)
		require.Contains(t, ch.Registration, `"id":"localhost"`)
		require.Contains(t, ch.Registration, `"residentKey":"required"`)

		var res struct {
			SubmitChallenge struct{ Challenge webauthnChallenge }
		}
		submit := func(response string) webauthnChallenge {
			t.Helper()
			grace.must(`mutation($id: ID!, $r: ChallengeResponseInput!) { submitChallenge(executionId: $id, response: $r) { challenge { `+webauthnFields+` } } }`,
				map[string]any{"id": id, "r": map[string]any{"authenticatorWebauthn": map[string]any{"response": response, "name": "Laptop"}}}, &res)
			return res.SubmitChallenge.Challenge
		}
		ctx := viewer.SystemContext(t.Context())
		db := s.app.db.Ent

		phishing := webauthntest.New("http://localhost:9999")
		resp, err := phishing.Create(ch.Registration)
		require.NoError(t, err)
		after := submit(resp)
		require.Equal(t, "AuthenticatorWebauthnChallenge", after.Typename)
		require.Equal(t, []fieldError{{Field: "response", Message: after.Errors[0].Message, Code: "invalid"}}, after.Errors)
		require.Zero(t, db.WebAuthnDevice.Query().CountX(ctx), "nothing saved before a credential verifies")
		require.NotEqual(t, ch.Registration, after.Registration, "a new challenge after a failure")

		auth := webauthntest.New(webauthnOrigin)
		resp, err = auth.Create(after.Registration)
		require.NoError(t, err)
		done := submit(resp)
		require.NotEqual(t, "AuthenticatorWebauthnChallenge", done.Typename, "%+v", done)
		dev := db.WebAuthnDevice.Query().Where(webauthndevice.HasUserWith(user.Username("grace"))).OnlyX(ctx)
		require.Equal(t, "Laptop", dev.Name)
		require.Equal(t, auth.Credentials()[0].ID, dev.CredentialID)

		// The passkey logs in: for grace, and without a username.
		rp, err := webauthn.NewRelyingParty(webauthnOrigin, "Gatehouse")
		require.NoError(t, err)
		devices := webauthn.NewDevices(db, rp, nil)
		g := db.User.Query().Where(user.Username("grace")).OnlyX(ctx)
		options, session, err := devices.BeginLogin(ctx, g, webauthn.VerificationRequired)
		require.NoError(t, err)
		resp, err = auth.Get(options)
		require.NoError(t, err)
		_, err = devices.FinishLogin(ctx, g, session, resp)
		require.NoError(t, err)
		options, session, err = devices.BeginDiscoverableLogin(ctx, webauthn.VerificationRequired)
		require.NoError(t, err)
		resp, err = auth.Get(options)
		require.NoError(t, err)
		who, _, err := devices.FinishDiscoverableLogin(ctx, session, resp)
		require.NoError(t, err)
		require.Equal(t, g.ID, who.ID)
	})
}
