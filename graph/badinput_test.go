package graph_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

func TestBadInputGetsClearErrors(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		b.createFlow(t, "login", "authentication")
		denyID := b.createStage(t, "deny", map[string]any{"deny": map[string]any{}})
		createFlow := `mutation($in: CreateFlowInput!) { createFlow(input: $in) { id } }`
		flowIn := func(slug string) map[string]any {
			return map[string]any{"in": map[string]any{"slug": slug, "name": "n", "title": "t", "designation": "AUTHENTICATION"}}
		}

		cases := []struct {
			name  string
			query string
			vars  map[string]any
			code  string
			field string
		}{
			{"invalid slug", createFlow, flowIn("Not A Slug"), "VALIDATION_FAILED", "slug"},
			{"duplicate slug", createFlow, flowIn("login"), "CONFLICT", "slug"},
			{"unknown enum literal", `mutation { createFlow(input: {slug: "x", name: "x", title: "x", designation: LOGIN}) { id } }`, nil, "GRAPHQL_VALIDATION_FAILED", ""},
			{"lower-case enum variable", createFlow, map[string]any{"in": map[string]any{"slug": "x", "name": "n", "title": "t", "designation": "authentication"}}, "BAD_USER_INPUT", ""},
			{"unsafe background", createFlow, map[string]any{"in": map[string]any{"slug": "x", "name": "n", "title": "t", "designation": "AUTHENTICATION", "background": "javascript:alert(1)"}}, "VALIDATION_FAILED", "background"},
			{"blank name", createFlow, map[string]any{"in": map[string]any{"slug": "x", "name": "  ", "title": "t", "designation": "AUTHENTICATION"}}, "VALIDATION_FAILED", "name"},
			{"malformed id", `{ node(id: "abc") { id } }`, nil, "BAD_USER_INPUT", ""},
			{
				"two config members (variables)", `mutation($c: StageConfigInput!) { createStage(input: {name: "s", config: $c}) { id } }`,
				map[string]any{"c": map[string]any{"deny": map[string]any{}, "dummy": map[string]any{}}},
				"VALIDATION_FAILED", "config",
			},
			{"two config members (literal)", `mutation { createStage(input: {name: "s", config: {deny: {}, dummy: {}}}) { id } }`, nil, "GRAPHQL_VALIDATION_FAILED", ""},
			{"dangling reference", `mutation { createStage(input: {name: "s", config: {identification: {passwordStageID: "999999"}}}) { id } }`, nil, "VALIDATION_FAILED", "config.passwordStage"},
			{
				"reference of the wrong kind", `mutation($p: ID!) { createStage(input: {name: "s", config: {identification: {passwordStageID: $p}}}) { id } }`,
				map[string]any{"p": denyID},
				"VALIDATION_FAILED", "config.passwordStage",
			},
			{"flow of the wrong designation", `mutation { createStage(input: {name: "s", config: {password: {configureFlowID: "12884901888"}}}) { id } }`, nil, "VALIDATION_FAILED", "config.configureFlow"},
			{"invalid config value", `mutation { createStage(input: {name: "s", config: {password: {failedAttemptsBeforeCancel: 0}}}) { id } }`, nil, "VALIDATION_FAILED", "config.failedAttemptsBeforeCancel"},
			{"empty user fields", `mutation { createStage(input: {name: "s", config: {identification: {userFields: []}}}) { id } }`, nil, "VALIDATION_FAILED", "config.userFields"},
			{"config of another kind", `mutation($id: ID!) { updateStage(id: $id, input: {config: {dummy: {}}}) { id } }`, map[string]any{"id": denyID}, "VALIDATION_FAILED", "config"},
			{"invalid expression", `mutation { createPolicy(input: {name: "p", config: {expression: {expression: "user.name ==="}}}) { id } }`, nil, "VALIDATION_FAILED", "config.expression"},
			{"non-bool expression", `mutation { createPolicy(input: {name: "p", config: {expression: {expression: "1 + 2"}}}) { id } }`, nil, "VALIDATION_FAILED", "config.expression"},
			{
				"dangling binding reference", `mutation($f: ID!) { createFlowStageBinding(input: {flowID: $f, stageID: "999999", order: 1}) { id } }`,
				map[string]any{"f": "12884901888"},
				"VALIDATION_FAILED", "",
			},
			{"expiring token without expiry", `mutation { createToken(input: {identifier: "t"}) { key } }`, nil, "VALIDATION_FAILED", "expires"},
			{"short password", `mutation { createUser(input: {username: "u"}, password: "short") { id } }`, nil, "VALIDATION_FAILED", "password"},
			{"bad email", `mutation { createUser(input: {username: "u", email: "not-an-email"}) { id } }`, nil, "VALIDATION_FAILED", "email"},
			{"username differing in case", `mutation { createUser(input: {username: "ALICE"}) { id } }`, nil, "CONFLICT", "username"},
			{"whitespace in username", `mutation { createUser(input: {username: "a b"}) { id } }`, nil, "VALIDATION_FAILED", "username"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := requireCode(t, b.do(t, b.admin, c.query, c.vars), c.code)
				if c.field != "" {
					require.Equal(t, c.field, e.Extensions["field"], e.Message)
				}
				require.NotContains(t, e.Message, "ent:")
				require.NotContains(t, e.Message, "SQL")
			})
		}

		// None of the refused writes left anything behind.
		ctx := viewer.SystemContext(context.Background())
		n, err := b.client.Stage.Query().Count(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n, "only the deny stage exists")
		n, err = b.client.Flow.Query().Count(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		n, err = b.client.User.Query().Count(ctx)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		n, err = b.client.ConfigReference.Query().Count(ctx)
		require.NoError(t, err)
		require.Zero(t, n)
	})
}

func TestMutationIsAllOrNothing(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		resp := b.do(t, b.admin, `mutation {
			a: createFlow(input: {slug: "first", name: "n", title: "t", designation: AUTHENTICATION}) { id }
			b: createFlow(input: {slug: "Bad Slug", name: "n", title: "t", designation: AUTHENTICATION}) { id } }`, nil)
		requireCode(t, resp, "VALIDATION_FAILED")
		n, err := b.client.Flow.Query().Count(viewer.SystemContext(context.Background()))
		require.NoError(t, err)
		require.Zero(t, n, "the first field's write was rolled back with the second's failure")
	})
}

func TestReferencesProtectDeletes(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		loginID := b.createFlow(t, "login", "authentication")
		signupID := b.createFlow(t, "signup", "enrollment")
		pwID := b.createStage(t, "pw", map[string]any{"password": map[string]any{}})
		identID := b.createStage(t, "ident", map[string]any{"identification": map[string]any{"passwordStageID": pwID, "enrollmentFlowID": signupID}})
		b.mustDo(t, b.admin, `mutation($f: ID!, $s: ID!) { createFlowStageBinding(input: {flowID: $f, stageID: $s, order: 20}) { id } }`,
			map[string]any{"f": loginID, "s": pwID}, nil)
		b.mustDo(t, b.admin, `mutation($f: ID!) { createBrand(input: {domain: "example.com", flowAuthenticationID: $f}) { id } }`,
			map[string]any{"f": loginID}, nil)

		e := requireCode(t, b.do(t, b.admin, `mutation($id: ID!) { deleteStage(id: $id) }`, map[string]any{"id": pwID}), "REFERENCED")
		require.Contains(t, e.Message, `stage "pw" is still used by`)
		require.Equal(t, []any{
			map[string]any{"type": "flow", "id": loginID, "name": "login", "field": "bindings #20"},
			map[string]any{"type": "stage", "id": identID, "name": "ident", "field": "passwordStage"},
		}, e.Extensions["referrers"])

		e = requireCode(t, b.do(t, b.admin, `mutation($id: ID!) { deleteFlow(id: $id) }`, map[string]any{"id": loginID}), "REFERENCED")
		require.Contains(t, e.Message, `brand "example.com" (flow_authentication)`)
		e = requireCode(t, b.do(t, b.admin, `mutation($id: ID!) { deleteFlow(id: $id) }`, map[string]any{"id": signupID}), "REFERENCED")
		require.Contains(t, e.Message, `stage "ident" (enrollment_flow)`)
		e = requireCode(t, b.do(t, b.admin, `mutation($id: ID!) { updateFlow(id: $id, input: {designation: RECOVERY}) { id } }`, map[string]any{"id": signupID}), "VALIDATION_FAILED")
		require.Equal(t, "designation", e.Extensions["field"])

		// Repointing the config releases the old target.
		b.mustDo(t, b.admin, `mutation($id: ID!) { updateStage(id: $id, input: {config: {identification: {}}}) { id } }`, map[string]any{"id": identID}, nil)
		b.mustDo(t, b.admin, `mutation($id: ID!) { deleteFlow(id: $id) }`, map[string]any{"id": signupID}, nil)

		var pol struct{ CreatePolicy struct{ ID string } }
		b.mustDo(t, b.admin, `mutation { createPolicy(input: {name: "p", config: {dummy: {result: true}}}) { id } }`, nil, &pol)
		b.mustDo(t, b.admin, `mutation($p: ID!, $f: ID!) { createPolicyBinding(input: {policyID: $p, flowID: $f}) { id } }`,
			map[string]any{"p": pol.CreatePolicy.ID, "f": loginID}, nil)
		e = requireCode(t, b.do(t, b.admin, `mutation($id: ID!) { deletePolicy(id: $id) }`, map[string]any{"id": pol.CreatePolicy.ID}), "REFERENCED")
		require.Contains(t, e.Message, `flow "login" (policy_bindings)`)
	})
}

func TestStructuralRules(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		loginID := b.createFlow(t, "login", "authentication")
		var groups struct {
			A struct{ ID string }
			B struct{ ID string }
		}
		b.mustDo(t, b.admin, `mutation { a: createGroup(input: {name: "a"}) { id } }`, nil, &groups)
		var bg struct{ B struct{ ID string } }
		b.mustDo(t, b.admin, `mutation($p: ID!) { b: createGroup(input: {name: "b", parentIDs: [$p]}) { id } }`, map[string]any{"p": groups.A.ID}, &bg)

		e := requireCode(t, b.do(t, b.admin, `mutation($id: ID!, $c: ID!) { updateGroup(id: $id, input: {addParentIDs: [$c]}) { id } }`,
			map[string]any{"id": groups.A.ID, "c": bg.B.ID}), "VALIDATION_FAILED")
		require.Contains(t, e.Message, "cycle")
		e = requireCode(t, b.do(t, b.admin, `mutation($id: ID!) { deleteGroup(id: $id) }`, map[string]any{"id": groups.A.ID}), "REFERENCED")
		require.Contains(t, e.Message, `group "b" (parents)`)

		e = requireCode(t, b.do(t, b.admin, `mutation($f: ID!, $u: ID!, $g: ID!) { createPolicyBinding(input: {flowID: $f, userID: $u, groupID: $g}) { id } }`,
			map[string]any{"f": loginID, "u": itoa(b.alice.UserID), "g": groups.A.ID}), "VALIDATION_FAILED")
		require.Contains(t, e.Message, "exactly one of policy, user or group")
		requireCode(t, b.do(t, b.admin, `mutation($u: ID!) { createPolicyBinding(input: {userID: $u}) { id } }`,
			map[string]any{"u": itoa(b.alice.UserID)}), "VALIDATION_FAILED")

		b.mustDo(t, b.admin, `mutation { createBrand(input: {domain: "a.example.com", isDefault: true}) { id } }`, nil, nil)
		requireCode(t, b.do(t, b.admin, `mutation { createBrand(input: {domain: "b.example.com", isDefault: true}) { id } }`, nil), "CONFLICT")
	})
}

// TestBadTextIsRefused: text that PostgreSQL cannot store (a NUL
// character; invalid UTF-8) and values of the wrong kind for a String are
// refused as BAD_USER_INPUT on both backends alike, naming the argument but
// not the value, and nothing is written. PostgreSQL answered a NUL with
// INTERNAL_SERVER_ERROR (SQLSTATE 22021); SQLite stored it.
func TestBadTextIsRefused(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		aliceID := itoa(b.alice.UserID)
		createUser := `mutation($in: CreateUserInput!) { createUser(input: $in) { id } }`
		updateUser := `mutation($id: ID!, $in: UpdateUserInput!) { updateUser(id: $id, input: $in) { id } }`
		cases := []struct {
			name, query string
			vars        map[string]any
			argument    string
		}{
			{"NUL in a username", createUser, map[string]any{"in": map[string]any{"username": "eve\x00admin"}}, "createUser.input.username"},
			{"NUL in a name", createUser, map[string]any{"in": map[string]any{"username": "eve", "name": "Eve\x00"}}, "createUser.input.name"},
			{"NUL in a literal", `mutation { createUser(input: {username: "eve\u0000"}) { id } }`, nil, "createUser.input.username"},
			{"number for a username", createUser, map[string]any{"in": map[string]any{"username": 42}}, "createUser.input.username"},
			{"NUL in an attribute key", updateUser, map[string]any{"id": aliceID, "in": map[string]any{"attributes": map[string]any{"role\x00": "admin"}}}, "updateUser.input.attributes"},
			{"NUL in a nested attribute", updateUser, map[string]any{"id": aliceID, "in": map[string]any{"attributes": map[string]any{"a": []any{map[string]any{"b": "\x00"}}}}}, "updateUser.input.attributes"},
			{"NUL in a password", `mutation($in: CreateUserInput!, $p: String) { createUser(input: $in, password: $p) { id } }`, map[string]any{"in": map[string]any{"username": "eve"}, "p": "long enough\x00"}, "createUser.password"},
			{"NUL in a flow slug", `mutation($s: String!) { createFlow(input: {slug: $s, name: "n", title: "t", designation: AUTHENTICATION}) { id } }`, map[string]any{"s": "a\x00"}, "createFlow.input.slug"},
			{"NUL in an ID", `query($id: ID!) { flowExecution(id: $id) { id } }`, map[string]any{"id": "x\x00"}, "flowExecution.id"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := requireCode(t, b.do(t, b.admin, c.query, c.vars), "BAD_USER_INPUT")
				require.Contains(t, e.Message, c.argument)
				require.NotContains(t, e.Message, "\x00")
				require.NotContains(t, e.Message, "42")
			})
		}

		ctx := viewer.SystemContext(context.Background())
		n, err := b.client.User.Query().Count(ctx)
		require.NoError(t, err)
		require.Equal(t, 2, n, "no user was created")
		alice, err := b.client.User.Get(ctx, b.alice.UserID)
		require.NoError(t, err)
		require.Empty(t, alice.Attributes, "alice's attributes are unchanged")
		n, err = b.client.Flow.Query().Count(ctx)
		require.NoError(t, err)
		require.Zero(t, n)
	})
}
