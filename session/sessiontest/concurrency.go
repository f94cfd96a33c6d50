package sessiontest

// The compare-and-set and race tests RunConcurrency runs.

import (
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/session"
)

// startTogether runs fn in n goroutines released at once and waits for
// them; fn receives its goroutine's number.
func startTogether(n int, fn func(i int)) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			fn(i)
		})
	}
	close(start)
	wg.Wait()
}

func testConcurrentUpdate(t *testing.T, b *bundle) {
	s := b.newSession(t, b.newUser(t))
	s.UserAgent = "0"
	id := b.create(t, s)

	errs := make([]error, Concurrency)
	var calls atomic.Int64
	startTogether(Concurrency, func(i int) {
		errs[i] = b.store.Update(t.Context(), id, func(s *session.Session) error {
			calls.Add(1)
			n, err := strconv.Atoi(s.UserAgent)
			if err != nil {
				return err
			}
			s.UserAgent = strconv.Itoa(n + 1)
			return nil
		})
	})
	for _, err := range errs {
		require.NoError(t, err)
	}
	got, err := b.store.Get(t.Context(), id)
	require.NoError(t, err)
	require.Equal(t, strconv.Itoa(Concurrency), got.UserAgent, "an update was lost")
	require.GreaterOrEqual(t, calls.Load(), int64(Concurrency))
}

func testConcurrentCreate(t *testing.T, b *bundle) {
	id := newID(t)
	user := b.newUser(t)
	sessions := make([]*session.Session, Concurrency)
	for i := range sessions {
		sessions[i] = b.newSession(t, user)
		sessions[i].UserAgent = strconv.Itoa(i)
	}
	errs := make([]error, Concurrency)
	startTogether(Concurrency, func(i int) {
		errs[i] = b.store.Create(t.Context(), id, sessions[i])
	})
	winner := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, winner, "two Creates of one ID succeeded")
			winner = i
			continue
		}
		require.ErrorIs(t, err, session.ErrAlreadyExists)
	}
	require.NotEqual(t, -1, winner, "no Create succeeded")
	b.requireLive(t, id, sessions[winner])
	requireList(t, b, user, map[string]*session.Session{id.Key(): sessions[winner]})
}

func testConcurrentMoveAndDelete(t *testing.T, b *bundle) {
	alice := b.newUser(t)
	ids := make([]session.ID, Concurrency)
	for i := range ids {
		ids[i] = b.create(t, b.newSession(t, 0))
	}
	errs := make([]error, 2*Concurrency)
	startTogether(2*Concurrency, func(i int) {
		id := ids[i/2]
		if i%2 == 0 {
			errs[i] = b.store.Update(t.Context(), id, func(s *session.Session) error {
				s.UserID = alice
				return nil
			})
			if errors.Is(errs[i], session.ErrNotFound) {
				errs[i] = nil // the Delete came first
			}
			return
		}
		errs[i] = b.store.Delete(t.Context(), id)
	})
	for _, err := range errs {
		require.NoError(t, err)
	}
	for _, id := range ids {
		b.requireGone(t, id)
	}
	list, err := b.store.ListByUser(t.Context(), alice)
	require.NoError(t, err)
	require.Empty(t, list, "a deleted session is still listed")
	b.requireActive(t, 0, "a deleted session is still counted")
}
