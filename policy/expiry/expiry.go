// Package expiry is the policy kind that fails when the user's password is
// older than a number of days, so that a flow can send the user through a
// password change (bind it negated to a password-change stage, or plainly
// to the flow to deny).
//
// Edge cases, decided:
//   - an anonymous request (no user) passes: there is no password to be
//     expired, and failing would lock anonymous visitors out of any flow
//     the policy is bound to;
//   - a user whose password_changed_at is unset passes: Gatehouse sets it
//     whenever it sets a password, so unset means the user has no password
//     (or one imported without a date), and we do not force a change on
//     information we lack. Use an expression policy to treat such users
//     differently.
//
// Unlike authentik's PasswordExpiryPolicy this policy only decides; it
// never marks the password unusable (a policy has no side effects).
package expiry

import (
	"context"
	"fmt"
	"time"

	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the policy kind's persisted name.
const Kind = "expiry"

// MaxDays bounds Days (ten years).
const MaxDays = 3650

// Definition describes the kind for the policy registry.
func Definition() policy.Kind {
	return policy.Define(Kind, func() *Config { return &Config{Days: 90} },
		func(c *Config, deps policy.Deps) (policy.Evaluator, error) { return New(c, deps.Now), nil })
}

// Config configures a password expiry policy.
type Config struct {
	// Days is how long a password lasts.
	Days int `json:"days"`
}

// PolicyKind implements policy.Config.
func (*Config) PolicyKind() string { return Kind }

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	if c.Days < 1 || c.Days > MaxDays {
		return problem.Invalid("days", "must be between 1 and %d", MaxDays)
	}
	return nil
}

// Evaluator is a password expiry policy's evaluator; safe for concurrent use.
type Evaluator struct {
	days    int
	nowFunc func() time.Time
}

// New returns the evaluator of a validated cfg using the clock nowFunc
// (nil means time.Now).
func New(cfg *Config, nowFunc func() time.Time) *Evaluator {
	if nowFunc == nil {
		nowFunc = time.Now
	}
	return &Evaluator{days: cfg.Days, nowFunc: nowFunc}
}

// Evaluate implements policy.Evaluator: the password expires Days × 24
// hours after password_changed_at; from then on the policy fails with a
// message saying how many whole days ago. It never returns an error.
func (e *Evaluator) Evaluate(_ context.Context, req *policy.Request) (policy.Outcome, error) {
	if req.User == nil || req.User.PasswordChangedAt == nil {
		return policy.Outcome{Passing: true}, nil
	}
	expires := req.User.PasswordChangedAt.Add(time.Duration(e.days) * 24 * time.Hour)
	now := e.nowFunc()
	if now.Before(expires) {
		return policy.Outcome{Passing: true}, nil
	}
	return policy.Outcome{Messages: []string{Message(int(now.Sub(expires) / (24 * time.Hour)))}}, nil
}

// Message is the failure message for a password that expired days (whole
// days, rounded down) ago.
func Message(days int) string {
	switch days {
	case 0:
		return "Your password expired today."
	case 1:
		return "Your password expired 1 day ago."
	default:
		return fmt.Sprintf("Your password expired %d days ago.", days)
	}
}
