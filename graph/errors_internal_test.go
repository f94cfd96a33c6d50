package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/privacy"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/requestinfo"
)

func TestPresentErrorHidesInternals(t *testing.T) {
	t.Parallel()
	ctx := requestinfo.NewContext(context.Background(), requestinfo.Info{RequestID: "req-42"})
	present := presentError(slog.New(slog.DiscardHandler))

	got := present(ctx, fmt.Errorf("load flow: %w", errors.New(`pq: relation "flows" does not exist at 10.0.0.5`)))
	require.Equal(t, CodeInternalError, got.Extensions["code"])
	require.Equal(t, "req-42", got.Extensions["requestId"])
	require.NotContains(t, got.Message, "relation")
	require.NotContains(t, got.Message, "10.0.0.5")

	got = present(ctx, recoverPanic(slog.New(slog.DiscardHandler))(ctx, "nil map write in resolver"))
	require.Equal(t, CodeInternalError, got.Extensions["code"])
	require.NotContains(t, got.Message, "nil map")
}

func TestPresentErrorCodes(t *testing.T) {
	t.Parallel()
	anon := context.Background()
	user := viewer.NewContext(anon, viewer.Viewer{Kind: viewer.User, UserID: 1})
	cancelled, cancel := context.WithCancel(user)
	cancel()
	present := presentError(slog.New(slog.DiscardHandler))
	for _, c := range []struct {
		ctx  context.Context
		err  error
		code string
	}{
		{anon, privacy.Denyf("nope"), CodeUnauthenticated},
		{user, privacy.Denyf("nope"), CodeForbidden},
		{user, fmt.Errorf("wrapped: %w", problem.ErrForbidden), CodeForbidden},
		{user, problem.Invalid("config.user_fields", "bad"), CodeValidationFailed},
		{user, &problem.ConflictError{Type: "flow", Field: "slug", Value: "x"}, CodeConflict},
		{user, &problem.ReferencedError{Type: "stage", Name: "s"}, CodeReferenced},
		{user, &problem.RateLimitedError{Message: "slow down"}, CodeRateLimited},
		{user, fmt.Errorf("resume session: %w", problem.Unavailable(errors.New("dial unix /run/redis.sock: connect: no such file"))), CodeUnavailable},
		{user, &pgconn.PgError{Code: "57P01"}, CodeUnavailable},
		{user, problem.Unavailable(context.DeadlineExceeded), CodeUnavailable},
		{user, fmt.Errorf("query: %w", context.DeadlineExceeded), CodeUnavailable}, // a driver's timeout, the request alive
		{cancelled, context.DeadlineExceeded, CodeCancelled},                       // the request itself ended
	} {
		got := present(c.ctx, c.err)
		require.Equal(t, c.code, got.Extensions["code"], "%v", c.err)
	}
	require.Equal(t, "config.userFields", present(user, problem.Invalid("config.user_fields", "bad")).Extensions["field"])
}

func TestPresentErrorUnavailable(t *testing.T) {
	t.Parallel()
	ctx := requestinfo.NewContext(context.Background(), requestinfo.Info{RequestID: "req-7"})
	var logs bytes.Buffer
	present := presentError(slog.New(slog.NewTextHandler(&logs, nil)))
	got := present(ctx, fmt.Errorf("start session: %w", problem.Unavailable(errors.New("dial tcp 10.0.0.9:6379: connection refused"))))
	require.Equal(t, CodeUnavailable, got.Extensions["code"])
	require.Equal(t, "req-7", got.Extensions["requestId"])
	require.NotContains(t, got.Message, "10.0.0.9", "the cause is logged, not shown")
	require.Contains(t, logs.String(), "10.0.0.9")
	require.Contains(t, logs.String(), "request_id=req-7")
}
