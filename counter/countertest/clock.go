package countertest

import "github.com/gatehouse-id/gatehouse/internal/fakeclock"

// Clock is the suite's fake clock (package fakeclock).
type Clock = fakeclock.Clock

// NewClock returns a Clock stopped at the real current time, rounded down
// to the millisecond: stores with native expiry (Redis) expire keys by the
// server's clock, so times the suite hands them must lie in the real future.
func NewClock() *Clock { return fakeclock.NewReal() }
