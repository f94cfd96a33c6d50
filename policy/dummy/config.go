// Package dummy is the policy kind for tests: it returns a fixed result,
// optionally after waiting, to exercise the engine's modes and timeouts.
package dummy

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the policy kind's persisted name.
const Kind = "dummy"

// Definition describes the kind for the policy registry.
func Definition() policy.Kind {
	return policy.Define(Kind, func() *Config { return &Config{} },
		func(c *Config, _ policy.Deps) (policy.Evaluator, error) { return New(c), nil })
}

// MaxWait bounds WaitMin and WaitMax, in milliseconds.
const MaxWait = 60000

// Config configures a dummy policy.
type Config struct {
	// Result is what the policy returns.
	Result bool `json:"result"`
	// WaitMin and WaitMax bound a random wait before returning, in
	// milliseconds.
	WaitMin int `json:"wait_min"`
	WaitMax int `json:"wait_max"`
}

// PolicyKind implements policy.Config.
func (*Config) PolicyKind() string { return Kind }

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	if c.WaitMin < 0 || c.WaitMin > MaxWait {
		return problem.Invalid("wait_min", "must be between 0 and %d", MaxWait)
	}
	if c.WaitMax < c.WaitMin || c.WaitMax > MaxWait {
		return problem.Invalid("wait_max", "must be between wait_min and %d", MaxWait)
	}
	return nil
}

// Evaluator is a dummy policy's evaluator.
type Evaluator struct {
	cfg Config
}

// New returns the evaluator of a validated cfg.
func New(cfg *Config) *Evaluator { return &Evaluator{cfg: *cfg} }

// Evaluate implements policy.Evaluator: it waits a random duration in
// [WaitMin, WaitMax] milliseconds, then returns Result. When ctx ends
// first it returns ctx's error. Safe for concurrent use.
func (e *Evaluator) Evaluate(ctx context.Context, _ *policy.Request) (policy.Outcome, error) {
	wait := e.cfg.WaitMin
	if e.cfg.WaitMax > e.cfg.WaitMin {
		wait += rand.IntN(e.cfg.WaitMax - e.cfg.WaitMin + 1) //nolint:gosec // a test delay, not a secret
	}
	if wait > 0 {
		timer := time.NewTimer(time.Duration(wait) * time.Millisecond)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-ctx.Done():
			return policy.Outcome{}, ctx.Err()
		}
	} else if err := ctx.Err(); err != nil {
		return policy.Outcome{}, err
	}
	return policy.Outcome{Passing: e.cfg.Result}, nil
}
