// Package deny is the stage that always denies the flow: bound with a
// policy, it stops the users the policy selects.
package deny

import (
	"unicode/utf8"

	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the stage kind's persisted name.
const Kind = "deny"

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, func() *Config { return &Config{} }, New)
}

// MaxMessageLength bounds DenyMessage, in characters.
const MaxMessageLength = 1000

// Config configures a deny stage.
type Config struct {
	// DenyMessage is shown to the user; empty shows a generic message. A
	// deny_message in the execution context takes precedence.
	DenyMessage string `json:"deny_message"`
}

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	if utf8.RuneCountInString(c.DenyMessage) > MaxMessageLength {
		return problem.Invalid("deny_message", "must be at most %d characters", MaxMessageLength)
	}
	return nil
}
