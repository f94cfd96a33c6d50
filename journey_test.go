package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/fakeclock"
	"github.com/gatehouse-id/gatehouse/internal/smtptest"
	"github.com/gatehouse-id/gatehouse/internal/webauthntest"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
	"github.com/gatehouse-id/gatehouse/mfa/totp"
)

// One person's whole way through Gatehouse (issue 12's "Done when"),
// through GraphQL only, with mail delivered by the worker to a real SMTP
// peer, TOTP codes read from the server's injected clock and a software
// passkey. journey_browser_test.go walks the same way in Chromium.

// journeyNewPassword is the password set by recovery.
const journeyNewPassword = "Difference-Engine-1822"

// The journey's address, and the subjects of its mail.
const (
	journeyAddress      = "grace@example.com"
	verificationSubject = "Confirm your email address for Gatehouse"
	recoverySubject     = "Recover your Gatehouse account"
)

// journeyServer starts a server of a fresh deployment on backend that
// mails through an SMTP peer (its worker running), tells time by a
// stopped clock, and is served as public (passkeys need a domain).
func journeyServer(t *testing.T, backend, public string) (*testServer, *smtptest.Server, *fakeclock.Clock) {
	t.Helper()
	env := newServerEnv(t, backend)
	env["GATEHOUSE_PUBLIC_URL"] = public
	peer := withMail(t, env)
	clock := fakeclock.NewReal()
	s := newTestServerWith(t, env, serverOptions{Hash: fastHash, NowFunc: clock.Now})
	s.startWorker()
	return s, peer, clock
}

// nextMail waits for the next mail at peer and requires it to be one of
// subject to journeyAddress.
func nextMail(t *testing.T, peer *smtptest.Server, subject string) smtptest.Message {
	t.Helper()
	m := peer.Next(t, time.Minute)
	require.Equal(t, []string{journeyAddress}, m.To)
	require.Equal(t, subject, m.Subject)
	return m
}

// requireMailedOnce waits until s has no mail left to send (every
// send-mail job completed, in one attempt), then requires that peer
// received exactly one mail per recipient and subject of want, and no
// other.
func requireMailedOnce(t *testing.T, s *testServer, peer *smtptest.Server, want ...[2]string) {
	t.Helper()
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	var jobs struct {
		Jobs struct {
			Edges []struct {
				Node struct {
					State   string
					Attempt int
				}
			}
		}
	}
	done := func() bool {
		admin.must(`query($k: [String!]) { jobs(first: 100, kinds: $k) { edges { node { state attempt } } } }`,
			map[string]any{"k": []string{jobargs.KindSendMail}}, &jobs)
		for _, e := range jobs.Jobs.Edges {
			if e.Node.State != "COMPLETED" {
				return false
			}
		}
		return true
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(time.Minute)
	for !done() {
		select {
		case <-tick.C:
		case <-deadline:
			require.FailNow(t, "mail is still being sent", "%+v", jobs)
		}
	}
	require.Len(t, jobs.Jobs.Edges, len(want), "one send-mail job per mail")
	for _, e := range jobs.Jobs.Edges {
		require.Equal(t, 1, e.Node.Attempt, "delivered at the first attempt")
	}
	peer.RequireNone(t)
	got := map[[2]string]int{}
	for _, m := range peer.Messages() {
		for _, to := range m.To {
			got[[2]string{to, m.Subject}]++
		}
	}
	expected := map[[2]string]int{}
	for _, w := range want {
		expected[w] = 1
	}
	require.Equal(t, expected, got)
}

// linkIn opens link's query in flow slug on c and confirms it.
func linkIn(c *client, slug, link string) view {
	c.t.Helper()
	u := mustURL(c.t, link)
	return c.confirmLink(c.openLinkIn(slug, u.RawQuery))
}

// linkRefused is what a flow says of a link it does not take.
const linkRefused = "This link is invalid or has expired"

// requireDenied requires v to be the end of a refused flow that says
// reason.
func requireDenied(t *testing.T, v view, reason, why string) {
	t.Helper()
	require.Equal(t, "AccessDeniedChallenge", v.Challenge.Typename, "%s: %+v", why, v.Challenge)
	require.Contains(t, v.Challenge.ErrorMessage, reason, why)
}

func TestJourney(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s, peer, clock := journeyServer(t, backend, webauthnOrigin)
		address := journeyAddress

		// Sign-up with verification: grace is inactive until the link is
		// confirmed, in another client; a link of one flow resumes no other.
		laptop := s.browser()
		signup := laptop.signUp("grace")
		require.False(t, s.userActive(t, "grace"), "inactive until the address is verified")
		require.False(t, s.browser().login("grace", enrolPassword).Completed, "an inactive user cannot log in")
		verification := mailedLink(t, nextMail(t, peer, verificationSubject))
		requireDenied(t, linkIn(s.browser(), blueprints.RecoveryFlow, verification), linkRefused, "a sign-up link resumes no recovery")
		require.False(t, s.userActive(t, "grace"))
		phone := s.browser()
		v := phone.followLink(verification)
		require.True(t, v.Completed, "%+v", v.Challenge)
		require.Equal(t, "grace", phone.viewer(), "the client that opened the link is signed in")
		require.True(t, s.userActive(t, "grace"))
		requireDenied(t, s.browser().followLink(verification), linkRefused, "the link works once")
		v = laptop.submit(signup.ID, map[string]any{"email": map[string]any{"resend": false}})
		require.True(t, v.Completed, "%+v", v.Challenge)
		require.Equal(t, "grace", laptop.viewer(), "the client that signed up goes on to the login")
		graceID := s.app.db.Ent.User.Query().Where(user.Username("grace")).OnlyIDX(viewer.SystemContext(t.Context()))

		// Second factors, set up from the signed-in session: an
		// authenticator app, recovery codes, a passkey.
		key := mfaSetUpTOTPAt(t, laptop, clock.Now())
		codes := mfaSetUpCodes(t, laptop)
		passkey := webauthntest.New(webauthnOrigin)
		passkeyRegister(t, laptop, passkey)
		require.True(t, laptop.logout().Completed)
		require.Empty(t, laptop.viewer())

		// Password + TOTP. The setup used the current step: the next one
		// logs in, once.
		clock.Advance(totp.Period)
		id, classes := mfaLoginAs(t, laptop, "grace", enrolPassword)
		require.Equal(t, []string{"TOTP", "STATIC", "WEBAUTHN"}, classes)
		code := codeAt(t, key, clock.Now())
		require.True(t, mfaAnswer(laptop, id, code).Completed)
		require.Equal(t, "grace", laptop.viewer())
		require.Contains(t, sessionMethods(t, s, graceID), []string{"password", "totp"})
		other := s.browser()
		id, _ = mfaLoginAs(t, other, "grace", enrolPassword)
		requireInvalidCode(t, mfaAnswer(other, id, code))
		// Later, a code of two steps back (after the last one used, but
		// beyond the one step of drift) is refused too.
		clock.Advance(4 * totp.Period)
		requireInvalidCode(t, mfaAnswer(other, id, codeAt(t, key, clock.Now().Add(-2*totp.Period))))
		require.Empty(t, other.viewer())

		// The authenticator app is lost: a recovery code instead, once.
		require.True(t, laptop.logout().Completed)
		id, _ = mfaLoginAs(t, laptop, "grace", enrolPassword)
		requireInvalidCode(t, mfaAnswer(laptop, id, "00000-00000"))
		require.True(t, mfaAnswer(laptop, id, codes[0]).Completed)
		require.Contains(t, sessionMethods(t, s, graceID), []string{"password", "static"})
		id, _ = mfaLoginAs(t, other, "grace", enrolPassword)
		requireInvalidCode(t, mfaAnswer(other, id, codes[0]))
		require.Empty(t, other.viewer())

		// The password is forgotten: recovery by mail, the second factor
		// asked before the new password, on the client that opened the
		// link; the one that asked is told and stays signed out.
		require.True(t, laptop.logout().Completed)
		asked := laptop.askRecovery(address)
		recovery := mailedLink(t, nextMail(t, peer, recoverySubject))
		requireDenied(t, linkIn(s.browser(), blueprints.EnrollmentFlow, recovery), linkRefused, "a recovery link resumes no sign-up")
		phone = s.browser()
		v = phone.followLink(recovery)
		require.Equal(t, "AuthenticatorValidateChallenge", v.Challenge.Typename, "the second factor comes before the new password: %+v", v.Challenge)
		requireInvalidCode(t, mfaAnswer(phone, v.ID, codes[0]))
		require.Empty(t, phone.viewer())
		clock.Advance(totp.Period)
		v = mfaAnswer(phone, v.ID, codeAt(t, key, clock.Now()))
		v = phone.newPassword(v, journeyNewPassword)
		require.True(t, v.Completed, "%+v", v.Challenge)
		require.Equal(t, "grace", phone.viewer())
		requireDenied(t, laptop.current(asked.ID), "another device", "the asking client is told the flow went on elsewhere")
		require.Empty(t, laptop.viewer())
		requireDenied(t, s.browser().followLink(recovery), linkRefused, "the link works once")

		// The old password is refused before any second factor; the new
		// one still asks for it, where another user's passkey is refused.
		old := s.browser().login("grace", enrolPassword)
		require.Equal(t, "PasswordChallenge", old.Challenge.Typename, "%+v", old.Challenge)
		require.False(t, old.Completed)
		mfaUser(t, s, "ada")
		ada := s.browser()
		require.True(t, ada.login("ada", mfaPassword).Completed)
		adaKey := webauthntest.New(webauthnOrigin)
		passkeyRegister(t, ada, adaKey)
		id, _ = mfaLoginAs(t, laptop, "grace", journeyNewPassword)
		theirs, err := adaKey.Assert(adaKey.Credentials()[0], *passkeyOptions(t, laptop, id).Webauthn)
		require.NoError(t, err)
		v = laptop.submit(id, map[string]any{"authenticatorValidate": map[string]any{"webauthn": theirs}})
		require.Equal(t, "invalid", v.Challenge.Errors[0].Code, "another user's passkey")
		clock.Advance(totp.Period)
		require.True(t, mfaAnswer(laptop, id, codeAt(t, key, clock.Now())).Completed)
		require.Equal(t, "grace", laptop.viewer())

		// The passkey alone; an assertion made for another origin, and a
		// replayed one, are refused.
		require.True(t, laptop.logout().Completed)
		v = laptop.start(blueprints.PasswordlessFlow)
		require.Equal(t, "AuthenticatorValidateChallenge", v.Challenge.Typename, "%+v", v.Challenge)
		phishing := passkey.Clone()
		phishing.Origin = "http://localhost:9999"
		resp, err := phishing.Get(*passkeyOptions(t, laptop, v.ID).Webauthn)
		require.NoError(t, err)
		refused := laptop.submit(v.ID, map[string]any{"authenticatorValidate": map[string]any{"webauthn": resp}})
		require.Equal(t, "invalid", refused.Challenge.Errors[0].Code, "another origin")
		require.Empty(t, laptop.viewer())
		resp, err = passkey.Get(*passkeyOptions(t, laptop, v.ID).Webauthn)
		require.NoError(t, err)
		v = laptop.submit(v.ID, map[string]any{"authenticatorValidate": map[string]any{"webauthn": resp}})
		require.True(t, v.Completed, "%+v", v.Challenge)
		require.Equal(t, "grace", laptop.viewer())
		require.Contains(t, sessionMethods(t, s, graceID), []string{"passkey"})
		replay := s.browser()
		v = replay.start(blueprints.PasswordlessFlow)
		v = replay.submit(v.ID, map[string]any{"authenticatorValidate": map[string]any{"webauthn": resp}})
		require.Equal(t, "invalid", v.Challenge.Errors[0].Code, "a replayed assertion")
		require.Empty(t, replay.viewer())

		// Every mail arrived once.
		requireMailedOnce(t, s, peer, [2]string{address, verificationSubject}, [2]string{address, recoverySubject})
	})
}
