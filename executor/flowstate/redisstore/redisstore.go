// Package redisstore keeps flow executions in Redis, the production
// backend of flowstate.Store.
//
// Each execution is one hash at
//
//	<prefix>exec:<hex SHA-256 of the execution ID>
//
// with the fields
//
//	v   version, a decimal integer (1 after Create, +1 per Update)
//	d   the document, as given
//	x   ExpiresAt in Unix milliseconds
//
// and a native expiry (PEXPIREAT) at x, so Redis forgets executions by
// itself and DeleteExpired has nothing to do. The raw ID is never stored
// or used as a key. Create, Update and Delete are Lua scripts, so each
// check-and-write is atomic; every script touches one key, so the layout
// works on Redis Cluster too.
//
// Errors of Redis itself (a refused or broken connection, a timeout) are
// marked problem.ErrUnavailable (see internal/rediserr).
//
// Expiry is decided by the store's clock (Options.NowFunc), compared with
// x: a record whose x is at or before now is treated as absent even while
// Redis still holds it. Expiry times are kept to the millisecond.
package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-id/gatehouse/executor/flowstate"
	"github.com/gatehouse-id/gatehouse/internal/rediserr"
)

// Options configures a Store; the zero value (or nil) is the default.
type Options struct {
	// NowFunc is the clock that decides what has expired; nil means
	// time.Now.
	NowFunc func() time.Time
}

// Store is a flowstate.Store over a Redis client. It is safe for
// concurrent use.
type Store struct {
	client *redis.Client
	prefix string
	now    func() time.Time
}

var _ flowstate.Store = (*Store)(nil)

// New returns a Store that keeps executions under prefix in client.
func New(client *redis.Client, prefix string, opts *Options) *Store {
	s := &Store{client: client, prefix: prefix, now: time.Now}
	if opts != nil && opts.NowFunc != nil {
		s.now = opts.NowFunc
	}
	return s
}

// key returns the Redis key of id: its hash under the prefix.
func (s *Store) key(id string) string {
	sum := sha256.Sum256([]byte(id))
	return s.prefix + "exec:" + hex.EncodeToString(sum[:])
}

// createScript stores a new execution unless a live one holds the key.
// KEYS[1] key; ARGV now (ms), document, expiry (ms).
// Returns 1 when stored, 0 when the key is taken.
var createScript = redis.NewScript(`
local x = redis.call('HGET', KEYS[1], 'x')
if x and tonumber(x) > tonumber(ARGV[1]) then
	return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', '1', 'd', ARGV[2], 'x', ARGV[3])
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
return 1
`)

// Results of updateScript other than a new version (which is at least 2).
const (
	updateMissing  = -1
	updateConflict = -2
)

// updateScript replaces the document if the stored version is the expected
// one, increments the version and moves the expiry.
// KEYS[1] key; ARGV now (ms), expected version, document, expiry (ms).
// Returns the new version, updateMissing or updateConflict.
var updateScript = redis.NewScript(`
local cur = redis.call('HMGET', KEYS[1], 'v', 'x')
if not cur[1] or not cur[2] or tonumber(cur[2]) <= tonumber(ARGV[1]) then
	return -1
end
if cur[1] ~= ARGV[2] then
	return -2
end
local v = redis.call('HINCRBY', KEYS[1], 'v', 1)
redis.call('HSET', KEYS[1], 'd', ARGV[3], 'x', ARGV[4])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
return v
`)

// deleteScript removes the key and reports whether it held a live
// execution. KEYS[1] key; ARGV now (ms). Returns 1 if live, else 0.
var deleteScript = redis.NewScript(`
local x = redis.call('HGET', KEYS[1], 'x')
if not x then
	return 0
end
redis.call('DEL', KEYS[1])
if tonumber(x) <= tonumber(ARGV[1]) then
	return 0
end
return 1
`)

// Create stores doc under id at version 1. It returns
// flowstate.ErrAlreadyExists if a live execution has id; an expired one is
// replaced.
func (s *Store) Create(ctx context.Context, id string, doc []byte, expiresAt time.Time) error {
	created, err := createScript.Run(ctx, s.client, []string{s.key(id)},
		s.now().UnixMilli(), doc, expiresAt.UnixMilli()).Int()
	if err != nil {
		return fmt.Errorf("create flow execution: %w", rediserr.Unavailable(ctx, err))
	}
	if created == 0 {
		return flowstate.ErrAlreadyExists
	}
	return nil
}

// Get returns the record of id, or flowstate.ErrNotFound if there is none
// or it has expired.
func (s *Store) Get(ctx context.Context, id string) (*flowstate.Record, error) {
	vals, err := s.client.HMGet(ctx, s.key(id), "v", "d", "x").Result()
	if err != nil {
		return nil, fmt.Errorf("get flow execution: %w", rediserr.Unavailable(ctx, err))
	}
	v, vok := vals[0].(string)
	d, dok := vals[1].(string)
	x, xok := vals[2].(string)
	if !vok || !dok || !xok {
		return nil, flowstate.ErrNotFound
	}
	version, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("get flow execution: bad version %q: %w", v, err)
	}
	expiresMs, err := strconv.ParseInt(x, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("get flow execution: bad expiry %q: %w", x, err)
	}
	if expiresMs <= s.now().UnixMilli() {
		return nil, flowstate.ErrNotFound
	}
	return &flowstate.Record{
		Version:   version,
		Document:  []byte(d),
		ExpiresAt: time.UnixMilli(expiresMs).UTC(),
	}, nil
}

// Update replaces the document of id if its version is still version, and
// returns the new version. It returns flowstate.ErrConflict if the version
// moved on, flowstate.ErrNotFound if the execution is gone or expired.
func (s *Store) Update(ctx context.Context, id string, version int64, doc []byte, expiresAt time.Time) (int64, error) {
	res, err := updateScript.Run(ctx, s.client, []string{s.key(id)},
		s.now().UnixMilli(), strconv.FormatInt(version, 10), doc, expiresAt.UnixMilli()).Int64()
	if err != nil {
		return 0, fmt.Errorf("update flow execution: %w", rediserr.Unavailable(ctx, err))
	}
	switch res {
	case updateMissing:
		return 0, flowstate.ErrNotFound
	case updateConflict:
		return 0, flowstate.ErrConflict
	}
	return res, nil
}

// Delete removes id. It returns flowstate.ErrNotFound if there is no live
// execution with id (an expired one is removed all the same).
func (s *Store) Delete(ctx context.Context, id string) error {
	live, err := deleteScript.Run(ctx, s.client, []string{s.key(id)}, s.now().UnixMilli()).Int()
	if err != nil {
		return fmt.Errorf("delete flow execution: %w", rediserr.Unavailable(ctx, err))
	}
	if live == 0 {
		return flowstate.ErrNotFound
	}
	return nil
}

// DeleteExpired does nothing and returns 0: Redis expires executions
// natively.
func (s *Store) DeleteExpired(context.Context, time.Time) (int, error) {
	return 0, nil
}
