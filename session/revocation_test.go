package session_test

import (
	"context"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	countersql "github.com/gatehouse-id/gatehouse/counter/sqlstore"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/session"
	"github.com/gatehouse-id/gatehouse/session/redisstore"
	"github.com/gatehouse-id/gatehouse/session/sessiontest"
)

// Revoked stays revoked whatever Redis loses: sessions that ended after a
// snapshot come back with it, and Resume refuses them all — logged out,
// revoked one by one, revoked with the others, and rotated at a new
// login. Sessions Redis lost are simply gone; live ones in the snapshot
// work.
func TestRevokedSessionsStayRevokedWhenRedisLosesData(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	clock := sessiontest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	private := servicetest.StartPrivateRedis(t)
	rdb := private.Client(t)
	db := servicetest.Database(t, dialect.SQLite)
	var ended []int
	m := &session.Manager{
		Store:       redisstore.New(rdb, "t:", &redisstore.Options{NowFunc: clock.Now}),
		Revocations: session.NewCounterRevocations(countersql.New(db.Ent, &countersql.Options{NowFunc: clock.Now}), clock.Now),
		EndedFunc:   func(_ context.Context, userID int) { ended = append(ended, userID) },
		NowFunc:     clock.Now,
	}
	login := func(user int) session.ID {
		id, _, err := m.Login(ctx, "", user, session.LoginOptions{})
		require.NoError(t, err)
		return id
	}
	loggedOut, revoked, other, kept, rotated := login(1), login(2), login(3), login(3), login(4)
	survivor := login(5)
	snapshot := private.Snapshot(t)

	require.NoError(t, m.Logout(ctx, loggedOut))
	require.NoError(t, m.Revoke(ctx, 2, revoked.Key()))
	n, err := m.RevokeOthers(ctx, 3, kept.Key())
	require.NoError(t, err)
	require.Equal(t, 1, n)
	_, _, err = m.Login(ctx, rotated, 4, session.LoginOptions{}) // the old ID ends
	require.NoError(t, err)
	require.ElementsMatch(t, []int{1, 2, 3, 4}, ended, "every end is announced")
	late := login(6) // after the snapshot: lost with it

	private.Restore(t, snapshot)
	for name, id := range map[string]session.ID{"logged out": loggedOut, "revoked": revoked, "revoked with the others": other, "rotated": rotated} {
		_, err := m.Resume(ctx, id)
		require.ErrorIs(t, err, session.ErrNotFound, "%s: came back with the snapshot, refused", name)
	}
	for name, id := range map[string]session.ID{"kept": kept, "untouched": survivor} {
		_, err := m.Resume(ctx, id)
		require.NoError(t, err, "%s: live in the snapshot, still valid", name)
	}
	_, err = m.Resume(ctx, late)
	require.ErrorIs(t, err, session.ErrNotFound, "a session Redis lost is gone: the user logs in again")
	list, err := m.List(ctx, 1)
	require.NoError(t, err)
	require.Empty(t, list, "a refused session is deleted again")
}

// A process that did not revoke a session trusts a "not revoked" answer
// for RevocationCacheTTL at most, then asks the database again.
func TestRevocationsCache(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	clock := sessiontest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	store := countersql.New(servicetest.Database(t, dialect.SQLite).Ent, &countersql.Options{NowFunc: clock.Now})
	here := session.NewCounterRevocations(store, clock.Now)
	there := session.NewCounterRevocations(store, clock.Now) // another server

	revoked, err := there.Revoked(ctx, "k")
	require.NoError(t, err)
	require.False(t, revoked)
	require.NoError(t, here.Revoke(ctx, "k", clock.Now().Add(time.Hour)))
	revoked, err = here.Revoked(ctx, "k")
	require.NoError(t, err)
	require.True(t, revoked, "the revoking process knows at once")

	clock.Advance(session.RevocationCacheTTL)
	revoked, err = there.Revoked(ctx, "k")
	require.NoError(t, err)
	require.True(t, revoked, "another process knows within RevocationCacheTTL")

	clock.Advance(time.Hour)
	fresh := session.NewCounterRevocations(store, clock.Now)
	revoked, err = fresh.Revoked(ctx, "k")
	require.NoError(t, err)
	require.False(t, revoked, "the record is forgotten once the session would have expired")
}
