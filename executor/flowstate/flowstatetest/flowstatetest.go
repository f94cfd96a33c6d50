// Package flowstatetest is the conformance suite of flowstate.Store: every
// backend runs Run (and RunConcurrency) against itself, with a fake Clock
// that it must use as its notion of now.
//
// Storage details the contract cannot see (that IDs are stored only hashed,
// that SQL's DeleteExpired really removes rows) are tested by each backend's
// own tests.
package flowstatetest

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor/flowstate"
)

// NewStoreFunc returns a new, empty store for the test t that reads the
// time from clock. The store is discarded when t ends.
type NewStoreFunc func(t *testing.T, clock *Clock) flowstate.Store

// testBundle is what every subtest works with.
type testBundle struct {
	clock *Clock
	store flowstate.Store
}

func setup(t *testing.T, newStore NewStoreFunc) *testBundle {
	t.Helper()
	clock := NewClock()
	return &testBundle{clock: clock, store: newStore(t, clock)}
}

// newID returns a random execution ID shaped like the executor's.
func newID(t *testing.T) string {
	t.Helper()
	var b [32]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// requireRecord checks that id reads back as version, doc and expiresAt.
func requireRecord(t *testing.T, s flowstate.Store, id string, version int64, doc []byte, expiresAt time.Time) {
	t.Helper()
	rec, err := s.Get(t.Context(), id)
	require.NoError(t, err)
	require.Equal(t, version, rec.Version)
	require.True(t, bytes.Equal(doc, rec.Document), "document: want %d bytes, got %d bytes", len(doc), len(rec.Document))
	require.True(t, expiresAt.Equal(rec.ExpiresAt), "expires at: want %s, got %s", expiresAt, rec.ExpiresAt)
}

// Run runs the sequential part of the contract against stores made by
// newStore: one new store per subtest, all subtests in parallel.
func Run(t *testing.T, newStore NewStoreFunc) {
	t.Helper()

	t.Run("CreateGet", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		id, exp := newID(t), b.clock.Now().Add(time.Hour)
		require.NoError(t, b.store.Create(t.Context(), id, []byte(`{"stage":1}`), exp))
		requireRecord(t, b.store, id, 1, []byte(`{"stage":1}`), exp)
	})

	t.Run("CreateExisting", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		id, exp := newID(t), b.clock.Now().Add(time.Hour)
		require.NoError(t, b.store.Create(t.Context(), id, []byte("first"), exp))
		err := b.store.Create(t.Context(), id, []byte("second"), exp.Add(time.Hour))
		require.ErrorIs(t, err, flowstate.ErrAlreadyExists)
		requireRecord(t, b.store, id, 1, []byte("first"), exp)
	})

	t.Run("CreateOverExpired", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		id := newID(t)
		require.NoError(t, b.store.Create(t.Context(), id, []byte("old"), b.clock.Now().Add(time.Minute)))
		b.clock.Advance(time.Minute)
		exp := b.clock.Now().Add(time.Hour)
		require.NoError(t, b.store.Create(t.Context(), id, []byte("new"), exp))
		requireRecord(t, b.store, id, 1, []byte("new"), exp)
	})

	t.Run("GetUnknown", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		_, err := b.store.Get(t.Context(), newID(t))
		require.ErrorIs(t, err, flowstate.ErrNotFound)
	})

	t.Run("IDsAreIndependent", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		id1, id2, exp := newID(t), newID(t), b.clock.Now().Add(time.Hour)
		require.NoError(t, b.store.Create(t.Context(), id1, []byte("one"), exp))
		require.NoError(t, b.store.Create(t.Context(), id2, []byte("two"), exp))
		_, err := b.store.Update(t.Context(), id1, 1, []byte("one'"), exp)
		require.NoError(t, err)
		requireRecord(t, b.store, id1, 2, []byte("one'"), exp)
		requireRecord(t, b.store, id2, 1, []byte("two"), exp)
	})

	t.Run("EmptyDocument", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		id, exp := newID(t), b.clock.Now().Add(time.Hour)
		require.NoError(t, b.store.Create(t.Context(), id, nil, exp))
		rec, err := b.store.Get(t.Context(), id)
		require.NoError(t, err)
		require.Empty(t, rec.Document)
	})

	t.Run("Update", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		id, exp := newID(t), b.clock.Now().Add(time.Hour)
		require.NoError(t, b.store.Create(t.Context(), id, []byte("v1"), exp))
		v, err := b.store.Update(t.Context(), id, 1, []byte("v2"), exp)
		require.NoError(t, err)
		require.Equal(t, int64(2), v)
		requireRecord(t, b.store, id, 2, []byte("v2"), exp)
		v, err = b.store.Update(t.Context(), id, 2, []byte("v3"), exp)
		require.NoError(t, err)
		require.Equal(t, int64(3), v)
		requireRecord(t, b.store, id, 3, []byte("v3"), exp)
	})

	t.Run("UpdateStaleVersion", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		id, exp := newID(t), b.clock.Now().Add(time.Hour)
		require.NoError(t, b.store.Create(t.Context(), id, []byte("v1"), exp))
		_, err := b.store.Update(t.Context(), id, 1, []byte("v2"), exp)
		require.NoError(t, err)
		for _, stale := range []int64{1, 3, 0} { // behind, ahead, nonsense
			_, err = b.store.Update(t.Context(), id, stale, []byte("lost"), exp.Add(time.Hour))
			require.ErrorIs(t, err, flowstate.ErrConflict, "version %d", stale)
		}
		requireRecord(t, b.store, id, 2, []byte("v2"), exp)
	})

	t.Run("UpdateUnknown", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		_, err := b.store.Update(t.Context(), newID(t), 1, []byte("x"), b.clock.Now().Add(time.Hour))
		require.ErrorIs(t, err, flowstate.ErrNotFound)
	})

	t.Run("UpdateExpired", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		id := newID(t)
		require.NoError(t, b.store.Create(t.Context(), id, []byte("v1"), b.clock.Now().Add(time.Minute)))
		b.clock.Advance(time.Minute + time.Second)
		_, err := b.store.Update(t.Context(), id, 1, []byte("v2"), b.clock.Now().Add(time.Hour))
		require.ErrorIs(t, err, flowstate.ErrNotFound)
		_, err = b.store.Get(t.Context(), id)
		require.ErrorIs(t, err, flowstate.ErrNotFound, "an update must not revive an expired execution")
	})

	t.Run("UpdateExtendsExpiry", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		id := newID(t)
		require.NoError(t, b.store.Create(t.Context(), id, []byte("v1"), b.clock.Now().Add(time.Minute)))
		exp := b.clock.Now().Add(time.Hour)
		_, err := b.store.Update(t.Context(), id, 1, []byte("v2"), exp)
		require.NoError(t, err)
		b.clock.Advance(30 * time.Minute)
		requireRecord(t, b.store, id, 2, []byte("v2"), exp)
		b.clock.Advance(30 * time.Minute)
		_, err = b.store.Get(t.Context(), id)
		require.ErrorIs(t, err, flowstate.ErrNotFound)
	})

	t.Run("ExpiryBoundary", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		id, exp := newID(t), b.clock.Now().Add(time.Minute)
		require.NoError(t, b.store.Create(t.Context(), id, []byte("v1"), exp))
		b.clock.Advance(time.Minute - time.Millisecond)
		requireRecord(t, b.store, id, 1, []byte("v1"), exp)
		b.clock.Advance(time.Millisecond) // now == ExpiresAt: expired
		_, err := b.store.Get(t.Context(), id)
		require.ErrorIs(t, err, flowstate.ErrNotFound)
	})

	t.Run("Delete", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		id := newID(t)
		require.NoError(t, b.store.Create(t.Context(), id, []byte("v1"), b.clock.Now().Add(time.Hour)))
		require.NoError(t, b.store.Delete(t.Context(), id))
		_, err := b.store.Get(t.Context(), id)
		require.ErrorIs(t, err, flowstate.ErrNotFound)
		_, err = b.store.Update(t.Context(), id, 1, []byte("v2"), b.clock.Now().Add(time.Hour))
		require.ErrorIs(t, err, flowstate.ErrNotFound)
		require.ErrorIs(t, b.store.Delete(t.Context(), id), flowstate.ErrNotFound)
	})

	t.Run("DeleteUnknown", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		require.ErrorIs(t, b.store.Delete(t.Context(), newID(t)), flowstate.ErrNotFound)
	})

	t.Run("DeleteExpiredRecord", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		id := newID(t)
		require.NoError(t, b.store.Create(t.Context(), id, []byte("v1"), b.clock.Now().Add(time.Minute)))
		b.clock.Advance(time.Minute)
		require.ErrorIs(t, b.store.Delete(t.Context(), id), flowstate.ErrNotFound)
	})

	t.Run("DeleteExpired", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		expired, live := newID(t), newID(t)
		liveExp := b.clock.Now().Add(time.Hour)
		require.NoError(t, b.store.Create(t.Context(), expired, []byte("expired"), b.clock.Now().Add(time.Minute)))
		require.NoError(t, b.store.Create(t.Context(), live, []byte("live"), liveExp))
		b.clock.Advance(time.Minute)

		_, err := b.store.Get(t.Context(), expired)
		require.ErrorIs(t, err, flowstate.ErrNotFound)
		requireRecord(t, b.store, live, 1, []byte("live"), liveExp)

		n, err := b.store.DeleteExpired(t.Context(), b.clock.Now())
		require.NoError(t, err)
		require.Contains(t, []int{0, 1}, n, "native-expiry stores report 0, others the one expired record")
		n, err = b.store.DeleteExpired(t.Context(), b.clock.Now())
		require.NoError(t, err)
		require.Zero(t, n, "a second run finds nothing")

		_, err = b.store.Get(t.Context(), expired)
		require.ErrorIs(t, err, flowstate.ErrNotFound)
		requireRecord(t, b.store, live, 1, []byte("live"), liveExp)
	})

	t.Run("LargeDocument", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		doc := make([]byte, 1<<20)
		_, err := rand.Read(doc)
		require.NoError(t, err)
		id, exp := newID(t), b.clock.Now().Add(time.Hour)
		require.NoError(t, b.store.Create(t.Context(), id, doc, exp))
		requireRecord(t, b.store, id, 1, doc, exp)
		doc[0], doc[len(doc)-1] = ^doc[0], ^doc[len(doc)-1]
		_, err = b.store.Update(t.Context(), id, 1, doc, exp)
		require.NoError(t, err)
		requireRecord(t, b.store, id, 2, doc, exp)
	})
}

// RunConcurrency runs the compare-and-set part of the contract: concurrent
// Updates of one execution from many goroutines.
func RunConcurrency(t *testing.T, newStore NewStoreFunc) {
	t.Helper()
	const workers = 20

	t.Run("OneUpdatePerVersion", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		id, exp := newID(t), b.clock.Now().Add(time.Hour)
		require.NoError(t, b.store.Create(t.Context(), id, []byte("start"), exp))

		var (
			read    sync.WaitGroup // every worker has read the record
			wg      sync.WaitGroup
			start   = make(chan struct{})
			results = make(chan error, workers)
		)
		read.Add(workers)
		for i := range workers {
			wg.Go(func() {
				rec, err := b.store.Get(t.Context(), id)
				read.Done()
				<-start
				if err != nil {
					results <- err
					return
				}
				_, err = b.store.Update(t.Context(), id, rec.Version, []byte("worker "+strconv.Itoa(i)), exp)
				results <- err
			})
		}
		read.Wait()
		close(start)
		wg.Wait()
		close(results)

		var won, conflicts int
		for err := range results {
			switch {
			case err == nil:
				won++
			case errors.Is(err, flowstate.ErrConflict):
				conflicts++
			default:
				require.NoError(t, err)
			}
		}
		require.Equal(t, 1, won)
		require.Equal(t, workers-1, conflicts)
		rec, err := b.store.Get(t.Context(), id)
		require.NoError(t, err)
		require.Equal(t, int64(2), rec.Version)
		require.Contains(t, string(rec.Document), "worker ")
	})

	t.Run("NoLostUpdates", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		id, exp := newID(t), b.clock.Now().Add(time.Hour)
		require.NoError(t, b.store.Create(t.Context(), id, []byte("0"), exp))

		// increment reads the count, adds one and writes it back,
		// starting over whenever another worker got there first.
		increment := func() error {
			for {
				rec, err := b.store.Get(t.Context(), id)
				if err != nil {
					return err
				}
				n, err := strconv.Atoi(string(rec.Document))
				if err != nil {
					return err
				}
				_, err = b.store.Update(t.Context(), id, rec.Version, []byte(strconv.Itoa(n+1)), exp)
				if !errors.Is(err, flowstate.ErrConflict) {
					return err
				}
			}
		}

		var (
			wg      sync.WaitGroup
			start   = make(chan struct{})
			results = make(chan error, workers)
		)
		for range workers {
			wg.Go(func() {
				<-start
				results <- increment()
			})
		}
		close(start)
		wg.Wait()
		close(results)
		for err := range results {
			require.NoError(t, err)
		}
		requireRecord(t, b.store, id, 1+workers, []byte(strconv.Itoa(workers)), exp)
	})
}
