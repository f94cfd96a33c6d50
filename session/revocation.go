package session

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/gatehouse-id/gatehouse/counter"
)

// Revocations remember that logged-in sessions ended, somewhere a loss of
// the Store cannot reach: a Redis restored from an old snapshot, or a
// failover to a lagging replica, brings back sessions that were revoked
// after the data it kept, and Resume refuses them by this record. The
// Manager records a revocation before it deletes the session, so a
// session is never gone from the Store without its record. Implementations
// are safe for concurrent use.
type Revocations interface {
	// Revoke records that the session stored under key ended. The record
	// must be durable when Revoke returns; it may be forgotten after
	// until, when the session would have expired anyway.
	Revoke(ctx context.Context, key string, until time.Time) error
	// Revoked reports whether the session stored under key was revoked.
	Revoked(ctx context.Context, key string) (bool, error)
}

// RevocationCacheTTL is how long CounterRevocations trusts a "not revoked"
// answer before asking its store again. It bounds the hot path to one
// store read per session every RevocationCacheTTL per process; it is also
// the longest a session revoked on another server can come back on this
// one, and only if the Store lost data within that time (the server that
// revoked it refuses it at once).
const RevocationCacheTTL = 10 * time.Second

// maxCachedRevocations bounds CounterRevocations' cache; beyond it the
// cache is cleared.
const maxCachedRevocations = 100_000

// CounterRevocations keep revocations as counters in a durable
// counter.Store (the SQL database's), expiring with the session, with an
// in-process cache in front.
type CounterRevocations struct {
	store counter.Store
	now   func() time.Time

	mu    sync.Mutex
	cache map[string]cachedRevocation
}

type cachedRevocation struct {
	revoked bool
	at      time.Time
}

// NewCounterRevocations returns revocations kept in store, with the clock
// nowFunc (nil: time.Now).
func NewCounterRevocations(store counter.Store, nowFunc func() time.Time) *CounterRevocations {
	if nowFunc == nil {
		nowFunc = time.Now
	}
	return &CounterRevocations{store: store, now: nowFunc, cache: map[string]cachedRevocation{}}
}

func revocationKey(key string) string { return "revoked_session:" + key }

// Revoke implements Revocations.
func (r *CounterRevocations) Revoke(ctx context.Context, key string, until time.Time) error {
	now := r.now()
	ttl := until.Sub(now)
	if ttl <= 0 {
		return nil // expired already: nothing can resume it
	}
	if _, err := r.store.Add(ctx, revocationKey(key), 1, ttl, counter.Fixed); err != nil {
		return fmt.Errorf("record session revocation: %w", err)
	}
	r.remember(key, true, now)
	return nil
}

// Revoked implements Revocations: a revocation, once seen, is remembered;
// a "not revoked" answer is trusted for RevocationCacheTTL.
func (r *CounterRevocations) Revoked(ctx context.Context, key string) (bool, error) {
	now := r.now()
	r.mu.Lock()
	c, ok := r.cache[key]
	r.mu.Unlock()
	if ok && (c.revoked || now.Sub(c.at) < RevocationCacheTTL) {
		return c.revoked, nil
	}
	n, err := r.store.Get(ctx, revocationKey(key))
	if err != nil {
		return false, fmt.Errorf("read session revocation: %w", err)
	}
	r.remember(key, n > 0, now)
	return n > 0, nil
}

func (r *CounterRevocations) remember(key string, revoked bool, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.cache) >= maxCachedRevocations {
		r.cache = map[string]cachedRevocation{}
	}
	r.cache[key] = cachedRevocation{revoked: revoked, at: at}
}
