// Package redisstore keeps counters in Redis, the production backend of
// counter.Store.
//
// Each counter is one hash at
//
//	<prefix>counter:<key>
//
// with the fields
//
//	n   the value, a decimal integer (HINCRBY)
//	x   the expiry in Unix milliseconds; absent for a counter that never
//	    expires
//
// and a native expiry (PEXPIREAT) at x, so Redis forgets expired counters
// by itself and DeleteExpired has nothing to do. Add is one Lua script, so
// the value and its expiry change together atomically; it touches one key,
// so the layout works on Redis Cluster too.
//
// Errors of Redis itself (a refused or broken connection, a timeout) are
// marked problem.ErrUnavailable (see internal/rediserr).
//
// Expiry is decided by the store's clock (Options.NowFunc), compared with
// x: a counter whose x is at or before now is treated as absent even while
// Redis still holds it. Expiry times are kept to the millisecond.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/internal/rediserr"
)

// Options configures a Store; the zero value (or nil) is the default.
type Options struct {
	// NowFunc is the clock that decides what has expired; nil means
	// time.Now.
	NowFunc func() time.Time
}

// Store is a counter.Store over a Redis client. It is safe for concurrent
// use.
type Store struct {
	client *redis.Client
	prefix string
	now    func() time.Time
}

var _ counter.Store = (*Store)(nil)

// New returns a Store that keeps counters under prefix in client.
func New(client *redis.Client, prefix string, opts *Options) *Store {
	s := &Store{client: client, prefix: prefix, now: time.Now}
	if opts != nil && opts.NowFunc != nil {
		s.now = opts.NowFunc
	}
	return s
}

// redisKey returns the Redis key of the counter key.
func (s *Store) redisKey(key string) string {
	return s.prefix + "counter:" + key
}

// addScript adds to a counter, restarting it from 0 if it is missing or
// expired, and sets its expiry by the window.
// KEYS[1] key; ARGV now (ms), delta, window (fixed|sliding|forever),
// now+ttl (ms). Returns the new value as a string, so that values beyond
// 2^53 survive Lua's floating-point numbers.
var addScript = redis.NewScript(`
local cur = redis.call('HMGET', KEYS[1], 'n', 'x')
local live = cur[1] and (not cur[2] or tonumber(cur[2]) > tonumber(ARGV[1]))
if not live then
	redis.call('DEL', KEYS[1])
end
redis.call('HINCRBY', KEYS[1], 'n', ARGV[2])
local w = ARGV[3]
if w == 'sliding' or (w == 'fixed' and not live) then
	redis.call('HSET', KEYS[1], 'x', ARGV[4])
	redis.call('PEXPIREAT', KEYS[1], ARGV[4])
elseif w == 'forever' then
	redis.call('HDEL', KEYS[1], 'x')
	redis.call('PERSIST', KEYS[1])
end
return redis.call('HGET', KEYS[1], 'n')
`)

// windowArg is how addScript names windows.
var windowArg = map[counter.Window]string{
	counter.Fixed:   "fixed",
	counter.Sliding: "sliding",
	counter.Forever: "forever",
}

// Add adds delta to key and returns the new value; see counter.Store. It
// returns an error, changing nothing, for an unknown window or a ttl that
// is not positive for Fixed and Sliding.
func (s *Store) Add(ctx context.Context, key string, delta int64, ttl time.Duration, window counter.Window) (int64, error) {
	w, ok := windowArg[window]
	if !ok {
		return 0, fmt.Errorf("add to counter: unknown window %d", window)
	}
	if window != counter.Forever && ttl <= 0 {
		return 0, fmt.Errorf("add to counter: ttl %s is not positive", ttl)
	}
	now := s.now()
	res, err := addScript.Run(ctx, s.client, []string{s.redisKey(key)},
		now.UnixMilli(), delta, w, now.Add(ttl).UnixMilli()).Text()
	if err != nil {
		return 0, fmt.Errorf("add to counter: %w", rediserr.Unavailable(ctx, err))
	}
	v, err := strconv.ParseInt(res, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("add to counter: bad value %q: %w", res, err)
	}
	return v, nil
}

// Get returns the value of key, 0 when it is missing or expired.
func (s *Store) Get(ctx context.Context, key string) (int64, error) {
	vals, err := s.client.HMGet(ctx, s.redisKey(key), "n", "x").Result()
	if err != nil {
		return 0, fmt.Errorf("get counter: %w", rediserr.Unavailable(ctx, err))
	}
	n, ok := vals[0].(string)
	if !ok {
		return 0, nil
	}
	if x, ok := vals[1].(string); ok {
		expiresMs, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("get counter: bad expiry %q: %w", x, err)
		}
		if expiresMs <= s.now().UnixMilli() {
			return 0, nil
		}
	}
	v, err := strconv.ParseInt(n, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("get counter: bad value %q: %w", n, err)
	}
	return v, nil
}

// Delete forgets key; deleting a missing key is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := s.client.Del(ctx, s.redisKey(key)).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("delete counter: %w", rediserr.Unavailable(ctx, err))
	}
	return nil
}

// DeleteExpired does nothing and returns 0: Redis expires counters
// natively.
func (s *Store) DeleteExpired(context.Context, time.Time) (int, error) {
	return 0, nil
}
