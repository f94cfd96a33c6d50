// Package dummy is a stage for tests and demonstrations: it shows a
// challenge with a continue button, or fails on purpose.
package dummy

import "github.com/gatehouse-id/gatehouse/executor"

// Kind is the stage kind's persisted name.
const Kind = "dummy"

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, func() *Config { return &Config{} }, New)
}

// Config configures a dummy stage.
type Config struct {
	// ThrowError makes the stage fail with an internal error, to exercise
	// the executor's error handling.
	ThrowError bool `json:"throw_error"`
}

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// Validate implements typedconfig.Config; every value is valid.
func (*Config) Validate() error { return nil }
