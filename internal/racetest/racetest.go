// Package racetest checks compare-and-set steps under contention: it
// starts many calls at the same moment and requires exactly one to win,
// every loser refused with the step's own error (never a failure).
package racetest

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// Run calls fn(0) … fn(n-1) on n goroutines released together and returns
// their errors, by i.
func Run(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// RequireOneWinner runs fn n times at once, as Run does, and requires
// exactly one call to succeed and every other to fail with refused.
func RequireOneWinner(tb testing.TB, n int, refused error, fn func(i int) error) {
	tb.Helper()
	won := 0
	for _, err := range Run(n, fn) {
		if err == nil {
			won++
			continue
		}
		require.ErrorIs(tb, err, refused, "a loser is refused, not failed")
	}
	require.Equal(tb, 1, won, "exactly one of %d concurrent calls wins", n)
}
