package dummy

import (
	"context"
	"errors"

	"github.com/gatehouse-id/gatehouse/executor"
)

// errThrown is the failure a dummy stage with throw_error produces.
var errThrown = errors.New("dummy stage: throw_error is set")

// Stage shows a continue button.
type Stage struct{ cfg *Config }

// Challenge asks the user to continue.
type Challenge struct {
	executor.ChallengeBase

	// Name is the stage's name.
	Name string `json:"name"`
}

// Response continues.
type Response struct {
	// Continue is ignored; GraphQL inputs need a field.
	Continue bool `json:"continue"`
}

// ResponseKind implements executor.Response.
func (Response) ResponseKind() string { return Kind }

// New builds a dummy stage.
func New(cfg *Config, _ executor.Deps) (executor.Stage, error) {
	return &Stage{cfg: cfg}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }

// Challenge implements executor.Interactive; with throw_error it fails.
func (s *Stage) Challenge(_ context.Context, req *executor.Request) (executor.Challenge, error) {
	if s.cfg.ThrowError {
		return nil, errThrown
	}
	return &Challenge{Name: req.Entry.Name}, nil
}

// Submit implements executor.Interactive; with throw_error it fails.
func (s *Stage) Submit(context.Context, *executor.Request, executor.Response) (executor.Result, error) {
	if s.cfg.ThrowError {
		return executor.Result{}, errThrown
	}
	return executor.Next(), nil
}
