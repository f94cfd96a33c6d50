package redirect_test

import (
	"fmt"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/redirect"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

func TestKind(t *testing.T) {
	t.Parallel()
	stagetest.RequireKind(t, "redirect", redirect.Kind, &redirect.Stage{})
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()

	static := func(target string) string { return fmt.Sprintf(`{"target_static": %q}`, target) }
	stagetest.RunValidation(t, redirect.Definition(), []typedconfigtest.Case{
		{Name: "https URL", Config: static("https://app.example.com/welcome?x=1#top")},
		{Name: "http URL", Config: static("http://intranet.example:8080/")},
		{Name: "absolute path", Config: static("/if/user/")},
		{Name: "path with query", Config: static("/app?tab=profile")},
		{Name: "defaults with a target", Config: static("/app"), Want: &redirect.Config{Mode: redirect.ModeStatic, TargetStatic: "/app", KeepContext: true}},
		{Name: "flow mode", Config: `{"mode": "flow", "target_flow": 7, "keep_context": false}`},
		{Name: "flow mode ignores target_static", Config: `{"mode": "flow", "target_flow": 7, "target_static": "javascript:x"}`},
		{Name: "default target", Config: `{}`, Field: "target_static"},
		{Name: "empty target", Config: static(""), Field: "target_static"},
		{Name: "relative path", Config: static("app/welcome"), Field: "target_static"},
		{Name: "protocol-relative URL", Config: static("//evil.example/"), Field: "target_static"},
		{Name: "backslash path", Config: static("/\\evil.example"), Field: "target_static"},
		{Name: "path with newline", Config: static("/app\nSet-Cookie: x"), Field: "target_static"},
		{Name: "javascript URL", Config: static("javascript:alert(1)"), Field: "target_static"},
		{Name: "data URL", Config: static("data:text/html,hi"), Field: "target_static"},
		{Name: "ftp URL", Config: static("ftp://files.example/"), Field: "target_static"},
		{Name: "URL without host", Config: static("https:///path"), Field: "target_static"},
		{Name: "URL with credentials", Config: static("https://user:pass@app.example/"), Field: "target_static"},
		{Name: "flow mode without flow", Config: `{"mode": "flow"}`, Field: "target_flow"},
		{Name: "unknown mode", Config: `{"mode": "popup", "target_static": "/app"}`, Field: "mode"},
		{Name: "empty mode", Config: `{"mode": "", "target_static": "/app"}`, Field: "mode"},
		{Name: "unknown field", Config: `{"target": "/app"}`, Field: "target"},
	})
}

func TestModeGQL(t *testing.T) {
	t.Parallel()
	typedconfigtest.RunEnum(t, redirect.Modes, "static")
}

// run builds a redirect stage of config in env and runs it in an
// execution whose context names a redirect of its own, which the stage
// must not follow.
func run(t *testing.T, env *stagetest.Env, config string) (executor.Result, error) {
	t.Helper()
	req := env.Request(redirect.Kind)
	require.NoError(t, req.Execution.Context.Set(executor.KeyRedirect, "/from-context"))
	return env.Runner(t, redirect.Kind, config).Run(env.Ctx, req)
}

func TestRunStatic(t *testing.T) {
	t.Parallel()

	env := stagetest.New(t, dialect.SQLite, redirect.Definition())
	for _, target := range []string{"https://app.example.com/welcome?x=1", "/if/user/"} {
		res, err := run(t, env, fmt.Sprintf(`{"mode": "static", "target_static": %q}`, target))
		require.NoError(t, err)
		require.Equal(t, executor.RedirectTo(target), res, "the configured target, whatever the context says")
	}
}

func TestRunFlow(t *testing.T) {
	t.Parallel()

	stagetest.EachDialect(t, func(t *testing.T, d string) {
		env := stagetest.New(t, d, redirect.Definition())
		f := env.Client.Flow.Create().SetSlug("next-steps").SetName("Next steps").SetTitle("Next steps").
			SetDesignation(enum.FlowDesignationStageConfiguration).SaveX(env.Ctx)

		res, err := run(t, env, fmt.Sprintf(`{"mode": "flow", "target_flow": %d}`, f.ID))
		require.NoError(t, err)
		require.Equal(t, executor.ContinueIn("next-steps", true), res, "the context is kept by default")
		require.Equal(t, executor.ResultContinue, res.Kind())
		require.Equal(t, "next-steps", res.To())

		res, err = run(t, env, fmt.Sprintf(`{"mode": "flow", "target_flow": %d, "keep_context": false}`, f.ID))
		require.NoError(t, err)
		require.Equal(t, executor.ContinueIn("next-steps", false), res)
		require.NotEqual(t, executor.ContinueIn("next-steps", true), res)

		// A static target set alongside is ignored in flow mode.
		res, err = run(t, env, fmt.Sprintf(`{"mode": "flow", "target_flow": %d, "target_static": "/app"}`, f.ID))
		require.NoError(t, err)
		require.Equal(t, executor.ContinueIn("next-steps", true), res)

		env.Client.Flow.DeleteOne(f).ExecX(env.Ctx)
		_, err = run(t, env, fmt.Sprintf(`{"mode": "flow", "target_flow": %d}`, f.ID))
		require.Error(t, err, "a missing target flow is a configuration failure, not an outcome")
	})
}
