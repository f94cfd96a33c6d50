// Package reputation keeps the reputation scores of client addresses and
// of the identifiers people log in as. Stages write them (a failed
// identification or login records Failure, a successful login Success);
// the reputation policy kind (policy/reputation) only reads them.
//
// Scores are counters (package counter): Record adds its delta under
// reputation:ip:<ip> and reputation:identifier:<lower-case identifier>,
// each in a Sliding window of TTL (30 days), so a score is forgotten after
// 30 days without activity. A missing or forgotten score reads as 0.
//
//	writer                                           records   under
//	a password check fails or is refused (passcheck)  Failure   the client IP, the typed identifier
//	the user_login stage logs the user in             Success   the client IP, the username
//
// An invalid (unknown) IP and an identifier that is empty or longer than
// MaxIdentifierLength get no score: Record skips them and the score reads
// answer 0 without asking the store.
package reputation

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gatehouse-id/gatehouse/counter"
)

// Score changes that stages record.
const (
	// Failure is recorded for a failed identification or login.
	Failure int64 = -1
	// Success is recorded for a successful login.
	Success int64 = +1
)

// TTL is how long a score lasts after its last change (counter.Sliding).
const TTL = 30 * 24 * time.Hour

// MaxIdentifierLength bounds the identifiers that get a score, in
// characters: usernames have at most 150 and email addresses 254, so a
// longer identifier matches no user and is not tracked (its IP still is),
// which keeps attacker-chosen keys small.
const MaxIdentifierLength = 320

// IPKey is the counter key of ip's score (IPv4-mapped IPv6 addresses count
// as IPv4; zones are dropped).
func IPKey(ip netip.Addr) string {
	return "reputation:ip:" + ip.Unmap().WithZone("").String()
}

// IdentifierKey is the counter key of identifier's score; identifiers are
// compared case-insensitively.
func IdentifierKey(identifier string) string {
	return "reputation:identifier:" + strings.ToLower(strings.TrimSpace(identifier))
}

// tracked reports whether identifier gets a score.
func tracked(identifier string) bool {
	identifier = strings.TrimSpace(identifier)
	return identifier != "" && utf8.RuneCountInString(identifier) <= MaxIdentifierLength
}

// Record adds delta (Failure, Success) to the scores of ip (when valid)
// and identifier (when not empty and at most MaxIdentifierLength
// characters), each in a Sliding window of TTL. Both are attempted; the
// error joins their failures. Safe for concurrent use as store is.
func Record(ctx context.Context, store counter.Store, ip netip.Addr, identifier string, delta int64) error {
	var errs []error
	if ip.IsValid() {
		if _, err := store.Add(ctx, IPKey(ip), delta, TTL, counter.Sliding); err != nil {
			errs = append(errs, fmt.Errorf("record reputation of ip: %w", err))
		}
	}
	if tracked(identifier) {
		if _, err := store.Add(ctx, IdentifierKey(identifier), delta, TTL, counter.Sliding); err != nil {
			errs = append(errs, fmt.Errorf("record reputation of identifier: %w", err))
		}
	}
	return errors.Join(errs...)
}

// IPScore returns ip's score; 0, without reading store, when ip is
// invalid (unknown). Errors are the store's.
func IPScore(ctx context.Context, store counter.Store, ip netip.Addr) (int64, error) {
	if !ip.IsValid() {
		return 0, nil
	}
	v, err := store.Get(ctx, IPKey(ip))
	if err != nil {
		return 0, fmt.Errorf("read reputation of ip: %w", err)
	}
	return v, nil
}

// IdentifierScore returns identifier's score; 0, without reading store,
// for an identifier that gets none (empty, or longer than
// MaxIdentifierLength). Errors are the store's.
func IdentifierScore(ctx context.Context, store counter.Store, identifier string) (int64, error) {
	if !tracked(identifier) {
		return 0, nil
	}
	v, err := store.Get(ctx, IdentifierKey(identifier))
	if err != nil {
		return 0, fmt.Errorf("read reputation of identifier: %w", err)
	}
	return v, nil
}
