package flowstatetest

import (
	"sync"
	"time"
)

// Clock is a fake clock for stores under test: it stands still until
// Advance moves it. It is safe for concurrent use; pass its Now method as a
// store's NowFunc.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock that starts at the real current time, rounded
// down to the millisecond. Starting at the real time matters for stores
// with native expiry (Redis): they expire keys by the server's clock, so
// times the suite hands them must lie in the real future.
func NewClock() *Clock {
	return &Clock{now: time.Now().UTC().Truncate(time.Millisecond)}
}

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
