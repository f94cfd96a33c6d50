package main

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	entevent "github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

const userSessionsQuery = `query($id: ID!) { node(id: $id) { ... on User { sessions { key current clientIp userAgent } } } }`

const revokeUserSessions = `mutation($id: ID!, $keys: [ID!]) { revokeUserSessions(userID: $id, keys: $keys) }`

// userSessions lists user id's sessions as c, an admin.
func (c *client) userSessions(id string) []userSession {
	c.t.Helper()
	var out struct {
		Node struct{ Sessions []userSession }
	}
	c.must(userSessionsQuery, map[string]any{"id": id}, &out)
	return out.Node.Sessions
}

// revokeUserSessions ends user id's sessions keys (all when nil) as c, an
// admin, and returns how many ended.
func (c *client) revokeUserSessions(id string, keys []string) int {
	c.t.Helper()
	var out struct{ RevokeUserSessions int }
	c.must(revokeUserSessions, map[string]any{"id": id, "keys": keys}, &out)
	return out.RevokeUserSessions
}

// createLoginUser creates username with password as admin and returns its ID.
func createLoginUser(admin *client, username, password string) string {
	admin.t.Helper()
	var created struct{ CreateUser struct{ ID string } }
	admin.must(`mutation($u: String!, $p: String) { createUser(input: {username: $u}, password: $p) { id } }`,
		map[string]any{"u": username, "p": password}, &created)
	return created.CreateUser.ID
}

// An admin lists another user's sessions and ends one, then the rest:
// each ended session's next request is anonymous; the admin's own stay.
// Other users get FORBIDDEN; every revocation is audited.
func TestAdminUserSessions(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := newTestServer(t, newServerEnv(t, backend))
		admin := s.browser()
		require.True(t, admin.login("admin", adminPassword).Completed)
		const password = "violet-harbour-71"
		bobID := createLoginUser(admin, "bob", password)
		laptop, phone, tablet := s.browser(), s.headless(), s.headless()
		for _, c := range []*client{laptop, phone, tablet} {
			require.True(t, c.login("bob", password).Completed)
		}

		// Bob may neither list nor end sessions through the admin's fields.
		require.Equal(t, "FORBIDDEN", laptop.do(userSessionsQuery, map[string]any{"id": bobID}).code())
		require.Equal(t, "FORBIDDEN", laptop.do(revokeUserSessions, map[string]any{"id": bobID}).code())
		require.Equal(t, "UNAUTHENTICATED", s.headless().do(revokeUserSessions, map[string]any{"id": bobID}).code())
		require.Equal(t, "bob", phone.viewer(), "untouched")

		listed := admin.userSessions(bobID)
		require.Len(t, listed, 3)
		for _, l := range listed {
			require.False(t, l.Current, "none is the admin's")
			require.Equal(t, "127.0.0.1", l.ClientIP)
		}
		phoneKey := current(t, phone.sessions())

		// A key that is not bob's (the admin's own) ends nothing.
		mine := current(t, admin.sessions())
		res := admin.do(revokeUserSessions, map[string]any{"id": bobID, "keys": []string{phoneKey, mine}})
		require.Equal(t, "NOT_FOUND", res.code())
		require.Len(t, admin.userSessions(bobID), 3, "none ended")
		require.Equal(t, "bob", phone.viewer())
		require.Equal(t, "NOT_FOUND", admin.do(revokeUserSessions, map[string]any{"id": "999999999"}).code())

		// One session: the phone's next request is anonymous.
		require.Equal(t, 1, admin.revokeUserSessions(bobID, []string{phoneKey}))
		require.Empty(t, phone.viewer(), "the phone is logged out")
		require.Equal(t, "bob", laptop.viewer())
		require.Len(t, admin.userSessions(bobID), 2)
		require.Equal(t, "NOT_FOUND", admin.do(revokeUserSessions, map[string]any{"id": bobID, "keys": []string{phoneKey}}).code(),
			"a session ends once")

		// All of them.
		require.Equal(t, 2, admin.revokeUserSessions(bobID, nil))
		require.Empty(t, laptop.viewer())
		require.Empty(t, tablet.viewer())
		require.Empty(t, admin.userSessions(bobID))
		require.Equal(t, "admin", admin.viewer(), "the admin's own session stays")
		require.Zero(t, admin.revokeUserSessions(bobID, nil), "nothing left")

		sys := viewer.SystemContext(t.Context())
		events := s.app.db.Ent.Event.Query().Where(entevent.ActionEQ(enum.EventActionSessionRevoked)).Order(entevent.ByID()).AllX(sys)
		require.Len(t, events, 2, "one per revocation that ended sessions")
		require.Equal(t, "admin", events[0].Username, "the event names the admin")
		require.Equal(t, "bob", events[0].Context["subject_username"])
		require.Equal(t, bobID, events[0].Context["subject_id"])
		require.NotNil(t, events[0].SubjectID)
		require.Equal(t, bobID, strconv.Itoa(*events[0].SubjectID), "indexed: the event is about bob")
		require.InDelta(t, 1, events[0].Context["ended"], 0)
		require.Equal(t, false, events[0].Context["all"])
		require.InDelta(t, 2, events[1].Context["ended"], 0)
		require.Equal(t, true, events[1].Context["all"])
	})
}

// An admin ending their own sessions through the admin's field is
// logged out like revokeSession: current marks the session, and the
// browser is told to forget the cookie.
func TestAdminRevokesOwnSessions(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	var me struct {
		Viewer struct{ User struct{ ID string } }
	}
	admin.must(`{ viewer { user { id } } }`, nil, &me)
	listed := admin.userSessions(me.Viewer.User.ID)
	require.Len(t, listed, 1)
	require.True(t, listed[0].Current)
	res := admin.do(revokeUserSessions, map[string]any{"id": me.Viewer.User.ID})
	require.Empty(t, res.Errors)
	require.Contains(t, res.header.Get("Set-Cookie"), "Max-Age=0")
	require.Empty(t, admin.viewer())
}

// On PostgreSQL + Redis, a session an admin ends on one replica is
// anonymous on the other at its next request.
func TestAdminRevokesSessionAcrossReplicas(t *testing.T) {
	t.Parallel()
	env := newServerEnv(t, "postgres+redis")
	one, two := newTestServer(t, env), newTestServer(t, env)
	admin := one.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	bobID := createLoginUser(admin, "bob", "violet-harbour-71")
	bob := two.headless()
	require.True(t, bob.login("bob", "violet-harbour-71").Completed)
	require.Equal(t, "bob", bob.viewer())
	require.Equal(t, 1, admin.revokeUserSessions(bobID, []string{admin.on(two).userSessions(bobID)[0].Key}))
	require.Empty(t, bob.viewer(), "ended on the other replica")
}
