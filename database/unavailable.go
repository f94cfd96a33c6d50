package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// IsUnavailable reports whether err, returned by a database operation run
// with ctx, means that the database did not answer, so that the same
// request may succeed later: a connection that could not be made or broke
// (pgx's connect errors, network errors, a connection closed under a query
// or by the pool), a server that is shutting down, starting or out of
// connections (SQLSTATE class 08, 57P01–57P03, 53300), or the driver giving
// up waiting (a pool or connect timeout) while ctx itself is still alive.
// Once ctx has ended it reports false: the caller gave up, whatever the
// database did. It classifies by type and SQLSTATE, never by message.
func IsUnavailable(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() != nil {
		return false
	}
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch pgErr.Code {
		case "57P01", "57P02", "57P03", "53300": // admin/crash shutdown, cannot connect now, too many connections
			return true
		}
		return strings.HasPrefix(pgErr.Code, "08") // connection exception
	}
	if _, ok := errors.AsType[*pgconn.ConnectError](err); ok {
		return true
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return true
	}
	return pgconn.Timeout(err) ||
		errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.ErrUnexpectedEOF)
}
