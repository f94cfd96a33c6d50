package servicetest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

func TestPrivateRedisStopRestore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := servicetest.StartPrivateRedis(t)
	c := r.Client(t)
	require.NoError(t, c.Set(ctx, "k", "before", 0).Err())
	snap := r.Snapshot(t)
	require.NoError(t, c.Set(ctx, "k", "after", 0).Err())

	r.Stop(t)
	require.Error(t, c.Get(ctx, "k").Err(), "a stopped server does not answer")

	r.Restore(t, snap)
	v, err := c.Get(ctx, "k").Result()
	require.NoError(t, err)
	require.Equal(t, "before", v, "a restore loses what was written after the snapshot")
}
