package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/blueprints"
	entevent "github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

const deleteDevice = `mutation($id: ID!) { deleteAuthenticatorDevice(id: $id) }`

// Deleting one's last second factor needs a session that passed one
// recently: a session that never did gets MFA_REQUIRED and the device
// stays; after default-mfa-confirmation-flow (in the same session, still
// signed in) the deletion goes through. Other deletions need nothing.
func TestDeletingTheLastSecondFactor(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := newTestServer(t, newServerEnv(t, backend))
		mfaUser(t, s, "grace")
		grace := s.browser()
		require.True(t, grace.login("grace", mfaPassword).Completed, "no second factor yet: this session never passes one")
		key := mfaSetUpTOTP(t, grace)
		mfaSetUpCodes(t, grace)
		devices := devicesOf(grace)
		require.Len(t, devices, 2)
		app, set := devices[0], devices[1]

		grace.must(deleteDevice, map[string]any{"id": set.ID}, nil)
		require.Len(t, devicesOf(grace), 1, "the authenticator app is left: no fresh second factor needed")

		res := grace.do(deleteDevice, map[string]any{"id": app.ID})
		require.Equal(t, "MFA_REQUIRED", res.code(), "%+v", res.Errors)
		require.Contains(t, res.Errors[0].Message, "second factor")
		require.Equal(t, []authenticatorDevice{app}, devicesOf(grace), "the device stays")

		// The settings page confirms a second factor without logging out.
		v := grace.start(blueprints.MFAConfirmationFlow)
		require.Equal(t, "AuthenticatorValidateChallenge", v.Challenge.Typename, "%+v", v.Challenge)
		requireInvalidCode(t, mfaAnswer(grace, v.ID, "000000"))
		v = mfaAnswer(grace, v.ID, codeAt(t, key, time.Now().Add(30*time.Second)))
		require.True(t, v.Completed, "%+v", v.Challenge)
		require.Equal(t, "grace", grace.viewer(), "still signed in")

		grace.must(deleteDevice, map[string]any{"id": app.ID}, nil)
		require.Empty(t, devicesOf(grace))
		sys := viewer.SystemContext(t.Context())
		require.Equal(t, 2, s.app.db.Ent.Event.Query().Where(entevent.ActionEQ(enum.EventActionMFADeviceRemoved), entevent.Username("grace")).CountX(sys))

		// With nothing left to confirm, the confirmation flow refuses.
		none := grace.start(blueprints.MFAConfirmationFlow)
		require.Equal(t, "AccessDeniedChallenge", none.Challenge.Typename, "%+v", none.Challenge)
	})
}

// A session that logged in with its second factor may delete the last
// one at once; an admin's deletion never asks.
func TestDeletingTheLastSecondFactorAfterAnMFALogin(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := newTestServer(t, newServerEnv(t, backend))
		mfaUser(t, s, "grace")
		setup := s.browser()
		require.True(t, setup.login("grace", mfaPassword).Completed)
		key := mfaSetUpTOTP(t, setup)
		require.Equal(t, "MFA_REQUIRED", setup.do(deleteDevice, map[string]any{"id": devicesOf(setup)[0].ID}).code())

		grace := s.browser()
		id, _ := mfaLogin(t, grace, "grace")
		require.True(t, mfaAnswer(grace, id, codeAt(t, key, time.Now().Add(30*time.Second))).Completed)
		grace.must(deleteDevice, map[string]any{"id": devicesOf(grace)[0].ID}, nil)
		require.Empty(t, devicesOf(grace))

		// An admin deletes a user's only factor without a fresh one.
		mfaSetUpCodes(t, grace)
		set := devicesOf(grace)[0]
		admin := s.headless()
		require.True(t, admin.login("admin", adminPassword).Completed)
		admin.must(`mutation($id: ID!) { deleteUserAuthenticatorDevice(id: $id) }`, map[string]any{"id": set.ID}, nil)
		require.Empty(t, devicesOf(grace))
	})
}
