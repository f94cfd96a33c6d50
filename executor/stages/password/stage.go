package password

import (
	"context"
	"fmt"

	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/internal/passcheck"
)

// Challenge asks for the pending user's password.
type Challenge struct {
	executor.ChallengeBase

	// AllowShowPassword lets the client offer to reveal the input.
	AllowShowPassword bool `json:"allow_show_password"`
}

// Response carries the password.
type Response struct {
	Password string `json:"password"`
}

// ResponseKind implements executor.Response.
func (Response) ResponseKind() string { return Kind }

// Stage checks the pending user's password.
type Stage struct {
	cfg     *Config
	deps    executor.Deps
	checker *passcheck.Checker
}

// New builds a password stage.
func New(cfg *Config, deps executor.Deps) (executor.Stage, error) {
	return &Stage{
		cfg:     cfg,
		deps:    deps,
		checker: &passcheck.Checker{Client: deps.Client, Hasher: deps.Hasher, Counters: deps.Counters, Lockouts: deps.Lockouts, NowFunc: deps.Now},
	}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }

// Challenge implements executor.Interactive.
func (s *Stage) Challenge(context.Context, *executor.Request) (executor.Challenge, error) {
	return &Challenge{AllowShowPassword: s.cfg.AllowShowPassword}, nil
}

// Submit implements executor.Interactive. A wrong password, an unknown
// user (identified with pretend_user_exists) and an inactive user all get
// the same answer; past failed_attempts_before_cancel the flow ends. An
// empty password is asked for again without counting as an attempt, as the
// identification stage's password field does.
func (s *Stage) Submit(ctx context.Context, req *executor.Request, resp executor.Response) (executor.Result, error) {
	r, ok := resp.(*Response)
	if !ok || r.Password == "" {
		return executor.Retry(executor.FieldError{Field: "password", Message: "Enter your password.", Code: "required"}), nil
	}
	u, err := req.PendingUser(ctx, s.deps.Client)
	if err != nil {
		return executor.Result{}, err
	}
	identifier := req.Execution.Context.String(executor.KeyPendingUserIdentifier)
	if u == nil && identifier == "" {
		return executor.Deny("No user has been identified; the flow must identify the user before the password stage."), nil
	}
	verdict, method, err := s.checker.Check(ctx, passcheck.Attempt{
		User: u, Identifier: identifier, Password: r.Password, IP: req.Client.IP, Backends: s.cfg.PasswordSettings().Backends,
	})
	if err != nil {
		return executor.Result{}, fmt.Errorf("check password: %w", err)
	}
	return passcheck.Judge(ctx, s.deps, req, u, verdict, method, identifier, s.cfg.FailedAttemptsBeforeCancel, "password")
}
