// Package password is the stage that checks the pending user's password.
package password

import (
	"io"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/internal/passcheck"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the stage kind's persisted name.
const Kind = "password"

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, DefaultConfig, New)
}

// Backend is a source of passwords a password stage checks, in order.
type Backend string

// Backends.
const (
	// BackendInbuilt checks the user's own password hash.
	BackendInbuilt Backend = "inbuilt"
	// BackendAppPassword accepts the user's app_password tokens.
	BackendAppPassword Backend = "app_password"
)

// Backends lists every Backend.
var Backends = []Backend{BackendInbuilt, BackendAppPassword}

// MarshalGQL implements graphql.Marshaler.
func (b Backend) MarshalGQL(w io.Writer) { enum.MarshalGQL(w, b) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (b *Backend) UnmarshalGQL(v any) error { return enum.UnmarshalGQL(v, b, Backends) }

// MaxFailedAttempts bounds FailedAttemptsBeforeCancel.
const MaxFailedAttempts = 100

// Config configures a password stage.
type Config struct {
	// Backends are tried in order; the first that accepts the password wins.
	Backends []Backend `json:"backends"`
	// FailedAttemptsBeforeCancel ends the flow after this many wrong
	// passwords in one execution.
	FailedAttemptsBeforeCancel int `json:"failed_attempts_before_cancel"`
	// AllowShowPassword lets the user reveal what they typed.
	AllowShowPassword bool `json:"allow_show_password"`
	// ConfigureFlowID is the flow a signed-in user runs to change the password.
	ConfigureFlowID *int `json:"configure_flow,omitempty" ref:"flow:stage_configuration"`
}

// DefaultConfig returns the defaults: the inbuilt backend, five attempts.
func DefaultConfig() *Config {
	return &Config{Backends: []Backend{BackendInbuilt}, FailedAttemptsBeforeCancel: 5}
}

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// PasswordSettings implements passcheck.Configured: the identification
// stage's embedded password field checks with these.
func (c *Config) PasswordSettings() passcheck.Settings {
	backends := make([]string, len(c.Backends))
	for i, b := range c.Backends {
		backends[i] = string(b)
	}
	return passcheck.Settings{
		Backends: backends, FailedAttemptsBeforeCancel: c.FailedAttemptsBeforeCancel, AllowShowPassword: c.AllowShowPassword,
	}
}

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	if len(c.Backends) == 0 {
		return problem.Invalid("backends", "must name at least one backend")
	}
	seen := map[Backend]bool{}
	for _, b := range c.Backends {
		if _, err := enum.Parse(string(b), Backends); err != nil {
			return problem.Invalid("backends", "%v", err)
		}
		if seen[b] {
			return problem.Invalid("backends", "%q is listed twice", b)
		}
		seen[b] = true
	}
	if c.FailedAttemptsBeforeCancel < 1 || c.FailedAttemptsBeforeCancel > MaxFailedAttempts {
		return problem.Invalid("failed_attempts_before_cancel", "must be between 1 and %d", MaxFailedAttempts)
	}
	return nil
}
