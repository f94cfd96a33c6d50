package sessiontest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/session"
)

// requireActive asserts that CountActive answers want.
func (b *bundle) requireActive(t *testing.T, want int, msg string) {
	t.Helper()
	n, err := b.store.CountActive(t.Context())
	require.NoError(t, err)
	require.Equal(t, want, n, msg)
}

// testCountActive follows the count through every write that changes it:
// creating, expiring (idle and absolute), refreshing, signing in and out
// through Update, Delete and DeleteByKey. Anonymous sessions never count.
func testCountActive(t *testing.T, b *bundle) {
	b.requireActive(t, 0, "an empty store")
	alice, bob := b.newUser(t), b.newUser(t)
	aliceID := b.create(t, b.newSession(t, alice))
	b.create(t, b.newSession(t, alice))
	bobID := b.create(t, b.newSession(t, bob))
	anonID := b.create(t, b.newSession(t, 0))
	idle := b.newSession(t, bob)
	idle.IdleTimeout = time.Minute
	idleID := b.create(t, idle)
	absolute := b.newSession(t, alice)
	absolute.ExpiresAt = absolute.CreatedAt.Add(2 * time.Minute)
	b.create(t, absolute)
	b.requireActive(t, 5, "five signed-in sessions and one anonymous")

	// Used just before it would go idle, the short session lives on.
	b.clock.Advance(59 * time.Second)
	require.NoError(t, b.store.Update(t.Context(), idleID, func(s *session.Session) error {
		s.LastSeenAt = b.clock.Now()
		return nil
	}))
	b.clock.Advance(time.Second)
	b.requireActive(t, 5, "a refreshed session still counts past its first deadline")
	b.clock.Advance(time.Minute)
	b.requireActive(t, 3, "gone idle, and past its absolute expiry")

	require.NoError(t, b.store.Delete(t.Context(), aliceID))
	b.requireActive(t, 2, "after Delete")
	require.NoError(t, b.store.DeleteByKey(t.Context(), bobID.Key()))
	b.requireActive(t, 1, "after DeleteByKey")

	setUser := func(id session.ID, userID int) {
		t.Helper()
		require.NoError(t, b.store.Update(t.Context(), id, func(s *session.Session) error {
			s.UserID = userID
			return nil
		}))
	}
	setUser(anonID, bob)
	b.requireActive(t, 2, "an anonymous session signed in")
	setUser(anonID, alice)
	b.requireActive(t, 2, "moved between users, counted once")
	setUser(anonID, 0)
	b.requireActive(t, 1, "signed out again")

	_, err := b.store.DeleteExpired(t.Context(), b.clock.Now())
	require.NoError(t, err)
	b.requireActive(t, 1, "after DeleteExpired")
	b.clock.Advance(24 * time.Hour)
	b.requireActive(t, 0, "all expired")
}

// testConcurrentCount creates and deletes signed-in sessions from many
// goroutines at once; the count is then exactly the sessions left.
func testConcurrentCount(t *testing.T, b *bundle) {
	user := b.newUser(t)
	ids := make([]session.ID, 2*Concurrency)
	for i := range ids {
		ids[i] = newID(t)
	}
	errs := make([]error, 2*Concurrency)
	startTogether(2*Concurrency, func(i int) {
		if errs[i] = b.store.Create(t.Context(), ids[i], b.newSession(t, user)); errs[i] != nil || i%2 == 0 {
			return
		}
		errs[i] = b.store.Delete(t.Context(), ids[i])
	})
	for _, err := range errs {
		require.NoError(t, err)
	}
	b.requireActive(t, Concurrency, "the sessions created and not deleted")
}

// BenchSessions is how many signed-in sessions, and as many anonymous
// ones, BenchCountActive stores before it counts.
const BenchSessions = 10_000

// BenchCountActive measures CountActive on store holding BenchSessions
// signed-in sessions of users (round robin; at least one user) and
// BenchSessions anonymous ones, checking every answer.
func BenchCountActive(b *testing.B, store session.Store, users []int) {
	b.Helper()
	now := time.Now()
	for i := range 2 * BenchSessions {
		userID := 0
		if i%2 == 0 {
			userID = users[i/2%len(users)]
		}
		id, err := session.NewID()
		require.NoError(b, err)
		require.NoError(b, store.Create(b.Context(), id, &session.Session{
			UserID: userID, Scope: string(id), CreatedAt: now, LastSeenAt: now,
			IdleTimeout: time.Hour, ExpiresAt: now.Add(24 * time.Hour),
		}))
	}
	b.ResetTimer()
	for b.Loop() {
		n, err := store.CountActive(b.Context())
		require.NoError(b, err)
		require.Equal(b, BenchSessions, n)
	}
}
