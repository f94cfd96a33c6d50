package session_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/session"
)

// countingStore counts the Store reads of a session.
type countingStore struct {
	session.Store

	gets atomic.Int64
}

func (s *countingStore) Get(ctx context.Context, id session.ID) (*session.Session, error) {
	s.gets.Add(1)
	return s.Store.Get(ctx, id)
}

func TestRequestCache(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *testBundle) {
		store := &countingStore{Store: b.store}
		mgr := &session.Manager{Store: store, NowFunc: b.clock.Now}
		id, _ := b.start(t)
		b.clock.Advance(10 * time.Minute) // the first Resume records the use

		ctx := session.WithRequestCache(b.ctx)
		first, err := mgr.Resume(ctx, id)
		require.NoError(t, err)
		second, err := mgr.Resume(ctx, id)
		require.NoError(t, err)
		require.Equal(t, first, second)
		require.Equal(t, int64(1), store.gets.Load(), "one request reads its session once")

		// Without the cache (another request, a subscription) it is read again.
		_, err = mgr.Resume(session.WithoutRequestCache(ctx), id)
		require.NoError(t, err)
		require.Equal(t, int64(2), store.gets.Load())

		// A logout through the request forgets the session at once.
		require.NoError(t, mgr.Logout(ctx, id))
		_, err = mgr.Resume(ctx, id)
		require.ErrorIs(t, err, session.ErrNotFound)

		// A login through the request forgets the rotated ID.
		anon, _ := b.start(t)
		_, err = mgr.Resume(ctx, anon)
		require.NoError(t, err)
		_, _, err = mgr.Login(ctx, anon, b.newUser(t), session.LoginOptions{})
		require.NoError(t, err)
		_, err = mgr.Resume(ctx, anon)
		require.ErrorIs(t, err, session.ErrNotFound)
	})
}
