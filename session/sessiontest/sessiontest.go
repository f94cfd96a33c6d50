// Package sessiontest is the conformance suite every session.Store must
// pass, and the fake Clock it drives them with. It is a test helper: import
// it from _test.go files only.
//
// A backend's test calls Run and RunConcurrency with a newStore function
// that returns a fresh, empty store reading time from the given Clock. The
// store (usually a test-file wrapper around it) must also implement
// Inspector, so the suite can look at what the backend stores; and
// UserMaker if its sessions must belong to existing users.
package sessiontest

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/fakeclock"
	"github.com/gatehouse-id/gatehouse/session"
)

// Clock is the suite's fake clock (package fakeclock).
type Clock = fakeclock.Clock

// NewClock returns a Clock stopped at now.
func NewClock(now time.Time) *Clock { return fakeclock.New(now) }

// NewRealClock returns a Clock stopped at the real current time, in UTC,
// in whole milliseconds: backends with native expiry (Redis) need their
// fake clock near the real time, or they expire records at once.
func NewRealClock() *Clock { return fakeclock.NewReal() }

// Inspector lets the suite see what a backend stores. Every store that
// newStore returns must implement it (a wrapper in the backend's test file
// is the usual way); the suite fails otherwise.
type Inspector interface {
	// StoredText returns everything the store has written, as text: keys
	// and values, or every column of every row. The suite checks that raw
	// IDs never appear in it and that their Keys do.
	StoredText(ctx context.Context) ([]string, error)
}

// UserMaker is implemented by stores whose sessions must belong to
// existing users (the SQL store's foreign key). Without it the suite uses
// user IDs 1, 2, 3….
type UserMaker interface {
	// NewUser creates a user and returns its ID.
	NewUser(t *testing.T) int
}

// NewStoreFunc returns a new, empty store whose clock is clock. It may
// register cleanups on t.
type NewStoreFunc func(t *testing.T, clock *Clock) session.Store

// Run runs the conformance suite of session.Store against the backend that
// newStore makes, as parallel subtests, each on its own store and Clock
// (NewRealClock).
func Run(t *testing.T, newStore NewStoreFunc) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, b *bundle)
	}{
		{"CreateGetRoundTrip", testCreateGetRoundTrip},
		{"CreateAnonymous", testCreateAnonymous},
		{"CreateAlreadyExists", testCreateAlreadyExists},
		{"CreateOverExpired", testCreateOverExpired},
		{"StoresCopies", testStoresCopies},
		{"GetUnknown", testGetUnknown},
		{"IdleExpiry", testIdleExpiry},
		{"IdleRefreshKeepsAlive", testIdleRefreshKeepsAlive},
		{"AbsoluteExpiry", testAbsoluteExpiry},
		{"UpdateAppliesAndPersists", testUpdateAppliesAndPersists},
		{"UpdateFnErrorWritesNothing", testUpdateFnErrorWritesNothing},
		{"UpdateMissing", testUpdateMissing},
		{"UpdateImmutable", testUpdateImmutable},
		{"DeleteThenGet", testDeleteThenGet},
		{"DeleteMissing", testDeleteMissing},
		{"DeleteExpiredSession", testDeleteExpiredSession},
		{"ListByUser", testListByUser},
		{"ListByUserFollowsUpdate", testListByUserFollowsUpdate},
		{"ListByUserAfterDelete", testListByUserAfterDelete},
		{"DeleteByKey", testDeleteByKey},
		{"DeleteExpired", testDeleteExpired},
		{"CountActive", testCountActive},
		{"IDsStoredHashed", testIDsStoredHashed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, setup(t, newStore))
		})
	}
}

// Concurrency is how many goroutines RunConcurrency's tests run at once.
// It stays below redisstore.MaxAttempts, the most conflicts an optimistic
// store must absorb.
const Concurrency = 16

// RunConcurrency runs the compare-and-set and race tests of session.Store
// against the backend that newStore makes, as parallel subtests.
func RunConcurrency(t *testing.T, newStore NewStoreFunc) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, b *bundle)
	}{
		{"UpdateLosesNothing", testConcurrentUpdate},
		{"CreateOneWins", testConcurrentCreate},
		{"MoveAndDelete", testConcurrentMoveAndDelete},
		{"CountFollowsWrites", testConcurrentCount},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, setup(t, newStore))
		})
	}
}

// bundle is what each test works with.
type bundle struct {
	store session.Store
	clock *Clock
	users func(t *testing.T) int
}

func setup(t *testing.T, newStore NewStoreFunc) *bundle {
	t.Helper()
	clock := NewRealClock()
	store := newStore(t, clock)
	b := &bundle{store: store, clock: clock}
	if m, ok := store.(UserMaker); ok {
		b.users = m.NewUser
	} else {
		var next atomic.Int64
		b.users = func(*testing.T) int { return int(next.Add(1)) }
	}
	return b
}

// newUser returns the ID of a user sessions may belong to.
func (b *bundle) newUser(t *testing.T) int {
	t.Helper()
	return b.users(t)
}

// newSession returns a session of userID seen now, idle after an hour,
// expiring in a day, with a fresh scope.
func (b *bundle) newSession(t *testing.T, userID int) *session.Session {
	t.Helper()
	now := b.clock.Now()
	return &session.Session{
		UserID:      userID,
		Scope:       string(newID(t)),
		CreatedAt:   now,
		LastSeenAt:  now,
		IdleTimeout: time.Hour,
		ExpiresAt:   now.Add(24 * time.Hour),
		ClientIP:    "192.0.2.7",
		UserAgent:   "sessiontest/1.0",
	}
}

// create stores s under a new ID and returns the ID.
func (b *bundle) create(t *testing.T, s *session.Session) session.ID {
	t.Helper()
	id := newID(t)
	require.NoError(t, b.store.Create(t.Context(), id, s))
	return id
}

// requireGone asserts that id answers ErrNotFound to Get and to Update,
// without Update calling fn.
func (b *bundle) requireGone(t *testing.T, id session.ID) {
	t.Helper()
	_, err := b.store.Get(t.Context(), id)
	require.ErrorIs(t, err, session.ErrNotFound)
	err = b.store.Update(t.Context(), id, func(*session.Session) error {
		t.Error("Update called fn for a session that is gone")
		return nil
	})
	require.ErrorIs(t, err, session.ErrNotFound)
}

// requireLive asserts that id holds a session equal to want.
func (b *bundle) requireLive(t *testing.T, id session.ID, want *session.Session) {
	t.Helper()
	got, err := b.store.Get(t.Context(), id)
	require.NoError(t, err)
	requireEqual(t, want, got)
}

func newID(t *testing.T) session.ID {
	t.Helper()
	id, err := session.NewID()
	require.NoError(t, err)
	return id
}

// requireEqual asserts that two sessions hold the same values, comparing
// times as instants (stores need not keep time zones).
func requireEqual(t *testing.T, want, got *session.Session) {
	t.Helper()
	require.NotNil(t, got)
	require.Equal(t, normalize(want), normalize(got))
}

func normalize(s *session.Session) session.Session {
	n := *s
	n.CreatedAt = n.CreatedAt.UTC().Round(0)
	n.LastSeenAt = n.LastSeenAt.UTC().Round(0)
	n.ExpiresAt = n.ExpiresAt.UTC().Round(0)
	return n
}

func testCreateGetRoundTrip(t *testing.T, b *bundle) {
	user := b.newUser(t)
	start := b.clock.Now()
	want := &session.Session{
		UserID:      user,
		Scope:       "scope-" + string(newID(t)),
		CreatedAt:   start.Add(-3 * time.Minute),
		LastSeenAt:  start.Add(-time.Minute),
		IdleTimeout: 90*time.Minute + 1500*time.Millisecond + 7,
		ExpiresAt:   start.Add(36*time.Hour + 123456789),
		ClientIP:    "2001:db8::1",
		UserAgent:   "Mozilla/5.0 (X11; Linux x86_64) \"quoted\" ünïcode",
	}
	id := b.create(t, want)
	b.requireLive(t, id, want)
}

func testCreateAnonymous(t *testing.T, b *bundle) {
	want := b.newSession(t, 0)
	id := b.create(t, want)
	b.requireLive(t, id, want)
}

func testCreateAlreadyExists(t *testing.T, b *bundle) {
	first := b.newSession(t, b.newUser(t))
	id := b.create(t, first)

	second := b.newSession(t, 0)
	second.UserAgent = "intruder"
	require.ErrorIs(t, b.store.Create(t.Context(), id, second), session.ErrAlreadyExists)
	b.requireLive(t, id, first)
}

func testCreateOverExpired(t *testing.T, b *bundle) {
	s := b.newSession(t, 0)
	id := b.create(t, s)
	b.clock.Advance(s.IdleTimeout)
	b.requireGone(t, id)
	require.ErrorIs(t, b.store.Create(t.Context(), id, b.newSession(t, 0)), session.ErrAlreadyExists,
		"an expired session not yet removed still holds its ID")
}

func testStoresCopies(t *testing.T, b *bundle) {
	s := b.newSession(t, 0)
	want := *s
	id := b.create(t, s)
	s.UserAgent = "changed after Create"

	got, err := b.store.Get(t.Context(), id)
	require.NoError(t, err)
	requireEqual(t, &want, got)
	got.UserAgent = "changed after Get"
	b.requireLive(t, id, &want)
}

func testGetUnknown(t *testing.T, b *bundle) {
	b.create(t, b.newSession(t, 0))
	_, err := b.store.Get(t.Context(), newID(t))
	require.ErrorIs(t, err, session.ErrNotFound)
}

func testIdleExpiry(t *testing.T, b *bundle) {
	s := b.newSession(t, b.newUser(t))
	id := b.create(t, s)

	b.clock.Advance(s.IdleTimeout - time.Nanosecond)
	b.requireLive(t, id, s)

	b.clock.Advance(time.Nanosecond) // exactly LastSeenAt+IdleTimeout
	b.requireGone(t, id)
}

func testIdleRefreshKeepsAlive(t *testing.T, b *bundle) {
	s := b.newSession(t, b.newUser(t))
	id := b.create(t, s)

	// Four uses, each just inside the idle timeout: three idle periods
	// after creation, the session is still alive.
	for range 4 {
		now := b.clock.Advance(s.IdleTimeout - time.Second)
		require.NoError(t, b.store.Update(t.Context(), id, func(s *session.Session) error {
			s.LastSeenAt = now
			return nil
		}))
	}
	got, err := b.store.Get(t.Context(), id)
	require.NoError(t, err)
	require.True(t, got.LastSeenAt.Equal(b.clock.Now()), "LastSeenAt %v, want %v", got.LastSeenAt, b.clock.Now())

	b.clock.Advance(s.IdleTimeout)
	b.requireGone(t, id)
}

func testAbsoluteExpiry(t *testing.T, b *bundle) {
	s := b.newSession(t, b.newUser(t))
	s.IdleTimeout = 2 * time.Hour
	s.ExpiresAt = s.CreatedAt.Add(5 * time.Hour)
	id := b.create(t, s)

	for b.clock.Now().Before(s.ExpiresAt.Add(-time.Hour)) {
		now := b.clock.Advance(time.Hour)
		require.NoError(t, b.store.Update(t.Context(), id, func(s *session.Session) error {
			s.LastSeenAt = now
			return nil
		}))
	}
	b.clock.Advance(s.ExpiresAt.Sub(b.clock.Now()) - time.Nanosecond)
	_, err := b.store.Get(t.Context(), id)
	require.NoError(t, err)

	b.clock.Advance(time.Nanosecond) // exactly ExpiresAt, seen an hour ago
	b.requireGone(t, id)
}

func testUpdateAppliesAndPersists(t *testing.T, b *bundle) {
	s := b.newSession(t, b.newUser(t))
	id := b.create(t, s)

	now := b.clock.Advance(time.Minute)
	want := *s
	want.LastSeenAt = now
	want.IdleTimeout = 3 * time.Hour
	want.ExpiresAt = now.Add(48 * time.Hour)
	want.ClientIP = "198.51.100.1"
	want.UserAgent = "updated"
	calls := 0
	require.NoError(t, b.store.Update(t.Context(), id, func(got *session.Session) error {
		calls++
		requireEqual(t, s, got) // fn sees what is stored
		got.LastSeenAt = want.LastSeenAt
		got.IdleTimeout = want.IdleTimeout
		got.ExpiresAt = want.ExpiresAt
		got.ClientIP = want.ClientIP
		got.UserAgent = want.UserAgent
		return nil
	}))
	require.GreaterOrEqual(t, calls, 1)
	b.requireLive(t, id, &want)
}

// fnError is a typed error that Update must hand back unchanged.
type fnError struct{ reason string }

func (e *fnError) Error() string { return "fn refused: " + e.reason }

func testUpdateFnErrorWritesNothing(t *testing.T, b *bundle) {
	s := b.newSession(t, b.newUser(t))
	id := b.create(t, s)
	b.clock.Advance(time.Minute)

	wantErr := fmt.Errorf("wrapped: %w", &fnError{reason: "no"})
	err := b.store.Update(t.Context(), id, func(got *session.Session) error {
		got.UserID = 0
		got.UserAgent = "must not be stored"
		got.LastSeenAt = b.clock.Now()
		return wantErr
	})
	require.ErrorIs(t, err, wantErr)
	var fe *fnError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "no", fe.reason)
	b.requireLive(t, id, s)
	list, err := b.store.ListByUser(t.Context(), s.UserID)
	require.NoError(t, err)
	require.Contains(t, list, id.Key())
}

func testUpdateMissing(t *testing.T, b *bundle) {
	b.requireGone(t, newID(t))
}

func testUpdateImmutable(t *testing.T, b *bundle) {
	s := b.newSession(t, b.newUser(t))
	id := b.create(t, s)

	for name, change := range map[string]func(*session.Session){
		"Scope":     func(s *session.Session) { s.Scope = "another scope" },
		"CreatedAt": func(s *session.Session) { s.CreatedAt = s.CreatedAt.Add(-time.Hour) },
	} {
		err := b.store.Update(t.Context(), id, func(got *session.Session) error {
			got.UserAgent = "must not be stored"
			change(got)
			return nil
		})
		require.ErrorIs(t, err, session.ErrImmutable, name)
		b.requireLive(t, id, s)
	}
}

func testDeleteThenGet(t *testing.T, b *bundle) {
	keep := b.newSession(t, 0)
	keepID := b.create(t, keep)
	id := b.create(t, b.newSession(t, b.newUser(t)))

	require.NoError(t, b.store.Delete(t.Context(), id))
	b.requireGone(t, id)
	require.ErrorIs(t, b.store.Delete(t.Context(), id), session.ErrNotFound)
	b.requireLive(t, keepID, keep)
}

func testDeleteMissing(t *testing.T, b *bundle) {
	require.ErrorIs(t, b.store.Delete(t.Context(), newID(t)), session.ErrNotFound)
}

func testDeleteExpiredSession(t *testing.T, b *bundle) {
	s := b.newSession(t, b.newUser(t))
	id := b.create(t, s)
	b.clock.Advance(s.IdleTimeout)

	require.ErrorIs(t, b.store.Delete(t.Context(), id), session.ErrNotFound)
	n, err := b.store.DeleteExpired(t.Context(), b.clock.Now())
	require.NoError(t, err)
	require.Zero(t, n, "Delete removes an expired session too")
}

func testListByUser(t *testing.T, b *bundle) {
	alice, bob := b.newUser(t), b.newUser(t)
	want := map[string]*session.Session{}
	for range 3 {
		s := b.newSession(t, alice)
		want[b.create(t, s).Key()] = s
	}
	short := b.newSession(t, alice)
	short.IdleTimeout = time.Minute
	b.create(t, short)
	b.create(t, b.newSession(t, bob))
	b.create(t, b.newSession(t, 0))

	requireList(t, b, alice, want, short)
	b.clock.Advance(time.Minute) // short has gone idle
	requireList(t, b, alice, want)

	list, err := b.store.ListByUser(t.Context(), 0)
	require.NoError(t, err)
	require.NotNil(t, list)
	require.Empty(t, list, "anonymous sessions are never listed")

	list, err = b.store.ListByUser(t.Context(), b.newUser(t))
	require.NoError(t, err)
	require.NotNil(t, list)
	require.Empty(t, list)
}

// requireList asserts that userID's sessions are exactly want, plus extra
// (whose keys the caller does not know; matched by value).
func requireList(t *testing.T, b *bundle, userID int, want map[string]*session.Session, extra ...*session.Session) {
	t.Helper()
	got, err := b.store.ListByUser(t.Context(), userID)
	require.NoError(t, err)
	require.Len(t, got, len(want)+len(extra))
	for key, w := range want {
		require.Contains(t, got, key)
		requireEqual(t, w, got[key])
	}
	for _, w := range extra {
		found := false
		for key, g := range got {
			if _, known := want[key]; !known && g.Scope == w.Scope {
				requireEqual(t, w, g)
				found = true
			}
		}
		require.True(t, found, "session with scope %s not listed", w.Scope)
	}
}

func testListByUserFollowsUpdate(t *testing.T, b *bundle) {
	alice, bob := b.newUser(t), b.newUser(t)
	s := b.newSession(t, 0)
	id := b.create(t, s)
	setUser := func(userID int) {
		t.Helper()
		require.NoError(t, b.store.Update(t.Context(), id, func(s *session.Session) error {
			s.UserID = userID
			return nil
		}))
	}
	listed := func(userID int) bool {
		t.Helper()
		list, err := b.store.ListByUser(t.Context(), userID)
		require.NoError(t, err)
		got, ok := list[id.Key()]
		if ok {
			require.Equal(t, userID, got.UserID)
		}
		return ok
	}

	require.False(t, listed(alice))
	setUser(alice) // login
	require.True(t, listed(alice))
	require.False(t, listed(bob))
	setUser(bob)
	require.False(t, listed(alice))
	require.True(t, listed(bob))
	setUser(0)
	require.False(t, listed(alice))
	require.False(t, listed(bob))
	setUser(alice)
	require.True(t, listed(alice))
}

func testListByUserAfterDelete(t *testing.T, b *bundle) {
	alice := b.newUser(t)
	keep := b.newSession(t, alice)
	keepID := b.create(t, keep)
	id := b.create(t, b.newSession(t, alice))
	require.NoError(t, b.store.Delete(t.Context(), id))
	requireList(t, b, alice, map[string]*session.Session{keepID.Key(): keep})
}

func testDeleteByKey(t *testing.T, b *bundle) {
	alice := b.newUser(t)
	keep := b.newSession(t, alice)
	keepID := b.create(t, keep)
	id := b.create(t, b.newSession(t, alice))

	require.NoError(t, b.store.DeleteByKey(t.Context(), id.Key()))
	b.requireGone(t, id)
	requireList(t, b, alice, map[string]*session.Session{keepID.Key(): keep})
	require.ErrorIs(t, b.store.DeleteByKey(t.Context(), id.Key()), session.ErrNotFound)
	require.ErrorIs(t, b.store.DeleteByKey(t.Context(), newID(t).Key()), session.ErrNotFound)
	for _, bad := range []string{"", "*", string(keepID), "../" + keepID.Key()} {
		require.ErrorIs(t, b.store.DeleteByKey(t.Context(), bad), session.ErrNotFound, "key %q", bad)
	}
	b.requireLive(t, keepID, keep)
}

func testDeleteExpired(t *testing.T, b *bundle) {
	alice := b.newUser(t)
	idle := b.newSession(t, alice)
	idle.IdleTimeout = time.Minute
	idleID := b.create(t, idle)
	absolute := b.newSession(t, 0)
	absolute.ExpiresAt = absolute.CreatedAt.Add(time.Minute)
	absoluteID := b.create(t, absolute)
	live := b.newSession(t, alice)
	liveID := b.create(t, live)
	liveAnon := b.newSession(t, 0)
	liveAnonID := b.create(t, liveAnon)

	// Nothing has expired yet: nothing goes.
	n, err := b.store.DeleteExpired(t.Context(), b.clock.Advance(time.Minute-time.Nanosecond))
	require.NoError(t, err)
	require.Zero(t, n)
	for _, id := range []session.ID{idleID, absoluteID, liveID, liveAnonID} {
		_, err := b.store.Get(t.Context(), id)
		require.NoError(t, err)
	}

	now := b.clock.Advance(time.Nanosecond)
	n, err = b.store.DeleteExpired(t.Context(), now)
	require.NoError(t, err)
	require.Contains(t, []int{0, 2}, n, "all expired sessions, or 0 where the backend expires them itself")
	b.requireGone(t, idleID)
	b.requireGone(t, absoluteID)
	b.requireLive(t, liveID, live)
	b.requireLive(t, liveAnonID, liveAnon)
	requireList(t, b, alice, map[string]*session.Session{liveID.Key(): live})

	n, err = b.store.DeleteExpired(t.Context(), now)
	require.NoError(t, err)
	require.Zero(t, n)
}

func testIDsStoredHashed(t *testing.T, b *bundle) {
	inspector, ok := b.store.(Inspector)
	require.True(t, ok, "the store under test must implement sessiontest.Inspector (%T does not)", b.store)

	alice := b.newUser(t)
	moved := b.create(t, b.newSession(t, 0))
	require.NoError(t, b.store.Update(t.Context(), moved, func(s *session.Session) error {
		s.UserID = alice
		return nil
	}))
	ids := []session.ID{
		b.create(t, b.newSession(t, alice)),
		b.create(t, b.newSession(t, 0)),
		moved,
	}

	stored, err := inspector.StoredText(t.Context())
	require.NoError(t, err)
	text := strings.Join(stored, "\n")
	for _, id := range ids {
		require.NotContains(t, text, string(id), "a raw session ID is stored")
		require.Contains(t, text, id.Key(), "a session's key is not stored (does StoredText see everything?)")
	}
}
