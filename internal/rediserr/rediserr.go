// Package rediserr decides, once for every Redis-backed store, which errors
// of a go-redis command mean that Redis did not answer: those are marked
// problem.ErrUnavailable, so that the API answers UNAVAILABLE (HTTP 503)
// rather than an internal error, and a session that could not be read is
// never mistaken for a missing one.
package rediserr

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-id/gatehouse/problem"
)

// Unavailable returns err, the error of a Redis command run with ctx,
// marked with problem.Unavailable — unless it is an answer rather than a
// failure (redis.Nil: no such key; redis.TxFailedErr: an optimistic
// transaction lost its race and is retried) or the end of ctx itself (the
// caller gave up; Redis may be fine), which it returns unchanged, as it does
// nil. Everything else — a refused or broken connection, a timeout, a
// closed client, an exhausted pool, an error reply — means Redis cannot
// serve the request now.
func Unavailable(ctx context.Context, err error) error {
	switch {
	case err == nil, errors.Is(err, redis.Nil), errors.Is(err, redis.TxFailedErr):
		return err
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return err
	}
	return problem.Unavailable(err)
}
