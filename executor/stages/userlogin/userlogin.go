// Package userlogin is the stage that logs the pending user in: it gives
// the client a new session for the user (rotating the session ID against
// fixation), optionally offering to stay signed in for longer.
package userlogin

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/reputation"
	"github.com/gatehouse-id/gatehouse/session"
)

// Kind is the stage kind's persisted name.
const Kind = "user_login"

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, func() *Config { return &Config{} }, New)
}

// MaxSeconds bounds the durations of a config (a year).
const MaxSeconds = 365 * 24 * 3600

// Config configures a login stage.
type Config struct {
	// SessionDuration is the session's lifetime in seconds; 0 uses the
	// server's default and a cookie that ends with the browser session.
	SessionDuration int `json:"session_duration"`
	// RememberMeOffset, when above 0, offers "stay signed in", which adds
	// this many seconds to the session's lifetime and keeps the cookie.
	RememberMeOffset int `json:"remember_me_offset"`
	// TerminateOtherSessions ends the user's other sessions at login.
	TerminateOtherSessions bool `json:"terminate_other_sessions"`
}

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	if c.SessionDuration < 0 || c.SessionDuration > MaxSeconds {
		return problem.Invalid("session_duration", "must be between 0 and %d seconds", MaxSeconds)
	}
	if c.RememberMeOffset < 0 || c.RememberMeOffset > MaxSeconds {
		return problem.Invalid("remember_me_offset", "must be between 0 and %d seconds", MaxSeconds)
	}
	return nil
}

// Challenge offers to stay signed in.
type Challenge struct {
	executor.ChallengeBase
}

// Response answers the challenge.
type Response struct {
	// RememberMe extends the session by the stage's remember-me offset.
	RememberMe bool `json:"remember_me"`
}

// ResponseKind implements executor.Response.
func (Response) ResponseKind() string { return Kind }

// Stage logs the pending user in.
type Stage struct {
	cfg  *Config
	deps executor.Deps
}

// New builds a login stage.
func New(cfg *Config, deps executor.Deps) (executor.Stage, error) {
	return &Stage{cfg: cfg, deps: deps}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }

// Skip implements executor.Skipper: without a remember-me offer there is
// nothing to ask, so the stage logs in at once.
func (s *Stage) Skip(ctx context.Context, req *executor.Request) (executor.Result, bool, error) {
	if s.cfg.RememberMeOffset > 0 {
		return executor.Result{}, false, nil
	}
	res, err := s.login(ctx, req, false)
	return res, true, err
}

// Challenge implements executor.Interactive.
func (*Stage) Challenge(context.Context, *executor.Request) (executor.Challenge, error) {
	return &Challenge{}, nil
}

// Submit implements executor.Interactive.
func (s *Stage) Submit(ctx context.Context, req *executor.Request, resp executor.Response) (executor.Result, error) {
	r, ok := resp.(*Response)
	if !ok {
		return executor.Retry(executor.FieldError{Message: "expected a login response", Code: "invalid"}), nil
	}
	return s.login(ctx, req, r.RememberMe)
}

func (s *Stage) login(ctx context.Context, req *executor.Request, remember bool) (executor.Result, error) {
	u, err := req.PendingUser(ctx, s.deps.Client)
	if err != nil {
		return executor.Result{}, err
	}
	if u == nil {
		return executor.Deny("There is no user to log in."), nil
	}
	if !u.IsActive {
		return executor.Deny("This account is disabled."), nil
	}
	lifetime := time.Duration(s.cfg.SessionDuration) * time.Second
	persistent := s.cfg.SessionDuration > 0
	if remember && s.cfg.RememberMeOffset > 0 {
		if lifetime == 0 {
			lifetime = s.deps.Sessions.Lifetime()
		}
		lifetime += time.Duration(s.cfg.RememberMeOffset) * time.Second
		persistent = true
	}
	var methods []string
	if req.Execution.Context.String(executor.KeyAuthMethod) == "" && req.Session != nil && req.User != nil && req.User.ID == u.ID {
		// The signed-in user confirmed a factor again (no login method in
		// this flow: default-mfa-confirmation-flow): the session's methods
		// stay, and the new one is added.
		methods = append(methods, req.Session.Methods...)
	}
	for _, key := range []string{executor.KeyAuthMethod, executor.KeyMFAMethod} {
		if m := req.Execution.Context.String(key); m != "" && !slices.Contains(methods, m) {
			methods = append(methods, m)
		}
	}
	id, sess, err := s.deps.Sessions.Login(ctx, req.SessionID, u.ID, session.LoginOptions{
		Lifetime: lifetime,
		Client:   session.Client{IP: req.Client.IP.String(), UserAgent: req.Client.UserAgent},
		Methods:  methods,
	})
	if err != nil {
		return executor.Result{}, fmt.Errorf("log in: %w", err)
	}
	req.SetSession(id, sess, persistent)
	req.User = u
	if s.cfg.TerminateOtherSessions {
		if _, err := s.deps.Sessions.RevokeOthers(ctx, u.ID, id.Key()); err != nil {
			return executor.Result{}, fmt.Errorf("terminate other sessions: %w", err)
		}
	}
	// A plain UPDATE: updating one node would read it back in a transaction.
	if err := s.deps.Client.User.Update().Where(user.ID(u.ID)).SetLastLogin(req.Now).Exec(ctx); err != nil {
		return executor.Result{}, fmt.Errorf("record last login: %w", err)
	}
	if err := reputation.Record(ctx, s.deps.Counters, req.Client.IP, u.Username, reputation.Success); err != nil {
		return executor.Result{}, err
	}
	s.deps.RecordAs(ctx, u, enum.EventActionLogin, map[string]any{
		"user_id": strconv.Itoa(u.ID), "username": u.Username,
		"auth_method": req.Execution.Context.String(executor.KeyAuthMethod), "flow": req.Flow.Slug,
	})
	return executor.Next(), nil
}
