package prompt_test

import (
	"strconv"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/prompt"
)

// A validation policy learns whether the pending user is a superuser
// (through a child group too).
func TestValidationPoliciesSeeTheSuperuser(t *testing.T) {
	t.Parallel()
	env := setup(t, dialect.SQLite)
	admins, err := env.Client.Group.Create().SetName("admins").SetIsSuperuser(true).Save(env.Ctx)
	require.NoError(t, err)
	root := env.User(t, "root", "", "")
	_, err = env.Client.Group.Create().SetName("operators").AddParents(admins).AddUsers(root).Save(env.Ctx)
	require.NoError(t, err)
	alice := env.User(t, "alice", "", "")
	only := policy(t, env, "superusers-only", "expression", `{"expression": "{\"pass\": user.is_superuser, \"message\": \"Superusers only.\"}"}`)
	s := env.Interactive(t, prompt.Kind, `{"fields": [{"field_key": "name", "label": "Name", "type": "text"}], "validation_policies": [`+strconv.Itoa(only)+`]}`)

	require.Equal(t, executor.ResultNext, submit(t, env, s, env.RequestAbout(t, prompt.Kind, root), `{"name": "Root"}`).Kind())
	res := submit(t, env, s, env.RequestAbout(t, prompt.Kind, alice), `{"name": "Alice"}`)
	require.Equal(t, executor.ResultRetry, res.Kind())
	require.Equal(t, "Superusers only.", res.Errors()[0].Message)
}
