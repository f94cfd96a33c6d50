package redirect_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/redirect"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/problem"
)

func TestKind(t *testing.T) {
	t.Parallel()
	require.Equal(t, "redirect", redirect.Kind)
	require.Equal(t, redirect.Kind, (&redirect.Stage{}).Kind())
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()

	static := func(target string) string { return fmt.Sprintf(`{"target_static": %q}`, target) }
	tests := []struct {
		name      string
		config    string
		wantField string
	}{
		{name: "https URL", config: static("https://app.example.com/welcome?x=1#top")},
		{name: "http URL", config: static("http://intranet.example:8080/")},
		{name: "absolute path", config: static("/if/user/")},
		{name: "path with query", config: static("/app?tab=profile")},
		{name: "flow mode", config: `{"mode": "flow", "target_flow": 7, "keep_context": false}`},
		{name: "flow mode ignores target_static", config: `{"mode": "flow", "target_flow": 7, "target_static": "javascript:x"}`},
		{name: "default target", config: `{}`, wantField: "target_static"},
		{name: "empty target", config: static(""), wantField: "target_static"},
		{name: "relative path", config: static("app/welcome"), wantField: "target_static"},
		{name: "protocol-relative URL", config: static("//evil.example/"), wantField: "target_static"},
		{name: "backslash path", config: static("/\\evil.example"), wantField: "target_static"},
		{name: "path with newline", config: static("/app\nSet-Cookie: x"), wantField: "target_static"},
		{name: "javascript URL", config: static("javascript:alert(1)"), wantField: "target_static"},
		{name: "data URL", config: static("data:text/html,hi"), wantField: "target_static"},
		{name: "ftp URL", config: static("ftp://files.example/"), wantField: "target_static"},
		{name: "URL without host", config: static("https:///path"), wantField: "target_static"},
		{name: "URL with credentials", config: static("https://user:pass@app.example/"), wantField: "target_static"},
		{name: "flow mode without flow", config: `{"mode": "flow"}`, wantField: "target_flow"},
		{name: "unknown mode", config: `{"mode": "popup", "target_static": "/app"}`, wantField: "mode"},
		{name: "empty mode", config: `{"mode": "", "target_static": "/app"}`, wantField: "mode"},
		{name: "unknown field", config: `{"target": "/app"}`, wantField: "target"},
	}
	kinds := executor.NewStageKinds(redirect.Definition())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := kinds.Decode(redirect.Kind, []byte(tt.config))
			if tt.wantField == "" {
				require.NoError(t, err)
				return
			}
			var fe *problem.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, "config."+tt.wantField, fe.Field, "error: %v", err)
			require.NotEmpty(t, fe.Message)
		})
	}

	t.Run("Defaults", func(t *testing.T) {
		t.Parallel()
		cfg, err := kinds.Decode(redirect.Kind, []byte(`{"target_static": "/app"}`))
		require.NoError(t, err)
		require.Equal(t, &redirect.Config{Mode: redirect.ModeStatic, TargetStatic: "/app", KeepContext: true}, cfg)
	})
}

func TestModeGQL(t *testing.T) {
	t.Parallel()

	for _, m := range redirect.Modes {
		var buf bytes.Buffer
		m.MarshalGQL(&buf)
		require.Equal(t, `"`+strings.ToUpper(string(m))+`"`, buf.String())
		var back redirect.Mode
		require.NoError(t, back.UnmarshalGQL(strings.ToUpper(string(m))))
		require.Equal(t, m, back)
	}
	var m redirect.Mode
	require.Error(t, m.UnmarshalGQL("static"))
}

type testBundle struct {
	env   *stagetest.Env
	kinds *executor.StageKinds
}

func setup(t *testing.T, d string) *testBundle {
	t.Helper()
	return &testBundle{env: stagetest.New(t, d), kinds: executor.NewStageKinds(redirect.Definition())}
}

// run builds a redirect stage of config and runs it.
func (b *testBundle) run(t *testing.T, config string) (executor.Result, error) {
	t.Helper()
	s, ok := b.env.Build(t, b.kinds, redirect.Kind, config).(executor.Runner)
	require.True(t, ok, "redirect is a runner")
	req := b.env.Request(redirect.Kind)
	require.NoError(t, req.Execution.Context.Set(executor.KeyRedirect, "/from-context"))
	return s.Run(b.env.Ctx, req)
}

func TestRunStatic(t *testing.T) {
	t.Parallel()

	b := setup(t, dialect.SQLite)
	for _, target := range []string{"https://app.example.com/welcome?x=1", "/if/user/"} {
		res, err := b.run(t, fmt.Sprintf(`{"mode": "static", "target_static": %q}`, target))
		require.NoError(t, err)
		require.Equal(t, executor.RedirectTo(target), res, "the configured target, whatever the context says")
	}
}

func TestRunFlow(t *testing.T) {
	t.Parallel()

	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			f := b.env.Client.Flow.Create().SetSlug("next-steps").SetName("Next steps").SetTitle("Next steps").
				SetDesignation(enum.FlowDesignationStageConfiguration).SaveX(b.env.Ctx)

			res, err := b.run(t, fmt.Sprintf(`{"mode": "flow", "target_flow": %d}`, f.ID))
			require.NoError(t, err)
			require.Equal(t, executor.ContinueIn("next-steps", true), res, "the context is kept by default")
			require.Equal(t, executor.ResultContinue, res.Kind())
			require.Equal(t, "next-steps", res.To())

			res, err = b.run(t, fmt.Sprintf(`{"mode": "flow", "target_flow": %d, "keep_context": false}`, f.ID))
			require.NoError(t, err)
			require.Equal(t, executor.ContinueIn("next-steps", false), res)
			require.NotEqual(t, executor.ContinueIn("next-steps", true), res)

			// A static target set alongside is ignored in flow mode.
			res, err = b.run(t, fmt.Sprintf(`{"mode": "flow", "target_flow": %d, "target_static": "/app"}`, f.ID))
			require.NoError(t, err)
			require.Equal(t, executor.ContinueIn("next-steps", true), res)

			b.env.Client.Flow.DeleteOne(f).ExecX(b.env.Ctx)
			_, err = b.run(t, fmt.Sprintf(`{"mode": "flow", "target_flow": %d}`, f.ID))
			require.Error(t, err, "a missing target flow is a configuration failure, not an outcome")
		})
	}
}
