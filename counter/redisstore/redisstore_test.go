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
