package rediserr_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/rediserr"
	"github.com/gatehouse-id/gatehouse/problem"
)

func TestUnavailable(t *testing.T) {
	t.Parallel()
	refused := &net.OpError{Op: "dial", Net: "unix", Err: errors.New("connect: no such file or directory")}
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	for _, tc := range []struct {
		name        string
		ctx         context.Context
		err         error
		unavailable bool
	}{
		{name: "nil", ctx: t.Context(), err: nil},
		{name: "no such key", ctx: t.Context(), err: redis.Nil},
		{name: "lost optimistic race", ctx: t.Context(), err: fmt.Errorf("update: %w", redis.TxFailedErr)},
		{name: "the caller gave up", ctx: cancelled, err: context.Canceled},
		{name: "connection refused", ctx: t.Context(), err: refused, unavailable: true},
		{name: "connection refused after the caller gave up", ctx: cancelled, err: refused, unavailable: true},
		{name: "client closed", ctx: t.Context(), err: redis.ErrClosed, unavailable: true},
		{name: "pool exhausted", ctx: t.Context(), err: redis.ErrPoolTimeout, unavailable: true},
		{name: "a deadline of go-redis's own", ctx: t.Context(), err: context.DeadlineExceeded, unavailable: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := rediserr.Unavailable(tc.ctx, tc.err)
			require.Equal(t, tc.unavailable, errors.Is(got, problem.ErrUnavailable))
			if tc.err == nil {
				require.NoError(t, got)
				return
			}
			require.ErrorIs(t, got, tc.err, "the cause stays reachable")
			require.Equal(t, tc.err.Error(), got.Error(), "the cause's message is kept")
		})
	}
}
