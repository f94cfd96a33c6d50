package redisstore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/counter/countertest"
	"github.com/gatehouse-id/gatehouse/counter/redisstore"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/problem"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestStore(t *testing.T) {
	t.Parallel()
	countertest.Run(t, func(t *testing.T, clock *countertest.Clock) counter.Store {
		t.Helper()
		client, prefix := servicetest.Redis(t)
		return redisstore.New(client, prefix, &redisstore.Options{NowFunc: clock.Now})
	})
}

func TestNativeExpiry(t *testing.T) {
	t.Parallel()
	client, prefix := servicetest.Redis(t)
	clock := countertest.NewClock()
	store := redisstore.New(client, prefix, &redisstore.Options{NowFunc: clock.Now})
	key := prefix + "counter:k"

	requireExpireTime := func(t *testing.T, want time.Time) {
		t.Helper()
		got, err := client.PExpireTime(t.Context(), key).Result()
		require.NoError(t, err)
		if want.IsZero() {
			require.Equal(t, time.Duration(-1), got, "no expiry")
			return
		}
		require.Equal(t, want.UnixMilli(), got.Milliseconds())
	}

	_, err := store.Add(t.Context(), "k", 1, time.Hour, counter.Fixed)
	require.NoError(t, err)
	first := clock.Now().Add(time.Hour)
	requireExpireTime(t, first)

	clock.Advance(time.Minute)
	_, err = store.Add(t.Context(), "k", 1, time.Hour, counter.Fixed)
	require.NoError(t, err)
	requireExpireTime(t, first)

	_, err = store.Add(t.Context(), "k", 1, time.Hour, counter.Sliding)
	require.NoError(t, err)
	requireExpireTime(t, clock.Now().Add(time.Hour))

	_, err = store.Add(t.Context(), "k", 1, 0, counter.Forever)
	require.NoError(t, err)
	requireExpireTime(t, time.Time{})
}

// TestRedisDownIsUnavailable stops Redis under a store: every method must
// fail with problem.ErrUnavailable (a counter that cannot be read is not
// zero).
func TestRedisDownIsUnavailable(t *testing.T) {
	t.Parallel()
	pr := servicetest.StartPrivateRedis(t)
	clock := countertest.NewClock()
	store := redisstore.New(pr.OutageClient(t), "test:", &redisstore.Options{NowFunc: clock.Now})
	ctx := t.Context()
	_, err := store.Add(ctx, "k", 3, time.Hour, counter.Fixed)
	require.NoError(t, err)
	pr.Stop(t)

	_, err = store.Add(ctx, "k", 1, time.Hour, counter.Fixed)
	require.ErrorIs(t, err, problem.ErrUnavailable)
	n, err := store.Get(ctx, "k")
	require.ErrorIs(t, err, problem.ErrUnavailable)
	require.Zero(t, n)
	require.ErrorIs(t, store.Delete(ctx, "k"), problem.ErrUnavailable)
}
