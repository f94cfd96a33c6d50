package session

import (
	"context"
	"sync"
)

// requestCache holds the sessions one request resumed.
type requestCache struct {
	mu sync.Mutex
	m  map[ID]Session
}

type requestCacheKey struct{}

// WithRequestCache returns a context in which Manager.Resume remembers the
// sessions it resumes, so that the layers of one request (authentication,
// then the flow executor) read a session once. Login, Logout and the
// revocations through such a context forget what they end. Give each
// request its own; long-lived work (a subscription) must run under
// WithoutRequestCache, so that it sees sessions end.
func WithRequestCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, requestCacheKey{}, &requestCache{m: map[ID]Session{}})
}

// WithoutRequestCache returns ctx without its request cache.
func WithoutRequestCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, requestCacheKey{}, (*requestCache)(nil))
}

func cacheOf(ctx context.Context) *requestCache {
	c, _ := ctx.Value(requestCacheKey{}).(*requestCache)
	return c
}

func (c *requestCache) get(id ID) (*Session, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.m[id]
	return &s, ok
}

func (c *requestCache) put(id ID, s *Session) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[id] = *s
}

// forget drops id, or everything when id is empty.
func (c *requestCache) forget(id ID) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if id == "" {
		clear(c.m)
		return
	}
	delete(c.m, id)
}
