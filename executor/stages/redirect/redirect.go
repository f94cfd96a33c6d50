// Package redirect is the stage that sends the client elsewhere: to a fixed
// URL (static mode) or into another flow (flow mode), optionally carrying
// this flow's context along.
package redirect

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the stage kind's persisted name.
const Kind = "redirect"

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, DefaultConfig, New)
}

// Mode is where a redirect stage sends the client.
type Mode string

// Modes.
const (
	// ModeStatic sends the client to TargetStatic.
	ModeStatic Mode = "static"
	// ModeFlow continues in the flow TargetFlow.
	ModeFlow Mode = "flow"
)

// Modes lists every Mode.
var Modes = []Mode{ModeStatic, ModeFlow}

// MarshalGQL implements graphql.Marshaler.
func (m Mode) MarshalGQL(w io.Writer) { enum.MarshalGQL(w, m) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (m *Mode) UnmarshalGQL(v any) error { return enum.UnmarshalGQL(v, m, Modes) }

// Config configures a redirect stage.
type Config struct {
	Mode Mode `json:"mode"`
	// TargetStatic is an http(s) URL or an absolute path on this server.
	TargetStatic string `json:"target_static"`
	// TargetFlowID is the flow to continue in.
	TargetFlowID *int `json:"target_flow,omitempty" ref:"flow"`
	// KeepContext carries this flow's context into the target flow.
	KeepContext bool `json:"keep_context"`
}

// DefaultConfig returns the defaults: static mode, keeping the context.
func DefaultConfig() *Config { return &Config{Mode: ModeStatic, KeepContext: true} }

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	switch c.Mode {
	case ModeStatic:
		if !validTarget(c.TargetStatic) {
			return problem.Invalid("target_static", "must be an http(s) URL or an absolute path such as /app")
		}
	case ModeFlow:
		if c.TargetFlowID == nil {
			return problem.Invalid("target_flow", "is required in flow mode")
		}
	default:
		return problem.Invalid("mode", "must be static or flow")
	}
	return nil
}

func validTarget(s string) bool {
	if strings.HasPrefix(s, "/") {
		return executor.ValidateNext(s) == nil
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}

// Stage redirects as soon as it is reached.
type Stage struct {
	cfg  *Config
	deps executor.Deps
}

// New builds a redirect stage.
func New(cfg *Config, deps executor.Deps) (executor.Stage, error) {
	return &Stage{cfg: cfg, deps: deps}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }

// Run implements executor.Runner.
func (s *Stage) Run(ctx context.Context, _ *executor.Request) (executor.Result, error) {
	if s.cfg.Mode == ModeStatic {
		return executor.RedirectTo(s.cfg.TargetStatic), nil
	}
	f, err := s.deps.Client.Flow.Get(ctx, *s.cfg.TargetFlowID)
	if err != nil {
		return executor.Result{}, fmt.Errorf("load target flow: %w", err)
	}
	return executor.ContinueIn(f.Slug, s.cfg.KeepContext), nil
}
