package stagetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

// Interactive builds a stage of kind from config with e.Kinds and fails
// the test unless it is an executor.Interactive.
func (e *Env) Interactive(t *testing.T, kind, config string) executor.Interactive {
	t.Helper()
	s, ok := e.Build(t, e.Kinds, kind, config).(executor.Interactive)
	require.True(t, ok, "a %s stage is interactive", kind)
	return s
}

// Skipper builds a stage of kind from config with e.Kinds and fails the
// test unless it is an executor.Skipper (interactive, and can skip).
func (e *Env) Skipper(t *testing.T, kind, config string) executor.Skipper {
	t.Helper()
	s, ok := e.Build(t, e.Kinds, kind, config).(executor.Skipper)
	require.True(t, ok, "a %s stage is interactive and can skip", kind)
	return s
}

// Runner builds a stage of kind from config with e.Kinds and fails the
// test unless it is an executor.Runner.
func (e *Env) Runner(t *testing.T, kind, config string) executor.Runner {
	t.Helper()
	s, ok := e.Build(t, e.Kinds, kind, config).(executor.Runner)
	require.True(t, ok, "a %s stage is a runner", kind)
	return s
}

// Run builds a runner stage of kind from config (see Runner), runs it on
// req and returns the outcome; an error from Run (an infrastructure
// failure, not an outcome) fails the test.
func (e *Env) Run(t *testing.T, kind, config string, req *executor.Request) executor.Result {
	t.Helper()
	res, err := e.Runner(t, kind, config).Run(e.Ctx, req)
	require.NoError(t, err)
	return res
}

// Submit answers s on req with resp and returns the outcome; an error
// from Submit (an infrastructure failure, not an outcome) fails the test.
func (e *Env) Submit(t *testing.T, s executor.Interactive, req *executor.Request, resp executor.Response) executor.Result {
	t.Helper()
	res, err := s.Submit(e.Ctx, req, resp)
	require.NoError(t, err)
	return res
}

// RequireKind checks a stage kind's names: the constant kind is name (the
// persisted spelling, which must never change), and stage (a stage of the
// kind, zero or built) and each of responses report it.
func RequireKind(t *testing.T, name, kind string, stage executor.Stage, responses ...executor.Response) {
	t.Helper()
	require.Equal(t, name, kind)
	require.Equal(t, kind, stage.Kind())
	for _, r := range responses {
		require.Equal(t, kind, r.ResponseKind(), "%T", r)
	}
}

// RunValidation runs typedconfigtest.RunValidation on the configs of the
// stage kind def, decoded by a registry of def alone.
func RunValidation(t *testing.T, def executor.StageKind, cases []typedconfigtest.Case) {
	t.Helper()
	typedconfigtest.RunValidation(t, executor.NewStageKinds(def), def.Name, cases)
}

// passwordField is the key of the password field of stages that embed the
// password check.
const passwordField = "password"

// The password field's answers from the password check
// (executor/internal/passcheck) that every stage embedding it gives: the
// same for every user, known or not.
var (
	// ErrPasswordInvalid answers a wrong password, or any for an unknown,
	// inactive or password-less user.
	ErrPasswordInvalid = executor.FieldError{Field: passwordField, Message: "Invalid username or password.", Code: "invalid"}
	// ErrPasswordThrottled answers any password past the check's limits.
	ErrPasswordThrottled = executor.FieldError{Field: passwordField, Message: "Too many failed attempts. Try again later.", Code: "rate_limited"}
	// ErrPasswordRequired answers a missing password; it is no failed
	// attempt.
	ErrPasswordRequired = executor.FieldError{Field: passwordField, Message: "Enter your password.", Code: "required"}
)
