package dummy_test

import (
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/dummy"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

func TestKind(t *testing.T) {
	t.Parallel()
	stagetest.RequireKind(t, "dummy", dummy.Kind, &dummy.Stage{}, dummy.Response{})
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()

	stagetest.RunValidation(t, dummy.Definition(), []typedconfigtest.Case{
		{Name: "defaults", Want: &dummy.Config{}},
		{Name: "throw error", Config: `{"throw_error": true}`, Want: &dummy.Config{ThrowError: true}},
		{Name: "throw error not a bool", Config: `{"throw_error": "yes"}`, Field: "throw_error"},
		{Name: "unknown field", Config: `{"delay": 5}`, Field: "delay"},
	})
}

// setup returns an Env for dummy stages: they need no database, SQLite
// serves.
func setup(t *testing.T) *stagetest.Env {
	t.Helper()
	return stagetest.New(t, dialect.SQLite, dummy.Definition())
}

func TestChallenge(t *testing.T) {
	t.Parallel()

	env := setup(t)
	req := env.Request(dummy.Kind)
	req.Entry.Name = "Welcome aboard"
	env.Golden(t, env.Interactive(t, dummy.Kind, `{}`), req, "continue")
}

func TestSubmit(t *testing.T) {
	t.Parallel()

	env := setup(t)
	s := env.Interactive(t, dummy.Kind, `{}`)
	for _, resp := range []executor.Response{&dummy.Response{Continue: true}, &dummy.Response{}, nil} {
		req := env.Request(dummy.Kind)
		require.Equal(t, executor.Next(), env.Submit(t, s, req, resp))
		require.Empty(t, req.Execution.Context)
	}
}

func TestThrowError(t *testing.T) {
	t.Parallel()

	env := setup(t)
	s := env.Interactive(t, dummy.Kind, `{"throw_error": true}`)
	ch, err := s.Challenge(env.Ctx, env.Request(dummy.Kind))
	require.Error(t, err)
	require.Nil(t, ch)
	res, err := s.Submit(env.Ctx, env.Request(dummy.Kind), &dummy.Response{Continue: true})
	require.Error(t, err, "an internal error, not an outcome")
	require.Equal(t, executor.Result{}, res)
}
