package database_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/database"
)

func TestIsUnavailable(t *testing.T) {
	t.Parallel()
	// A connection to a port nobody listens on is refused: a real pgx
	// connect error, as a query on a pool whose server is down gets.
	l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	connectCtx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	_, refused := pgconn.Connect(connectCtx, "postgres://gatehouse@"+addr+"/gatehouse?sslmode=disable&connect_timeout=5")
	require.Error(t, refused)

	alive := t.Context()
	ended, end := context.WithCancel(t.Context())
	end()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		err  error
		want bool
	}{
		{name: "nil", ctx: alive},
		{name: "connection refused", ctx: alive, err: fmt.Errorf("load flow: %w", refused), want: true},
		{name: "connection refused after the caller gave up", ctx: ended, err: refused},
		{name: "connection exception", ctx: alive, err: &pgconn.PgError{Code: "08006"}, want: true},
		{name: "server shutting down", ctx: alive, err: &pgconn.PgError{Code: "57P01"}, want: true},
		{name: "server starting", ctx: alive, err: &pgconn.PgError{Code: "57P03"}, want: true},
		{name: "too many connections", ctx: alive, err: &pgconn.PgError{Code: "53300"}, want: true},
		{name: "unique violation", ctx: alive, err: &pgconn.PgError{Code: "23505"}},
		{name: "syntax error", ctx: alive, err: &pgconn.PgError{Code: "42601"}},
		{name: "network error", ctx: alive, err: &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}, want: true},
		{name: "connection lost mid-query", ctx: alive, err: fmt.Errorf("query: %w", io.ErrUnexpectedEOF), want: true},
		{name: "bad pooled connection", ctx: alive, err: driver.ErrBadConn, want: true},
		{name: "driver timeout while the request lives", ctx: alive, err: context.DeadlineExceeded, want: true},
		{name: "the request's own end", ctx: ended, err: context.Canceled},
		{name: "anything else", ctx: alive, err: errors.New("boom")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, database.IsUnavailable(tc.ctx, tc.err), "%v", tc.err)
		})
	}
}
