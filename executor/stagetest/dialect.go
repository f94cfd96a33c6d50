package stagetest

import (
	"maps"
	"slices"
	"testing"

	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

// EachDialect runs test once per database dialect (servicetest.Dialects),
// each in a parallel subtest named for its dialect.
func EachDialect(t *testing.T, test func(t *testing.T, d string)) {
	t.Helper()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			test(t, d)
		})
	}
}

// Dialects runs each of tests once per database dialect, in parallel
// subtests <dialect>/<name> (in name order), handing each what setup
// returns for its dialect: every subtest has a fresh database.
func Dialects[B any](t *testing.T, setup func(t *testing.T, d string) B, tests map[string]func(t *testing.T, b B)) {
	t.Helper()
	names := slices.Sorted(maps.Keys(tests))
	EachDialect(t, func(t *testing.T, d string) {
		for _, name := range names {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				tests[name](t, setup(t, d))
			})
		}
	})
}
