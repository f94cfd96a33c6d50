// Package servicetest gives tests their own slice of the real services that
// Gatehouse runs on: a fresh PostgreSQL database, a fresh SQLite file, a Redis
// key prefix. A test that needs a service which does not answer is skipped on
// a developer's machine and fails when CI=true, so CI can never pass by
// skipping.
package servicetest

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"testing"
)

// skipShort skips tests that need service in -short mode (make test/short).
func skipShort(tb testing.TB, service string) {
	tb.Helper()
	if testing.Short() {
		tb.Skipf("-short: skipping a test that needs %s", service)
	}
}

// Unavailable ends the test because service could not be reached: a skip
// normally, a failure when the CI environment variable is true.
func Unavailable(tb testing.TB, service string, err error) {
	tb.Helper()
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		tb.Fatalf("%s is unavailable and CI=true: %v (make test starts it; see scripts/services)", service, err)
	}
	tb.Skipf("%s is unavailable: %v (run `make services` or set CI=true to fail instead)", service, err)
}

// UniqueName returns prefix followed by random hex, usable as a database
// name or key prefix: lower case letters, digits and underscores only.
func UniqueName(prefix string) string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return prefix + hex.EncodeToString(b[:])
}

// envOr returns the environment variable key, or def when it is unset.
func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
