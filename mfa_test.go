package main

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/pquerna/otp"
	libtotp "github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/ent/totpdevice"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

// totpChallenge is an AuthenticatorTotpChallenge as a client reads it.
type totpChallenge struct {
	Typename  string `json:"__typename"`
	ConfigURL string `json:"configUrl"`
	QRCode    string `json:"qrCode"`
	Secret    string
	Errors    []fieldError
}

const totpFields = `__typename ... on AuthenticatorTotpChallenge { configUrl qrCode secret errors { field message code } }`

// totpStart starts the TOTP setup flow as c and returns the execution
// and its challenge.
func totpStart(t *testing.T, c *client) (string, totpChallenge) {
	t.Helper()
	var out struct {
		StartFlow struct {
			ID        string
			Challenge totpChallenge
		}
	}
	c.must(`mutation($slug: String!) { startFlow(slug: $slug) { id challenge { `+totpFields+` } } }`,
		map[string]any{"slug": blueprints.AuthenticatorTOTPSetupFlow}, &out)
	return out.StartFlow.ID, out.StartFlow.Challenge
}

// totpRead reads execution id's challenge again (a reload).
func totpRead(t *testing.T, c *client, id string) totpChallenge {
	t.Helper()
	var out struct {
		FlowExecution struct{ Challenge totpChallenge }
	}
	c.must(`query($id: ID!) { flowExecution(id: $id) { challenge { `+totpFields+` } } }`, map[string]any{"id": id}, &out)
	return out.FlowExecution.Challenge
}

// A signed-in user sets up an authenticator app through GraphQL alone:
// the otpauth:// URI is all a client needs to compute codes.
func TestTOTPSetup(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := newTestServer(t, newServerEnv(t, backend))
		admin := s.browser()
		require.True(t, admin.login("admin", adminPassword).Completed)
		admin.must(`mutation { createUser(input: {username: "grace", name: "Grace Hopper"}, password: "Cobol-Compiler-1959") { id } }`, nil, nil)

		anonymous := s.browser()
		v := anonymous.start(blueprints.AuthenticatorTOTPSetupFlow)
		require.NotEqual(t, "AuthenticatorTotpChallenge", v.Challenge.Typename, "only a signed-in user sets up a device")

		grace := s.browser()
		require.True(t, grace.login("grace", "Cobol-Compiler-1959").Completed)
		id, ch := totpStart(t, grace)
		require.Equal(t, "AuthenticatorTotpChallenge", ch.Typename)
		key, err := otp.NewKeyFromURL(ch.ConfigURL)
		require.NoError(t, err)
		require.Equal(t, "grace", key.AccountName())
		require.Equal(t, ch.Secret, key.Secret())
		require.Contains(t, ch.QRCode, "data:image/svg+xml;base64,")
		require.Equal(t, ch, totpRead(t, grace, id), "a reload shows the same secret")

		var res struct {
			SubmitChallenge struct{ Challenge totpChallenge }
		}
		submit := func(code string) {
			t.Helper()
			grace.must(`mutation($id: ID!, $r: ChallengeResponseInput!) { submitChallenge(executionId: $id, response: $r) { challenge { `+totpFields+` } } }`,
				map[string]any{"id": id, "r": map[string]any{"authenticatorTotp": map[string]any{"code": code}}}, &res)
		}
		submit("000000x")
		require.Equal(t, []fieldError{{Field: "code", Message: res.SubmitChallenge.Challenge.Errors[0].Message, Code: "invalid"}},
			res.SubmitChallenge.Challenge.Errors)

		ctx := viewer.SystemContext(t.Context())
		ent := s.app.db.Ent
		require.Zero(t, ent.TOTPDevice.Query().CountX(ctx), "nothing saved before a code verifies")

		code, err := libtotp.GenerateCode(key.Secret(), time.Now())
		require.NoError(t, err)
		submit(code)
		require.NotEqual(t, "AuthenticatorTotpChallenge", res.SubmitChallenge.Challenge.Typename, "%+v", res.SubmitChallenge.Challenge)
		dev := ent.TOTPDevice.Query().Where(totpdevice.HasUserWith(user.Username("grace"))).OnlyX(ctx)
		require.True(t, dev.Confirmed)
		require.Equal(t, "Authenticator app", dev.Name)
		require.NotContains(t, string(dev.Secret), key.Secret(), "stored sealed")

		// The secret is never shown again: the execution has moved on.
		after := totpRead(t, grace, id)
		require.Empty(t, after.Secret)
		raw, err := json.Marshal(after)
		require.NoError(t, err)
		require.NotContains(t, string(raw), key.Secret())
	})
}
