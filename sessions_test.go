package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// userSession is a UserSession as the tests read it.
type userSession struct {
	Key       string
	Current   bool
	ClientIP  string `json:"clientIp"`
	UserAgent string
}

const sessionsQuery = `{ viewer { sessions { key current clientIp userAgent } } }`

func (c *client) sessions() []userSession {
	c.t.Helper()
	var out struct {
		Viewer struct{ Sessions []userSession }
	}
	c.must(sessionsQuery, nil, &out)
	return out.Viewer.Sessions
}

// current returns the key of the caller's own session among its sessions.
func current(t *testing.T, sessions []userSession) string {
	t.Helper()
	for _, s := range sessions {
		if s.Current {
			return s.Key
		}
	}
	t.Fatalf("no current session among %+v", sessions)
	return ""
}

func TestViewerSessionsListAndRevoke(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := newTestServer(t, newServerEnv(t, backend))
		anon := s.headless()
		require.Empty(t, anon.sessions(), "anonymous callers have none")
		require.Equal(t, "UNAUTHENTICATED", anon.do(`mutation { revokeOtherSessions }`, nil).code())

		laptop, phone, tablet := s.browser(), s.headless(), s.headless()
		for _, c := range []*client{laptop, phone, tablet} {
			require.True(t, c.login("admin", adminPassword).Completed)
		}
		listed := laptop.sessions()
		require.Len(t, listed, 3)
		mine := current(t, listed)
		require.Equal(t, "127.0.0.1", listed[0].ClientIP)
		require.NotEqual(t, mine, current(t, phone.sessions()), "each client sees its own as current")

		// Another user can neither see nor end admin's sessions.
		stranger := s.headless()
		enrol(t, stranger, "stranger")
		require.Len(t, stranger.sessions(), 1)
		res := stranger.do(`mutation($k: ID!) { revokeSession(key: $k) }`, map[string]any{"k": mine})
		require.Equal(t, "NOT_FOUND", res.code())
		require.Equal(t, "admin", laptop.viewer(), "untouched")
		require.Equal(t, "NOT_FOUND", laptop.do(`mutation { revokeSession(key: "not-a-key") }`, nil).code())

		// The laptop ends the phone's session.
		phoneKey := current(t, phone.sessions())
		var ok struct{ RevokeSession bool }
		laptop.must(`mutation($k: ID!) { revokeSession(key: $k) }`, map[string]any{"k": phoneKey}, &ok)
		require.True(t, ok.RevokeSession)
		require.Empty(t, phone.viewer(), "the phone is logged out")
		require.Len(t, laptop.sessions(), 2)
		require.Equal(t, "NOT_FOUND", laptop.do(`mutation($k: ID!) { revokeSession(key: $k) }`, map[string]any{"k": phoneKey}).code(),
			"a session ends once")

		// Every other session: the tablet's.
		var n struct{ RevokeOtherSessions int }
		laptop.must(`mutation { revokeOtherSessions }`, nil, &n)
		require.Equal(t, 1, n.RevokeOtherSessions)
		require.Empty(t, tablet.viewer())
		require.Equal(t, "admin", laptop.viewer())

		// Its own session: logged out, and the browser is told to forget it.
		res = laptop.do(`mutation($k: ID!) { revokeSession(key: $k) }`, map[string]any{"k": mine})
		require.Empty(t, res.Errors)
		require.Contains(t, res.header.Get("Set-Cookie"), "Max-Age=0")
		require.Empty(t, laptop.viewer())
	})
}

// enrol signs username up through default-enrollment-flow on c, which
// follows the verification link and is then logged in as the new user;
// the password is enrolPassword.
func enrol(t *testing.T, c *client, username string) {
	t.Helper()
	v := c.startEnrollment()
	v = c.submit(v.ID, map[string]any{"prompt": map[string]any{"values": map[string]any{
		"username": username, "password": enrolPassword, "password_repeat": enrolPassword,
	}}})
	v = c.submit(v.ID, map[string]any{"prompt": map[string]any{"values": map[string]any{
		"name": username, "email": username + "@example.com",
	}}})
	require.Equal(t, "EmailChallenge", v.Challenge.Typename, "%+v", v.Challenge)
	v = c.followLink(c.lastLink(username + "@example.com"))
	require.True(t, v.Completed, "%+v", v.Challenge)
	require.Equal(t, username, c.viewer())
}
