package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	entevent "github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

// Recovery never bypasses the second factor: after the link, a user with
// an authenticator app is asked for its code before the new password; a
// wrong code changes nothing, the right one (once) lets the password be
// set, and the next login asks for the second factor again.
func TestRecoveryAsksForTheSecondFactor(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := recoveryServer(t, newServerEnv(t, backend))
		grace := s.browser()
		require.True(t, grace.login("grace", graceOld).Completed, "no second factor yet")
		key := mfaSetUpTOTP(t, grace)

		laptop := s.headless()
		laptop.askRecovery("grace@example.com")
		mails := laptop.mails("grace@example.com")
		require.Len(t, mails, 1)
		phone := s.headless()
		v := phone.followLink(mails[0].Data["link"])
		require.Equal(t, "AuthenticatorValidateChallenge", v.Challenge.Typename, "the second factor comes before the new password: %+v", v.Challenge)
		requireInvalidCode(t, mfaAnswer(phone, v.ID, "000000"))
		require.Empty(t, phone.viewer(), "a wrong code signs nobody in")
		require.False(t, s.headless().login("grace", graceOld).Completed, "the second factor is still asked at login")

		// The code of the next time step: the setup used the current one.
		v = mfaAnswer(phone, v.ID, codeAt(t, key, time.Now().Add(30*time.Second)))
		v = phone.newPassword(v, graceNew)
		require.True(t, v.Completed, "%+v", v.Challenge)
		require.Equal(t, "grace", phone.viewer())
		set, err := s.app.db.Ent.Event.Query().Where(entevent.ActionEQ(enum.EventActionPasswordSet), entevent.Username("grace")).Count(viewer.SystemContext(t.Context()))
		require.NoError(t, err)
		require.Equal(t, 1, set, "PASSWORD_SET names grace")

		old := s.headless().login("grace", graceOld)
		require.NotEqual(t, "AuthenticatorValidateChallenge", old.Challenge.Typename, "the old password is refused before any second factor")
		require.False(t, old.Completed)
		next := s.headless().login("grace", graceNew)
		require.Equal(t, "AuthenticatorValidateChallenge", next.Challenge.Typename, "the new password still needs the second factor")
	})
}
