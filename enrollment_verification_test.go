package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

// Sign-up with email verification (default-enrollment-flow): the new user
// is inactive until the mailed link is used; the device that opens it is
// signed in, and the device that signed up moves on to the login too, as
// soon as the link is confirmed (its flowExecution subscription is pushed).

// signUp runs default-enrollment-flow on c up to the "check your mail"
// page for username (username@example.com).
func (c *client) signUp(username string) view {
	c.t.Helper()
	v := c.startEnrollment()
	v = c.submit(v.ID, map[string]any{"prompt": map[string]any{"values": map[string]any{
		"username": username, "password": enrolPassword, "password_repeat": enrolPassword,
	}}})
	v = c.submit(v.ID, map[string]any{"prompt": map[string]any{"values": map[string]any{
		"name": username, "email": username + "@example.com",
	}}})
	require.Equal(c.t, "EmailChallenge", v.Challenge.Typename, "%+v", v.Challenge)
	return v
}

func (s *testServer) userActive(t *testing.T, username string) bool {
	t.Helper()
	u, err := s.app.db.Ent.User.Query().Where(user.Username(username)).Only(viewer.SystemContext(t.Context()))
	require.NoError(t, err)
	return u.IsActive
}

func TestEnrollmentVerification(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		env := newServerEnv(t, backend)
		s := newTestServer(t, env)
		other := s
		if backend == "postgres+redis" {
			other = newTestServer(t, env) // the link is opened on another replica
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()

		laptop := s.headless()
		v := laptop.signUp("newcomer")
		require.Equal(t, "n***@example.com", v.Challenge.To)
		require.False(t, v.Challenge.Verified)
		require.False(t, s.userActive(t, "newcomer"), "inactive until the address is verified")
		require.False(t, s.headless().login("newcomer", enrolPassword).Completed, "an inactive user cannot log in")
		mails := laptop.mails("newcomer@example.com")
		require.Len(t, mails, 1)
		require.Equal(t, "verification", mails[0].Args.Template)
		require.Equal(t, "newcomer", mails[0].Data["username"])
		views := laptop.watch(ctx, v.ID)
		require.Equal(t, "EmailChallenge", nextView(ctx, t, views).Challenge.Typename)

		// Answering before the link is used waits.
		waiting := laptop.submit(v.ID, map[string]any{"email": map[string]any{"resend": false}})
		require.Equal(t, "pending", waiting.Challenge.Errors[0].Code)
		nextView(ctx, t, views)

		phone := other.headless()
		done := phone.followLink(mails[0].Data["link"])
		require.True(t, done.Completed, "%+v", done.Challenge)
		require.Equal(t, "newcomer", phone.viewer(), "the device that opened the link is signed in")
		require.True(t, s.userActive(t, "newcomer"))

		pushed := nextView(ctx, t, views)
		require.Equal(t, "EmailChallenge", pushed.Challenge.Typename)
		require.True(t, pushed.Challenge.Verified, "the first device is told at once")
		end := laptop.submit(v.ID, map[string]any{"email": map[string]any{"resend": false}})
		require.True(t, end.Completed, "%+v", end.Challenge)
		require.Equal(t, "newcomer", laptop.viewer(), "and goes on to the login the flow defines")
		require.True(t, s.headless().login("newcomer", enrolPassword).Completed)
	})
}

func TestEnrollmentVerificationResend(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	c := s.headless()
	v := c.signUp("newcomer")
	first := c.lastLink("newcomer@example.com")
	for range 3 {
		v = c.submit(v.ID, map[string]any{"email": map[string]any{"resend": true}})
		require.Equal(t, "EmailChallenge", v.Challenge.Typename)
		require.Empty(t, v.Challenge.Errors)
	}
	v = c.submit(v.ID, map[string]any{"email": map[string]any{"resend": true}})
	require.Equal(t, "rate_limited", v.Challenge.Errors[0].Code, "the resend limit")
	require.Len(t, c.mails("newcomer@example.com"), 4)
	require.Equal(t, "AccessDeniedChallenge", s.headless().followLink(first).Challenge.Typename, "a resend revokes the last link")
	require.False(t, s.userActive(t, "newcomer"))
	done := c.followLink(c.lastLink("newcomer@example.com"))
	require.True(t, done.Completed, "%+v", done.Challenge)
	require.Equal(t, "newcomer", c.viewer())
}
