package redisstore_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gatehouse-id/gatehouse/executor/flowstate"
	"github.com/gatehouse-id/gatehouse/executor/flowstate/flowstatetest"
	"github.com/gatehouse-id/gatehouse/executor/flowstate/redisstore"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/problem"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func newStore(t *testing.T, clock *flowstatetest.Clock) flowstate.Store {
	t.Helper()
	client, prefix := servicetest.Redis(t)
	return redisstore.New(client, prefix, &redisstore.Options{NowFunc: clock.Now})
}

func TestStore(t *testing.T) {
	t.Parallel()
	flowstatetest.Run(t, newStore)
}

func TestStoreConcurrency(t *testing.T) {
	t.Parallel()
	flowstatetest.RunConcurrency(t, newStore)
}

type testBundle struct {
	client *redis.Client
	prefix string
	clock  *flowstatetest.Clock
	store  *redisstore.Store
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	client, prefix := servicetest.Redis(t)
	clock := flowstatetest.NewClock()
	return &testBundle{
		client: client,
		prefix: prefix,
		clock:  clock,
		store:  redisstore.New(client, prefix, &redisstore.Options{NowFunc: clock.Now}),
	}
}

// keys returns every key under the test's prefix.
func (b *testBundle) keys(t *testing.T) []string {
	t.Helper()
	var keys []string
	iter := b.client.Scan(t.Context(), 0, b.prefix+"*", 100).Iterator()
	for iter.Next(t.Context()) {
		keys = append(keys, iter.Val())
	}
	require.NoError(t, iter.Err())
	return keys
}

func TestLayout(t *testing.T) {
	t.Parallel()

	t.Run("KeyIsHashOfID", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		id := "raw-execution-id-" + servicetest.UniqueName("")
		require.NoError(t, b.store.Create(t.Context(), id, []byte("doc"), b.clock.Now().Add(time.Hour)))
		_, err := b.store.Update(t.Context(), id, 1, []byte("doc2"), b.clock.Now().Add(time.Hour))
		require.NoError(t, err)

		sum := sha256.Sum256([]byte(id))
		require.Equal(t, []string{b.prefix + "exec:" + hex.EncodeToString(sum[:])}, b.keys(t))
		for _, k := range b.keys(t) {
			require.NotContains(t, k, id)
			fields, err := b.client.HGetAll(t.Context(), k).Result()
			require.NoError(t, err)
			for name, val := range fields {
				require.NotContains(t, val, id, "field %s holds the raw id", name)
			}
		}
	})

	t.Run("NativeExpiryFollowsExpiresAt", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		id := "raw-execution-id"
		exp := b.clock.Now().Add(time.Hour)
		require.NoError(t, b.store.Create(t.Context(), id, []byte("doc"), exp))
		key := b.keys(t)[0]
		got, err := b.client.PExpireTime(t.Context(), key).Result()
		require.NoError(t, err)
		require.Equal(t, exp.UnixMilli(), got.Milliseconds())

		exp = exp.Add(time.Hour)
		_, err = b.store.Update(t.Context(), id, 1, []byte("doc2"), exp)
		require.NoError(t, err)
		got, err = b.client.PExpireTime(t.Context(), key).Result()
		require.NoError(t, err)
		require.Equal(t, exp.UnixMilli(), got.Milliseconds())
	})

	t.Run("DeleteRemovesKey", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		require.NoError(t, b.store.Create(t.Context(), "id", []byte("doc"), b.clock.Now().Add(time.Hour)))
		require.NoError(t, b.store.Delete(t.Context(), "id"))
		require.Empty(t, b.keys(t))
	})
}

// TestRedisDownIsUnavailable stops Redis under a store: every method must
// fail with problem.ErrUnavailable, none with ErrNotFound or ErrConflict.
func TestRedisDownIsUnavailable(t *testing.T) {
	t.Parallel()
	pr := servicetest.StartPrivateRedis(t)
	clock := flowstatetest.NewClock()
	store := redisstore.New(pr.OutageClient(t), "test:", &redisstore.Options{NowFunc: clock.Now})
	ctx := t.Context()
	expires := clock.Now().Add(time.Hour)
	require.NoError(t, store.Create(ctx, "id", []byte("doc"), expires))
	pr.Stop(t)

	for name, call := range map[string]func() error{
		"Create":     func() error { return store.Create(ctx, "other", []byte("doc"), expires) },
		"Get":        func() error { _, err := store.Get(ctx, "id"); return err },
		"Get absent": func() error { _, err := store.Get(ctx, "other"); return err },
		"Update":     func() error { _, err := store.Update(ctx, "id", 1, []byte("doc2"), expires); return err },
		"Delete":     func() error { return store.Delete(ctx, "id") },
	} {
		err := call()
		require.ErrorIs(t, err, problem.ErrUnavailable, name)
		require.NotErrorIs(t, err, flowstate.ErrNotFound, name)
		require.NotErrorIs(t, err, flowstate.ErrConflict, name)
	}
}
