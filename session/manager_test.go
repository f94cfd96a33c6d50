package session_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/session"
	"github.com/gatehouse-id/gatehouse/session/redisstore"
	"github.com/gatehouse-id/gatehouse/session/sessiontest"
	"github.com/gatehouse-id/gatehouse/session/sqlstore"
)

// testBundle is a Manager with default durations on one backend, driven by
// a fake clock.
type testBundle struct {
	backend string
	mgr     *session.Manager
	store   session.Store
	clock   *sessiontest.Clock
	ctx     context.Context
	newUser func(t *testing.T) int
}

var userSeq atomic.Int64

// backends makes a fresh store of each backend the Manager is tested on.
var backends = map[string]func(t *testing.T, clock *sessiontest.Clock) (session.Store, func(t *testing.T) int){
	"sqlite": func(t *testing.T, clock *sessiontest.Clock) (session.Store, func(t *testing.T) int) {
		t.Helper()
		db := servicetest.Database(t, dialect.SQLite)
		newUser := func(t *testing.T) int {
			t.Helper()
			u, err := db.Ent.User.Create().
				SetUsername("user" + strconv.FormatInt(userSeq.Add(1), 10)).
				Save(viewer.SystemContext(t.Context()))
			require.NoError(t, err)
			return u.ID
		}
		return sqlstore.New(db.Ent, &sqlstore.Options{NowFunc: clock.Now}), newUser
	},
	"redis": func(t *testing.T, clock *sessiontest.Clock) (session.Store, func(t *testing.T) int) {
		t.Helper()
		client, prefix := servicetest.Redis(t)
		return redisstore.New(client, prefix, &redisstore.Options{NowFunc: clock.Now}),
			func(*testing.T) int { return int(userSeq.Add(1)) }
	},
}

// forEachBackend runs test as a parallel subtest per backend.
func forEachBackend(t *testing.T, test func(t *testing.T, b *testBundle)) {
	t.Helper()
	for name, newStore := range backends {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			clock := sessiontest.NewRealClock()
			store, newUser := newStore(t, clock)
			test(t, &testBundle{
				backend: name,
				mgr:     &session.Manager{Store: store, NowFunc: clock.Now},
				store:   store,
				clock:   clock,
				ctx:     t.Context(),
				newUser: newUser,
			})
		})
	}
}

func (b *testBundle) start(t *testing.T) (session.ID, *session.Session) {
	t.Helper()
	id, s, err := b.mgr.Start(b.ctx, session.Client{IP: "192.0.2.1", UserAgent: "anon-agent"})
	require.NoError(t, err)
	return id, s
}

func (b *testBundle) login(t *testing.T, current session.ID, userID int) (session.ID, *session.Session) {
	t.Helper()
	id, s, err := b.mgr.Login(b.ctx, current, userID, session.LoginOptions{})
	require.NoError(t, err)
	return id, s
}

func (b *testBundle) requireGone(t *testing.T, id session.ID) {
	t.Helper()
	_, err := b.mgr.Resume(b.ctx, id)
	require.ErrorIs(t, err, session.ErrNotFound)
}

func TestStart(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *testBundle) {
		now := b.clock.Now()
		id, s := b.start(t)
		require.NotEmpty(t, id)
		require.Zero(t, s.UserID)
		require.NotEmpty(t, s.Scope)
		require.NotEqual(t, string(id), s.Scope)
		require.True(t, s.CreatedAt.Equal(now))
		require.True(t, s.LastSeenAt.Equal(now))
		require.Equal(t, session.DefaultIdleTimeout, s.IdleTimeout)
		require.True(t, s.ExpiresAt.Equal(now.Add(session.DefaultAnonymousLifetime)))
		require.Equal(t, "192.0.2.1", s.ClientIP)
		require.Equal(t, "anon-agent", s.UserAgent)

		stored, err := b.store.Get(b.ctx, id)
		require.NoError(t, err)
		require.Equal(t, s.Scope, stored.Scope)

		id2, s2 := b.start(t)
		require.NotEqual(t, id, id2)
		require.NotEqual(t, s.Scope, s2.Scope)
	})
}

func TestResumeRecordsUseAtMostOncePerTouchInterval(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *testBundle) {
		id, s := b.start(t)
		b.clock.Advance(session.TouchInterval - time.Second)
		got, err := b.mgr.Resume(b.ctx, id)
		require.NoError(t, err)
		require.True(t, got.LastSeenAt.Equal(s.LastSeenAt), "a use soon after the last is not written")
		stored, err := b.store.Get(b.ctx, id)
		require.NoError(t, err)
		require.True(t, stored.LastSeenAt.Equal(s.LastSeenAt))

		now := b.clock.Advance(time.Second)
		got, err = b.mgr.Resume(b.ctx, id)
		require.NoError(t, err)
		require.True(t, got.LastSeenAt.Equal(now), "a use TouchInterval after the last is written")
	})
}

func TestResumeRecordsUse(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *testBundle) {
		id, s := b.start(t)
		now := b.clock.Advance(10 * time.Minute)
		got, err := b.mgr.Resume(b.ctx, id)
		require.NoError(t, err)
		require.True(t, got.LastSeenAt.Equal(now))
		require.True(t, got.ExpiresAt.Equal(s.ExpiresAt), "use does not move the absolute expiry")
		stored, err := b.store.Get(b.ctx, id)
		require.NoError(t, err)
		require.True(t, stored.LastSeenAt.Equal(now))

		b.requireGone(t, "")
		unknown, err := session.NewID()
		require.NoError(t, err)
		b.requireGone(t, unknown)
	})
}

func TestLoginRotatesIDAndKeepsScope(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *testBundle) {
		anonID, anon := b.start(t)
		user := b.newUser(t)
		b.clock.Advance(5 * time.Minute)

		id, s, err := b.mgr.Login(b.ctx, anonID, user, session.LoginOptions{
			Client: session.Client{IP: "198.51.100.9", UserAgent: "login-agent"},
		})
		require.NoError(t, err)
		require.NotEqual(t, anonID, id, "login must rotate the ID")
		require.Equal(t, anon.Scope, s.Scope)
		require.Equal(t, user, s.UserID)
		require.Equal(t, "198.51.100.9", s.ClientIP)
		require.Equal(t, "login-agent", s.UserAgent)
		b.requireGone(t, anonID)

		got, err := b.mgr.Resume(b.ctx, id)
		require.NoError(t, err)
		require.Equal(t, anon.Scope, got.Scope)
		require.Equal(t, user, got.UserID)

		// Logging in again (e.g. step-up) rotates again, same scope.
		id2, s2 := b.login(t, id, user)
		require.NotEqual(t, id, id2)
		require.Equal(t, anon.Scope, s2.Scope)
		b.requireGone(t, id)
	})
}

func TestLoginWithoutLiveSessionGetsNewScope(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *testBundle) {
		user := b.newUser(t)
		_, fresh := b.login(t, "", user)
		require.NotEmpty(t, fresh.Scope)

		unknown, err := session.NewID()
		require.NoError(t, err)
		_, s := b.login(t, unknown, user)
		require.NotEmpty(t, s.Scope)
		require.NotEqual(t, fresh.Scope, s.Scope)

		anonID, anon := b.start(t)
		b.clock.Advance(session.DefaultAnonymousLifetime)
		_, s = b.login(t, anonID, user)
		require.NotEqual(t, anon.Scope, s.Scope, "an expired session's scope is not inherited")
	})
}

func TestLoginNeedsUser(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *testBundle) {
		anonID, _ := b.start(t)
		_, _, err := b.mgr.Login(b.ctx, anonID, 0, session.LoginOptions{})
		require.ErrorIs(t, err, session.ErrNoUser)
		_, err = b.mgr.Resume(b.ctx, anonID)
		require.NoError(t, err, "a failed login leaves the current session alone")
	})
}

func TestLifetimes(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *testBundle) {
		user := b.newUser(t)
		start := b.clock.Now()
		anonID, _ := b.start(t)
		userID, s := b.login(t, "", user)
		require.Equal(t, session.DefaultLoginLifetime, b.mgr.Lifetime())
		require.True(t, s.ExpiresAt.Equal(start.Add(session.DefaultLoginLifetime)))
		rememberID, remember, err := b.mgr.Login(b.ctx, "", user, session.LoginOptions{Lifetime: 30 * 24 * time.Hour})
		require.NoError(t, err)
		require.True(t, remember.ExpiresAt.Equal(start.Add(30*24*time.Hour)))

		b.clock.Advance(session.DefaultAnonymousLifetime)
		b.requireGone(t, anonID)
		_, err = b.mgr.Resume(b.ctx, userID)
		require.NoError(t, err)

		// Used daily, the login lasts its lifetime and no longer.
		for b.clock.Now().Before(start.Add(session.DefaultLoginLifetime - 24*time.Hour)) {
			b.clock.Advance(24 * time.Hour)
			_, err := b.mgr.Resume(b.ctx, userID)
			require.NoError(t, err)
			_, err = b.mgr.Resume(b.ctx, rememberID)
			require.NoError(t, err)
		}
		b.clock.Advance(start.Add(session.DefaultLoginLifetime).Sub(b.clock.Now()))
		b.requireGone(t, userID)
		_, err = b.mgr.Resume(b.ctx, rememberID)
		require.NoError(t, err)
	})
}

func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *testBundle) {
		user := b.newUser(t)
		id, _ := b.login(t, "", user)
		quiet, _ := b.login(t, "", user)

		b.clock.Advance(session.DefaultIdleTimeout - time.Second)
		_, err := b.mgr.Resume(b.ctx, id)
		require.NoError(t, err)
		b.clock.Advance(time.Second)
		b.requireGone(t, quiet)

		b.clock.Advance(session.DefaultIdleTimeout - 2*time.Second)
		_, err = b.mgr.Resume(b.ctx, id)
		require.NoError(t, err, "each use pushes the idle deadline")
		b.clock.Advance(session.DefaultIdleTimeout)
		b.requireGone(t, id)
	})
}

func TestCustomDurations(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *testBundle) {
		b.mgr.IdleTimeout = time.Hour
		b.mgr.DefaultLifetime = 2 * time.Hour
		b.mgr.AnonymousLifetime = 10 * time.Minute
		now := b.clock.Now()
		_, anon := b.start(t)
		require.True(t, anon.ExpiresAt.Equal(now.Add(10*time.Minute)))
		require.Equal(t, time.Hour, anon.IdleTimeout)
		require.Equal(t, 2*time.Hour, b.mgr.Lifetime())
		_, s := b.login(t, "", b.newUser(t))
		require.True(t, s.ExpiresAt.Equal(now.Add(2*time.Hour)))
		require.Equal(t, time.Hour, s.IdleTimeout)
	})
}

func TestLogout(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *testBundle) {
		user := b.newUser(t)
		id, _ := b.login(t, "", user)
		other, _ := b.login(t, "", user)

		require.NoError(t, b.mgr.Logout(b.ctx, id))
		b.requireGone(t, id)
		require.NoError(t, b.mgr.Logout(b.ctx, id), "logging out twice is fine")
		require.NoError(t, b.mgr.Logout(b.ctx, ""))
		_, err := b.mgr.Resume(b.ctx, other)
		require.NoError(t, err, "logout ends one session only")
	})
}

func TestListNewestFirst(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *testBundle) {
		user, other := b.newUser(t), b.newUser(t)
		a, _ := b.login(t, "", user)
		c, _ := b.login(t, "", user)
		d, _ := b.login(t, "", user)
		b.login(t, "", other)
		b.start(t)

		b.clock.Advance(time.Minute)
		_, err := b.mgr.Resume(b.ctx, c)
		require.NoError(t, err)
		b.clock.Advance(time.Minute)
		_, err = b.mgr.Resume(b.ctx, a)
		require.NoError(t, err)

		list, err := b.mgr.List(b.ctx, user)
		require.NoError(t, err)
		keys := make([]string, len(list))
		for i, l := range list {
			keys[i] = l.Key
			require.Equal(t, user, l.Session.UserID)
		}
		require.Equal(t, []string{a.Key(), c.Key(), d.Key()}, keys)

		list, err = b.mgr.List(b.ctx, b.newUser(t))
		require.NoError(t, err)
		require.Empty(t, list)
	})
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *testBundle) {
		alice, mallory := b.newUser(t), b.newUser(t)
		aliceID, _ := b.login(t, "", alice)
		malloryID, _ := b.login(t, "", mallory)

		err := b.mgr.Revoke(b.ctx, mallory, aliceID.Key())
		require.ErrorIs(t, err, session.ErrNotFound, "another user's key looks like no key")
		_, err = b.mgr.Resume(b.ctx, aliceID)
		require.NoError(t, err, "nothing was deleted")

		anonID, _ := b.start(t)
		require.ErrorIs(t, b.mgr.Revoke(b.ctx, mallory, anonID.Key()), session.ErrNotFound)
		require.ErrorIs(t, b.mgr.Revoke(b.ctx, 0, anonID.Key()), session.ErrNotFound)
		_, err = b.mgr.Resume(b.ctx, anonID)
		require.NoError(t, err)
		require.ErrorIs(t, b.mgr.Revoke(b.ctx, mallory, "no such key"), session.ErrNotFound)

		require.NoError(t, b.mgr.Revoke(b.ctx, mallory, malloryID.Key()))
		b.requireGone(t, malloryID)
		require.ErrorIs(t, b.mgr.Revoke(b.ctx, mallory, malloryID.Key()), session.ErrNotFound)
	})
}

func TestRevokeOthers(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *testBundle) {
		alice, bob := b.newUser(t), b.newUser(t)
		keep, _ := b.login(t, "", alice)
		others := []session.ID{}
		for range 3 {
			id, _ := b.login(t, "", alice)
			others = append(others, id)
		}
		bobID, _ := b.login(t, "", bob)
		anonID, _ := b.start(t)

		n, err := b.mgr.RevokeOthers(b.ctx, alice, keep.Key())
		require.NoError(t, err)
		require.Equal(t, 3, n)
		for _, id := range others {
			b.requireGone(t, id)
		}
		for _, id := range []session.ID{keep, bobID, anonID} {
			_, err := b.mgr.Resume(b.ctx, id)
			require.NoError(t, err)
		}

		n, err = b.mgr.RevokeOthers(b.ctx, alice, keep.Key())
		require.NoError(t, err)
		require.Zero(t, n)
		n, err = b.mgr.RevokeOthers(b.ctx, alice, "")
		require.NoError(t, err)
		require.Equal(t, 1, n, "without a key to keep, all go")
		b.requireGone(t, keep)
	})
}

func TestRevokeKeys(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *testBundle) {
		alice, bob := b.newUser(t), b.newUser(t)
		one, _ := b.login(t, "", alice)
		two, _ := b.login(t, "", alice)
		three, _ := b.login(t, "", alice)
		bobID, _ := b.login(t, "", bob)

		_, err := b.mgr.RevokeKeys(b.ctx, alice, []string{one.Key(), bobID.Key()})
		require.ErrorIs(t, err, session.ErrNotFound, "a key of another user")
		_, err = b.mgr.RevokeKeys(b.ctx, alice, []string{"no such key"})
		require.ErrorIs(t, err, session.ErrNotFound)
		for _, id := range []session.ID{one, two, three, bobID} {
			_, err := b.mgr.Resume(b.ctx, id)
			require.NoError(t, err, "a refused call ends none")
		}

		n, err := b.mgr.RevokeKeys(b.ctx, alice, []string{one.Key(), two.Key(), one.Key()})
		require.NoError(t, err)
		require.Equal(t, 2, n)
		b.requireGone(t, one)
		b.requireGone(t, two)
		for _, id := range []session.ID{three, bobID} {
			_, err := b.mgr.Resume(b.ctx, id)
			require.NoError(t, err)
		}
		_, err = b.mgr.RevokeKeys(b.ctx, alice, []string{one.Key()})
		require.ErrorIs(t, err, session.ErrNotFound, "a session ends once")

		n, err = b.mgr.RevokeKeys(b.ctx, alice, nil)
		require.NoError(t, err)
		require.Zero(t, n, "no keys, nothing ends")
	})
}

func TestDeleteExpired(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *testBundle) {
		b.start(t)
		userID, _ := b.login(t, "", b.newUser(t))
		b.clock.Advance(session.DefaultAnonymousLifetime)
		n, err := b.mgr.DeleteExpired(b.ctx)
		require.NoError(t, err)
		want := map[string]int{"sqlite": 1, "redis": 0}[b.backend] // Redis expires keys itself
		require.Equal(t, want, n)
		_, err = b.mgr.Resume(b.ctx, userID)
		require.NoError(t, err)
	})
}
