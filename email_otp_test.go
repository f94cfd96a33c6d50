package main

import (
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/smtptest"
)

// emailCodeChallenge is what the email-code pages show.
type emailCodeChallenge struct {
	Typename      string `json:"__typename"`
	Email         *string
	EmailRequired bool
	EmailSentTo   *string
	DeviceClasses []string
}

// readEmailCodeChallenge reads execution id's challenge.
func readEmailCodeChallenge(t *testing.T, c *client, id string) emailCodeChallenge {
	t.Helper()
	var out struct {
		FlowExecution struct{ Challenge emailCodeChallenge }
	}
	c.must(`query($id: ID!) { flowExecution(id: $id) { challenge { __typename
		... on AuthenticatorEmailChallenge { email emailRequired }
		... on AuthenticatorValidateChallenge { deviceClasses emailSentTo } } } }`, map[string]any{"id": id}, &out)
	return out.FlowExecution.Challenge
}

var mailedCode = regexp.MustCompile(`sign-in code is: ([0-9]{6})`)

// nextCode waits for the next mail, to to, and returns its code.
func nextCode(t *testing.T, peer *smtptest.Server, to string) string {
	t.Helper()
	m := peer.Next(t, time.Minute)
	require.Equal(t, []string{to}, m.To)
	require.Equal(t, "Your Gatehouse sign-in code", m.Subject)
	match := mailedCode.FindStringSubmatch(m.Text)
	require.Len(t, match, 2, "the text part has the code: %s", m.Text)
	require.Contains(t, m.HTML, match[1])
	return match[1]
}

// Codes by email, the whole way through GraphQL and a real SMTP peer: set
// up from the settings flow (the address proven by a code; an account
// without one types it first), then a login with password and a code
// mailed at once, each code single use and replaced by the next; every
// mail arrives once.
func TestEmailCodes(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		env := newServerEnv(t, backend)
		peer := withMail(t, env)
		s := newTestServer(t, env)
		s.startWorker()
		ctx := viewer.SystemContext(t.Context())
		graceID := mfaUser(t, s, "grace")
		s.app.db.Ent.User.UpdateOneID(graceID).SetEmail("grace@example.com").ExecX(ctx)

		grace := s.browser()
		require.True(t, grace.login("grace", mfaPassword).Completed)
		setup := grace.start(blueprints.AuthenticatorEmailSetupFlow)
		ch := readEmailCodeChallenge(t, grace, setup.ID)
		require.Equal(t, "AuthenticatorEmailChallenge", ch.Typename)
		require.Equal(t, "g***@example.com", *ch.Email)
		require.False(t, ch.EmailRequired)
		code := nextCode(t, peer, "grace@example.com")
		v := grace.submit(setup.ID, map[string]any{"authenticatorEmail": map[string]any{"code": "000000x"}})
		require.Equal(t, "invalid", v.Challenge.Errors[0].Code)
		v = grace.submit(setup.ID, map[string]any{"authenticatorEmail": map[string]any{"code": code}})
		require.True(t, v.Completed, "%+v", v.Challenge)

		// Login: the only second factor is codes by email, so one is sent at once.
		phone := s.browser()
		id, classes := mfaLogin(t, phone, "grace")
		require.Equal(t, []string{"EMAIL"}, classes)
		require.Equal(t, "g***@example.com", *readEmailCodeChallenge(t, phone, id).EmailSentTo)
		first := nextCode(t, peer, "grace@example.com")
		require.NotEqual(t, code, first)
		v = phone.submit(id, map[string]any{"authenticatorValidate": map[string]any{"sendEmail": true}})
		require.Empty(t, v.Challenge.Errors)
		second := nextCode(t, peer, "grace@example.com")
		if first != second {
			requireInvalidCode(t, mfaAnswer(phone, id, first))
		}
		require.True(t, mfaAnswer(phone, id, second).Completed)
		listed, err := s.app.sessions.List(ctx, graceID)
		require.NoError(t, err)
		var methods [][]string
		for _, l := range listed {
			methods = append(methods, l.Session.Methods)
		}
		require.Contains(t, methods, []string{"password", "email"}, "the session records the second factor")

		// A used code does not pass another login.
		other := s.browser()
		id, _ = mfaLogin(t, other, "grace")
		third := nextCode(t, peer, "grace@example.com")
		requireInvalidCode(t, mfaAnswer(other, id, second))
		require.True(t, mfaAnswer(other, id, third).Completed)

		// An account without an address types one, which a code proves.
		mfaUser(t, s, "ada")
		ada := s.browser()
		require.True(t, ada.login("ada", mfaPassword).Completed)
		setup = ada.start(blueprints.AuthenticatorEmailSetupFlow)
		require.True(t, readEmailCodeChallenge(t, ada, setup.ID).EmailRequired)
		v = ada.submit(setup.ID, map[string]any{"authenticatorEmail": map[string]any{"email": "not an address"}})
		require.Equal(t, "email", v.Challenge.Errors[0].Field)
		v = ada.submit(setup.ID, map[string]any{"authenticatorEmail": map[string]any{"email": "ada@example.org"}})
		require.Empty(t, v.Challenge.Errors)
		require.Equal(t, "a***@example.org", *readEmailCodeChallenge(t, ada, setup.ID).Email)
		v = ada.submit(setup.ID, map[string]any{"authenticatorEmail": map[string]any{"code": nextCode(t, peer, "ada@example.org")}})
		require.True(t, v.Completed, "%+v", v.Challenge)

		peer.RequireNone(t)
		require.Len(t, peer.Messages(), 5, "every mail once")
	})
}
