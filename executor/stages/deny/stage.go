package deny

import (
	"context"

	"github.com/gatehouse-id/gatehouse/executor"
)

// Stage denies the flow as soon as it is reached.
type Stage struct{ cfg *Config }

// New builds a deny stage.
func New(cfg *Config, _ executor.Deps) (executor.Stage, error) {
	return &Stage{cfg: cfg}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }

// Run implements executor.Runner: the context's deny_message (set by a
// policy) wins over the configured one.
func (s *Stage) Run(_ context.Context, req *executor.Request) (executor.Result, error) {
	if msg := req.Execution.Context.String(executor.KeyDenyMessage); msg != "" {
		return executor.Deny(msg), nil
	}
	return executor.Deny(s.cfg.DenyMessage), nil
}
