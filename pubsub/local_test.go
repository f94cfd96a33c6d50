package pubsub_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/pubsub"
	"github.com/gatehouse-id/gatehouse/pubsub/pubsubtest"
)

func TestLocal(t *testing.T) {
	t.Parallel()
	pubsubtest.Run(t, func(*testing.T) pubsub.Broker { return pubsub.NewLocal(nil) })
}

func TestLocalBufferSize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		size, want int
	}{
		{0, pubsub.DefaultBufferSize},
		{-1, pubsub.DefaultBufferSize},
		{3, 3},
	} {
		b := pubsub.NewLocal(&pubsub.Options{BufferSize: tc.size})
		ch, err := b.Subscribe(t.Context(), "sized")
		require.NoError(t, err)
		require.Equal(t, tc.want, cap(ch), "BufferSize %d", tc.size)
		require.NoError(t, b.Close())
	}
}
