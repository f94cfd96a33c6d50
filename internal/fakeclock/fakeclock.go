// Package fakeclock is the clock tests hand to code that takes a NowFunc:
// it stands still until the test moves it.
package fakeclock

import (
	"sync"
	"time"
)

// Clock is a fake clock, safe for concurrent use; pass its Now method as a
// NowFunc.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// New returns a Clock stopped at now.
func New(now time.Time) *Clock {
	return &Clock{now: now}
}

// NewReal returns a Clock stopped at the real current time, in UTC, in
// whole milliseconds (so that expiry boundaries are exact on every
// backend's time precision). Stores with native expiry (Redis) expire keys
// by the server's clock, so the times a test hands them must lie in the
// real future.
func NewReal() *Clock {
	return New(time.Now().UTC().Truncate(time.Millisecond))
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d and returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}
