// Package dummy is the policy kind for tests: it returns a fixed result,
// optionally after waiting, to exercise the engine's modes and timeouts.
package dummy

import (
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the policy kind's persisted name.
const Kind = "dummy"

// Definition describes the kind for the policy registry.
func Definition() policy.Kind {
	return policy.Kind{Name: Kind, NewConfig: func() policy.Config { return &Config{} }}
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
