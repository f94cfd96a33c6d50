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
	require.Equal(t, "dummy", dummy.Kind)
	require.Equal(t, dummy.Kind, (&dummy.Stage{}).Kind())
	require.Equal(t, dummy.Kind, dummy.Response{}.ResponseKind())
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()

	kinds := executor.NewStageKinds(dummy.Definition())
	typedconfigtest.RunValidation(t, kinds, dummy.Kind, []typedconfigtest.Case{
		{Name: "defaults", Want: &dummy.Config{}},
		{Name: "throw error", Config: `{"throw_error": true}`, Want: &dummy.Config{ThrowError: true}},
		{Name: "throw error not a bool", Config: `{"throw_error": "yes"}`, Field: "throw_error"},
		{Name: "unknown field", Config: `{"delay": 5}`, Field: "delay"},
	})
}

type testBundle struct {
	env   *stagetest.Env
	kinds *executor.StageKinds
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	return &testBundle{env: stagetest.New(t, dialect.SQLite), kinds: executor.NewStageKinds(dummy.Definition())}
}

func (b *testBundle) stage(t *testing.T, config string) executor.Interactive {
	t.Helper()
	s, ok := b.env.Build(t, b.kinds, dummy.Kind, config).(executor.Interactive)
	require.True(t, ok, "a dummy stage is interactive")
	return s
}

func TestChallenge(t *testing.T) {
	t.Parallel()

	b := setup(t)
	req := b.env.Request(dummy.Kind)
	req.Entry.Name = "Welcome aboard"
	b.env.Golden(t, b.stage(t, `{}`), req, "continue")
}

func TestSubmit(t *testing.T) {
	t.Parallel()

	b := setup(t)
	s := b.stage(t, `{}`)
	for _, resp := range []executor.Response{&dummy.Response{Continue: true}, &dummy.Response{}, nil} {
		req := b.env.Request(dummy.Kind)
		res, err := s.Submit(b.env.Ctx, req, resp)
		require.NoError(t, err)
		require.Equal(t, executor.Next(), res)
		require.Empty(t, req.Execution.Context)
	}
}

func TestThrowError(t *testing.T) {
	t.Parallel()

	b := setup(t)
	s := b.stage(t, `{"throw_error": true}`)
	ch, err := s.Challenge(b.env.Ctx, b.env.Request(dummy.Kind))
	require.Error(t, err)
	require.Nil(t, ch)
	res, err := s.Submit(b.env.Ctx, b.env.Request(dummy.Kind), &dummy.Response{Continue: true})
	require.Error(t, err, "an internal error, not an outcome")
	require.Equal(t, executor.Result{}, res)
}
