// Package reputation is the policy kind that reacts to a bad reputation
// of the client's IP address and/or the identifier being logged in as,
// and the place where stages record reputation changes.
//
// Scores are counters (package counter): Record adds Failure (-1) for a
// failed identification or login and Success (+1) for a successful one,
// under reputation:ip:<ip> and reputation:identifier:<lower-case
// identifier>, in a Sliding window of TTL (30 days): a score is forgotten
// after 30 days without activity.
//
// As in authentik, the policy PASSES when the summed score is at or below
// threshold (-5 by default): it detects bad reputation, so a flow binds it
// to a captcha or deny stage, not to a stage everyone must get through.
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
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the policy kind's persisted name.
const Kind = "reputation"

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

// Definition describes the kind for the policy registry.
func Definition() policy.Kind {
	return policy.Define(Kind, func() *Config { return &Config{CheckIP: true, CheckUsername: true, Threshold: -5} },
		func(c *Config, deps policy.Deps) (policy.Evaluator, error) { return New(c, deps.Counters) })
}

// Config configures a reputation policy.
type Config struct {
	// CheckIP adds the client IP's score.
	CheckIP bool `json:"check_ip"`
	// CheckUsername adds the identifier's score.
	CheckUsername bool `json:"check_username"`
	// Threshold is the score at or below which the policy passes.
	Threshold int64 `json:"threshold"`
}

// PolicyKind implements policy.Config.
func (*Config) PolicyKind() string { return Kind }

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	if !c.CheckIP && !c.CheckUsername {
		return problem.Invalid("check_ip", "check_ip, check_username or both must be set")
	}
	return nil
}

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

// trackable reports whether identifier gets a score.
func trackable(identifier string) bool {
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
	if trackable(identifier) {
		if _, err := store.Add(ctx, IdentifierKey(identifier), delta, TTL, counter.Sliding); err != nil {
			errs = append(errs, fmt.Errorf("record reputation of identifier: %w", err))
		}
	}
	return errors.Join(errs...)
}

// Evaluator is a reputation policy's evaluator; safe for concurrent use.
type Evaluator struct {
	cfg   Config
	store counter.Store
}

// New returns the evaluator of a validated cfg reading scores from store;
// it fails when store is nil.
func New(cfg *Config, store counter.Store) (*Evaluator, error) {
	if store == nil {
		return nil, errors.New("reputation policy needs a counter store")
	}
	return &Evaluator{cfg: *cfg, store: store}, nil
}

// Evaluate implements policy.Evaluator: it passes when the sum of the
// client IP's score (check_ip; skipped when the IP is unknown) and the
// identifier's score (check_username; the context's
// pending_user_identifier, else the user's username; skipped when neither)
// is at or below the threshold. A request with nothing to score sums to 0.
// Errors are the counter store's.
func (e *Evaluator) Evaluate(ctx context.Context, req *policy.Request) (policy.Outcome, error) {
	var sum int64
	if e.cfg.CheckIP && req.Client.IP.IsValid() {
		v, err := e.store.Get(ctx, IPKey(req.Client.IP))
		if err != nil {
			return policy.Outcome{}, fmt.Errorf("read reputation of ip: %w", err)
		}
		sum += v
	}
	if e.cfg.CheckUsername {
		identifier, _ := req.Context["pending_user_identifier"].(string)
		if identifier == "" && req.User != nil {
			identifier = req.User.Username
		}
		if trackable(identifier) {
			v, err := e.store.Get(ctx, IdentifierKey(identifier))
			if err != nil {
				return policy.Outcome{}, fmt.Errorf("read reputation of identifier: %w", err)
			}
			sum += v
		}
	}
	return policy.Outcome{Passing: sum <= e.cfg.Threshold}, nil
}
