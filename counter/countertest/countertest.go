// Package countertest is the conformance suite of counter.Store: every
// backend runs Run against itself, with a fake Clock that it must use as
// its notion of now.
//
// Storage details the contract cannot see (that SQL's DeleteExpired really
// removes rows) are tested by each backend's own tests.
package countertest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/counter"
)

// NewStoreFunc returns a new, empty store for the test t that reads the
// time from clock. The store is discarded when t ends.
type NewStoreFunc func(t *testing.T, clock *Clock) counter.Store

// testBundle is what every subtest works with.
type testBundle struct {
	clock *Clock
	store counter.Store
}

func setup(t *testing.T, newStore NewStoreFunc) *testBundle {
	t.Helper()
	clock := NewClock()
	return &testBundle{clock: clock, store: newStore(t, clock)}
}

// add adds and requires success and the value want.
func (b *testBundle) add(t *testing.T, key string, delta int64, ttl time.Duration, w counter.Window, want int64) {
	t.Helper()
	got, err := b.store.Add(t.Context(), key, delta, ttl, w)
	require.NoError(t, err)
	require.Equal(t, want, got, "Add(%q, %d)", key, delta)
}

// requireValue requires that key reads as want.
func (b *testBundle) requireValue(t *testing.T, key string, want int64) {
	t.Helper()
	got, err := b.store.Get(t.Context(), key)
	require.NoError(t, err)
	require.Equal(t, want, got, "Get(%q)", key)
}

// Run runs the contract against stores made by newStore: one new store per
// subtest, all subtests in parallel.
func Run(t *testing.T, newStore NewStoreFunc) {
	t.Helper()
	const ttl = 10 * time.Minute

	t.Run("AddGet", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		b.add(t, "k", 1, ttl, counter.Fixed, 1)
		b.add(t, "k", 2, ttl, counter.Fixed, 3)
		b.add(t, "k", 0, ttl, counter.Fixed, 3)
		b.requireValue(t, "k", 3)
	})

	t.Run("NegativeDelta", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		b.add(t, "k", -5, ttl, counter.Sliding, -5)
		b.add(t, "k", 3, ttl, counter.Sliding, -2)
		b.add(t, "k", -1, ttl, counter.Sliding, -3)
		b.requireValue(t, "k", -3)
	})

	t.Run("LargeValues", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		const big = int64(1) << 60 // beyond float64's exact integers
		b.add(t, "k", big, ttl, counter.Forever, big)
		b.add(t, "k", 1, ttl, counter.Forever, big+1)
		b.requireValue(t, "k", big+1)
	})

	t.Run("MissingIsZero", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		b.requireValue(t, "missing", 0)
	})

	t.Run("KeysAreIndependent", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		b.add(t, "a", 1, ttl, counter.Fixed, 1)
		b.add(t, "b", 5, ttl, counter.Fixed, 5)
		b.add(t, "a:b", 7, ttl, counter.Fixed, 7)
		b.requireValue(t, "a", 1)
		b.requireValue(t, "b", 5)
	})

	t.Run("FixedWindow", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		b.add(t, "k", 1, ttl, counter.Fixed, 1)
		b.clock.Advance(6 * time.Minute)
		b.add(t, "k", 1, ttl, counter.Fixed, 2) // does not move the expiry
		b.clock.Advance(4*time.Minute - time.Millisecond)
		b.requireValue(t, "k", 2)
		b.clock.Advance(time.Millisecond) // first Add + ttl
		b.requireValue(t, "k", 0)
	})

	t.Run("SlidingWindow", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		b.add(t, "k", 1, ttl, counter.Sliding, 1)
		for i := range 3 {
			b.clock.Advance(6 * time.Minute)
			b.add(t, "k", 1, ttl, counter.Sliding, int64(i+2))
		}
		// 18 minutes after the first Add, it lives on.
		b.clock.Advance(ttl - time.Millisecond)
		b.requireValue(t, "k", 4)
		b.clock.Advance(time.Millisecond) // last Add + ttl
		b.requireValue(t, "k", 0)
	})

	t.Run("Forever", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		b.add(t, "k", 1, 0, counter.Forever, 1)
		b.clock.Advance(100 * 365 * 24 * time.Hour)
		b.requireValue(t, "k", 1)
		b.add(t, "k", 1, time.Second, counter.Forever, 2)
		b.clock.Advance(time.Hour)
		b.requireValue(t, "k", 2)
	})

	t.Run("ForeverRemovesExpiry", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		b.add(t, "k", 1, time.Minute, counter.Fixed, 1)
		b.add(t, "k", 1, time.Minute, counter.Forever, 2)
		b.clock.Advance(time.Hour)
		b.requireValue(t, "k", 2)
	})

	t.Run("FixedKeepsNoExpiry", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		b.add(t, "k", 1, 0, counter.Forever, 1)
		b.add(t, "k", 1, time.Minute, counter.Fixed, 2) // a live counter keeps its expiry: none
		b.clock.Advance(time.Hour)
		b.requireValue(t, "k", 2)
	})

	t.Run("SlidingSetsExpiry", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		b.add(t, "k", 1, 0, counter.Forever, 1)
		b.add(t, "k", 1, time.Minute, counter.Sliding, 2)
		b.clock.Advance(time.Minute)
		b.requireValue(t, "k", 0)
	})

	t.Run("ExpiredRestartsFromZero", func(t *testing.T) {
		t.Parallel()
		for name, w := range map[string]counter.Window{"Fixed": counter.Fixed, "Sliding": counter.Sliding} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				b := setup(t, newStore)
				b.add(t, "k", 5, time.Minute, w, 5)
				b.clock.Advance(time.Minute)
				b.add(t, "k", 1, time.Minute, w, 1)
				// The restarted counter has a new expiry, a ttl from now.
				b.clock.Advance(time.Minute - time.Millisecond)
				b.requireValue(t, "k", 1)
				b.clock.Advance(time.Millisecond)
				b.requireValue(t, "k", 0)

				// Restarting as Forever leaves no expiry.
				b.add(t, "k", 3, time.Minute, counter.Forever, 3)
				b.clock.Advance(time.Hour)
				b.requireValue(t, "k", 3)
			})
		}
	})

	t.Run("Delete", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		b.add(t, "k", 5, ttl, counter.Fixed, 5)
		b.add(t, "other", 5, ttl, counter.Fixed, 5)
		require.NoError(t, b.store.Delete(t.Context(), "k"))
		b.requireValue(t, "k", 0)
		b.requireValue(t, "other", 5)
		require.NoError(t, b.store.Delete(t.Context(), "k"), "deleting a missing counter is fine")
		b.add(t, "k", 1, ttl, counter.Fixed, 1)
	})

	t.Run("DeleteExpired", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		b.add(t, "fixed", 1, time.Minute, counter.Fixed, 1)
		b.add(t, "sliding", 2, time.Hour, counter.Sliding, 2)
		b.add(t, "forever", 3, 0, counter.Forever, 3)
		b.clock.Advance(time.Minute)

		n, err := b.store.DeleteExpired(t.Context(), b.clock.Now())
		require.NoError(t, err)
		require.Contains(t, []int{0, 1}, n, "native-expiry stores report 0, others the one expired counter")
		n, err = b.store.DeleteExpired(t.Context(), b.clock.Now())
		require.NoError(t, err)
		require.Zero(t, n, "a second run finds nothing")

		b.requireValue(t, "fixed", 0)
		b.requireValue(t, "sliding", 2)
		b.requireValue(t, "forever", 3)
	})

	t.Run("InvalidArguments", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		b.add(t, "k", 1, time.Minute, counter.Fixed, 1)
		for _, tt := range []struct {
			name   string
			ttl    time.Duration
			window counter.Window
		}{
			{"FixedZeroTTL", 0, counter.Fixed},
			{"SlidingNegativeTTL", -time.Minute, counter.Sliding},
			{"UnknownWindow", time.Minute, counter.Window(42)},
		} {
			_, err := b.store.Add(t.Context(), "k", 1, tt.ttl, tt.window)
			require.Error(t, err, tt.name)
		}
		b.requireValue(t, "k", 1)
	})

	t.Run("ConcurrentAdds", func(t *testing.T) {
		t.Parallel()
		const workers, adds = 50, 20
		b := setup(t, newStore)
		var (
			wg      sync.WaitGroup
			start   = make(chan struct{})
			errs    = make(chan error, workers)
			results = make(chan int64, workers*adds)
		)
		for i := range workers {
			wg.Go(func() {
				<-start
				w := []counter.Window{counter.Fixed, counter.Sliding}[i%2]
				for range adds {
					v, err := b.store.Add(t.Context(), "k", 1, time.Hour, w)
					if err != nil {
						errs <- err
						return
					}
					results <- v
				}
			})
		}
		close(start)
		wg.Wait()
		close(errs)
		close(results)
		for err := range errs {
			require.NoError(t, err)
		}
		b.requireValue(t, "k", workers*adds)
		// Every Add saw its own value: each of 1..1000 exactly once.
		var seen []int64
		for v := range results {
			seen = append(seen, v)
		}
		slices.Sort(seen)
		want := make([]int64, workers*adds)
		for i := range want {
			want[i] = int64(i + 1)
		}
		require.Equal(t, want, seen)
	})
}
