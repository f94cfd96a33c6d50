package problem_test

import (
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/problem"
)

func TestUnavailable(t *testing.T) {
	t.Parallel()
	require.NoError(t, problem.Unavailable(nil))

	cause := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	err := fmt.Errorf("get session: %w", problem.Unavailable(cause))
	require.ErrorIs(t, err, problem.ErrUnavailable)
	var opErr *net.OpError
	require.ErrorAs(t, err, &opErr, "the cause stays reachable for logs and callers")
	require.Same(t, cause, opErr)
	require.Equal(t, "get session: "+cause.Error(), err.Error(), "the message is the cause's")
	require.NotErrorIs(t, cause, problem.ErrUnavailable)
}
