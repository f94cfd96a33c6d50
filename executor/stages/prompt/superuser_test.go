package prompt_test

import (
	"strconv"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor"
)

// A validation policy learns whether the pending user is a superuser
// (through a child group too).
func TestValidationPoliciesSeeTheSuperuser(t *testing.T) {
	t.Parallel()
	b := setup(t, dialect.SQLite)
	admins, err := b.env.Client.Group.Create().SetName("admins").SetIsSuperuser(true).Save(b.env.Ctx)
	require.NoError(t, err)
	root := b.env.User(t, "root", "", "")
	_, err = b.env.Client.Group.Create().SetName("operators").AddParents(admins).AddUsers(root).Save(b.env.Ctx)
	require.NoError(t, err)
	alice := b.env.User(t, "alice", "", "")
	only := b.policy(t, "superusers-only", "expression", `{"expression": "{\"pass\": user.is_superuser, \"message\": \"Superusers only.\"}"}`)
	s := b.stage(t, `{"fields": [{"field_key": "name", "label": "Name", "type": "text"}], "validation_policies": [`+strconv.Itoa(only)+`]}`)

	require.Equal(t, executor.ResultNext, b.submit(t, s, b.request(t, root), `{"name": "Root"}`).Kind())
	res := b.submit(t, s, b.request(t, alice), `{"name": "Alice"}`)
	require.Equal(t, executor.ResultRetry, res.Kind())
	require.Equal(t, "Superusers only.", res.Errors()[0].Message)
}
