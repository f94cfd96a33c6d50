// Package counter keeps named integers that expire: reputation scores
// (package reputation), failed-attempt counts for throttling, and
// generation numbers for cache invalidation. With Redis they live there
// (redisstore), without it in the SQL database (sqlstore); both pass the
// conformance suite in countertest. Every operation is atomic across
// servers.
package counter

import (
	"context"
	"time"
)

// Window says how a counter's expiry moves.
type Window int

const (
	// Fixed sets the expiry when the counter is created and never moves it:
	// "at most N failures per 15 minutes from the first one".
	Fixed Window = iota
	// Sliding pushes the expiry to now+TTL on every Add: "forget the score
	// after 30 days without activity".
	Sliding
	// Forever never expires the counter; TTL is ignored.
	Forever
)

// Store keeps counters. A counter is live while it has no expiry or its
// expiry is after now (by the store's clock); a missing or expired counter
// reads as 0. Implementations are safe for concurrent use and honour
// exactly this contract, which countertest checks. A backend that does not
// answer gives an error wrapping problem.ErrUnavailable: a counter that
// cannot be read is not 0.
type Store interface {
	// Add adds delta (which may be negative) to key and returns the new
	// value, atomically: concurrent Adds never lose an increment, and each
	// returns the value its own delta produced. A missing or expired
	// counter starts from 0 with a fresh expiry of now+ttl (Fixed,
	// Sliding) or none (Forever). On a live counter, Fixed keeps the
	// expiry as it is (none included), Sliding moves it to now+ttl and
	// Forever removes it. Add returns an error and changes nothing when
	// window is unknown, or ttl is not positive for Fixed and Sliding.
	Add(ctx context.Context, key string, delta int64, ttl time.Duration, window Window) (int64, error)
	// Get returns the value of key, 0 when missing or expired.
	Get(ctx context.Context, key string) (int64, error)
	// Delete forgets key; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// DeleteExpired removes counters expired at now and returns how many.
	// Stores with native expiry (Redis) may return 0.
	DeleteExpired(ctx context.Context, now time.Time) (int, error)
}
