package outpost

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// errCoreUnreachable is returned when a session cannot be checked: the
// core did not answer and no recent enough answer is cached.
var errCoreUnreachable = errors.New("gatehouse cannot be reached to check the session")

// idleEvict is how long a session nobody uses stays cached (and re-checked).
// A later request checks it again synchronously once.
const idleEvict = time.Hour

// coreTimeout bounds one call to the core or its token endpoint.
const coreTimeout = 10 * time.Second

// failureMemory is how long after a failed synchronous check further
// misses fail at once instead of calling the core again (a core that is
// down is not asked once per request).
const failureMemory = time.Second

// sessionKey names a login at a provider.
type sessionKey struct{ provider, sid string }

// sessionEntry is the core's last answer about a login.
type sessionEntry struct {
	state     SessionState
	checkedAt time.Time
	lastUsed  atomic.Int64 // Unix nanoseconds
}

// call is one Core.Sessions call for a single missed sid that concurrent
// requests share.
type call struct {
	done  chan struct{}
	entry *sessionEntry
	err   error
}

// sessionCache holds the core's answers about the logins in use, so that a
// forward-auth check of a recently checked session makes no call: a miss
// is checked synchronously (once for concurrent misses), and recheck
// refreshes every entry in batches.
type sessionCache struct {
	core     Core
	now      func() time.Time
	interval time.Duration

	failedAt atomic.Int64 // Unix nanoseconds of the last failed synchronous check

	mu       sync.RWMutex
	entries  map[sessionKey]*sessionEntry
	inflight map[sessionKey]*call // guarded by mu
}

func newSessionCache(core Core, now func() time.Time, interval time.Duration) *sessionCache {
	return &sessionCache{
		core: core, now: now, interval: interval,
		entries: map[sessionKey]*sessionEntry{}, inflight: map[sessionKey]*call{},
	}
}

// maxAge is how old an answer may be before it is no longer trusted.
func (c *sessionCache) maxAge() time.Duration { return 3 * c.interval }

// get returns the core's answer about sid at providerID: from the cache
// when fresh (no I/O), else from one Core.Sessions call shared by
// concurrent callers. errCoreUnreachable when the core cannot answer.
func (c *sessionCache) get(ctx context.Context, providerID, sid string) (SessionState, error) {
	k := sessionKey{providerID, sid}
	now := c.now()
	c.mu.RLock()
	e := c.entries[k]
	c.mu.RUnlock()
	if e != nil && now.Sub(e.checkedAt) < c.maxAge() {
		e.lastUsed.Store(now.UnixNano())
		return e.state, nil
	}
	e, err := c.fetch(ctx, k, now.Add(-c.maxAge()))
	if err != nil {
		return SessionState{}, err
	}
	return e.state, nil
}

// fetch asks the core about k, sharing the call with concurrent callers,
// unless an answer checked after notBefore is cached by now (a concurrent
// call just finished).
func (c *sessionCache) fetch(ctx context.Context, k sessionKey, notBefore time.Time) (*sessionEntry, error) {
	c.mu.Lock()
	if e := c.entries[k]; e != nil && e.checkedAt.After(notBefore) {
		c.mu.Unlock()
		return e, nil
	}
	if cl, ok := c.inflight[k]; ok {
		c.mu.Unlock()
		select {
		case <-cl.done:
			return cl.entry, cl.err
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: %w", errCoreUnreachable, ctx.Err())
		}
	}
	if f := c.failedAt.Load(); f != 0 && c.now().Sub(time.Unix(0, f)) < failureMemory {
		c.mu.Unlock()
		return nil, fmt.Errorf("%w: it failed less than %s ago", errCoreUnreachable, failureMemory)
	}
	cl := &call{done: make(chan struct{})}
	c.inflight[k] = cl
	c.mu.Unlock()

	// Not cancelled with the first caller's request: others wait on it.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), coreTimeout)
	states, err := c.core.Sessions(cctx, k.provider, []string{k.sid})
	cancel()
	if err != nil {
		cl.err = fmt.Errorf("%w: %w", errCoreUnreachable, err)
		c.failedAt.Store(c.now().UnixNano())
	} else {
		c.failedAt.Store(0)
		st := SessionState{SID: k.sid}
		for _, s := range states {
			if s.SID == k.sid {
				st = s
			}
		}
		cl.entry = c.put(k, st)
	}
	c.mu.Lock()
	delete(c.inflight, k)
	c.mu.Unlock()
	close(cl.done)
	return cl.entry, cl.err
}

// put records the core's answer about k, checked now.
func (c *sessionCache) put(k sessionKey, st SessionState) *sessionEntry {
	now := c.now()
	e := &sessionEntry{state: st, checkedAt: now}
	e.lastUsed.Store(now.UnixNano())
	c.mu.Lock()
	if old := c.entries[k]; old != nil {
		e.lastUsed.Store(max(old.lastUsed.Load(), e.lastUsed.Load()))
	}
	c.entries[k] = e
	c.mu.Unlock()
	return e
}

// drop forgets sid at providerID (sign-out).
func (c *sessionCache) drop(providerID, sid string) {
	c.mu.Lock()
	delete(c.entries, sessionKey{providerID, sid})
	c.mu.Unlock()
}

// recheck asks the core again about every session used within idleEvict
// (at most MaxSessionsPerCheck sids per call) and evicts the others. A
// failed batch keeps its old answers, which expire after maxAge.
func (c *sessionCache) recheck(ctx context.Context) error {
	cutoff := c.now().Add(-idleEvict).UnixNano()
	byProvider := map[string][]string{}
	c.mu.Lock()
	for k, e := range c.entries {
		if e.lastUsed.Load() < cutoff {
			delete(c.entries, k)
			continue
		}
		byProvider[k.provider] = append(byProvider[k.provider], k.sid)
	}
	c.mu.Unlock()

	var errs []error
	for providerID, sids := range byProvider {
		for len(sids) > 0 {
			n := min(len(sids), MaxSessionsPerCheck)
			batch := sids[:n]
			sids = sids[n:]
			cctx, cancel := context.WithTimeout(ctx, coreTimeout)
			states, err := c.core.Sessions(cctx, providerID, batch)
			cancel()
			if err != nil {
				errs = append(errs, err)
				continue
			}
			got := make(map[string]SessionState, len(states))
			for _, s := range states {
				got[s.SID] = s
			}
			for _, sid := range batch {
				st, ok := got[sid]
				if !ok {
					st = SessionState{SID: sid} // unknown: inactive
				}
				c.put(sessionKey{providerID, sid}, st)
			}
		}
	}
	return errors.Join(errs...)
}
