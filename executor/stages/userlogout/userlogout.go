// Package userlogout is the stage that ends the client's session.
package userlogout

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
)

// Kind is the stage kind's persisted name.
const Kind = "user_logout"

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, func() *Config { return &Config{} }, New)
}

// Config configures a logout stage; it has no settings.
type Config struct{ executor.EmptyConfig }

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// Stage deletes the client's session.
type Stage struct{ deps executor.Deps }

// New builds a logout stage.
func New(_ *Config, deps executor.Deps) (executor.Stage, error) {
	return &Stage{deps: deps}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }

// Run implements executor.Runner: the session is deleted (its ID stops
// working at once, on every server) and replaced by a new anonymous one, so
// the rest of the flow can still run. LOGOUT is recorded after the
// deletion: whoever acts on the event (the dashboard counting the active
// sessions again) finds the session gone.
func (s *Stage) Run(ctx context.Context, req *executor.Request) (executor.Result, error) {
	u := req.User
	if err := s.deps.ReplaceSession(ctx, req); err != nil {
		return executor.Result{}, fmt.Errorf("log out: %w", err)
	}
	if u != nil {
		s.deps.RecordAs(ctx, u, enum.EventActionLogout, map[string]any{"user_id": strconv.Itoa(u.ID), "username": u.Username})
	}
	return executor.Next(), nil
}
