package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

type policyTest struct {
	TestPolicy struct {
		Passing  bool
		Messages []string
		Context  map[string]any
		Trace    []struct {
			BindingID *string
			Subject   string
			Name      string
			Passing   bool
			Negated   bool
			Error     *string
			Messages  []string
		}
	}
}

const testPolicyQuery = `query($in: PolicyTestInput!) { testPolicy(input: $in) {
  passing messages context trace { bindingId subject name passing negated error messages } } }`

func TestTestPolicy(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		var pol struct{ CreatePolicy struct{ ID string } }
		b.mustDo(t, b.admin, `mutation { createPolicy(input: {name: "staff-only", config: {expression: {expression: "has(user.username) && user.username == 'alice'"}}}) { id } }`, nil, &pol)
		flowID := b.createFlow(t, "guarded", "authentication")
		var binding struct{ CreatePolicyBinding struct{ ID string } }
		b.mustDo(t, b.admin, `mutation($p: ID!, $f: ID!) { createPolicyBinding(input: {policyID: $p, flowID: $f, order: 0}) { id } }`,
			map[string]any{"p": pol.CreatePolicy.ID, "f": flowID}, &binding)

		ask := func(in map[string]any) policyTest {
			var out policyTest
			b.mustDo(t, b.admin, testPolicyQuery, map[string]any{"in": in}, &out)
			return out
		}
		aliceID := itoa(b.alice.UserID)
		got := ask(map[string]any{"flowId": flowID, "userId": aliceID})
		require.True(t, got.TestPolicy.Passing)
		require.Len(t, got.TestPolicy.Trace, 1)
		require.Equal(t, binding.CreatePolicyBinding.ID, *got.TestPolicy.Trace[0].BindingID)
		require.Equal(t, "staff-only", got.TestPolicy.Trace[0].Name)

		got = ask(map[string]any{"flowId": flowID})
		require.False(t, got.TestPolicy.Passing, "anonymous does not pass")
		require.False(t, got.TestPolicy.Trace[0].Passing)

		got = ask(map[string]any{"policyId": pol.CreatePolicy.ID, "userId": itoa(b.admin.UserID)})
		require.False(t, got.TestPolicy.Passing, "root is not alice")
		require.Nil(t, got.TestPolicy.Trace[0].BindingID)

		// An application's bindings, its `application` variable filled.
		var app struct{ CreateApplication struct{ ID string } }
		b.mustDo(t, b.admin, `mutation { createApplication(input: {name: "Wiki", slug: "wiki", group: "docs"}) { id } }`, nil, &app)
		var appPol struct{ CreatePolicy struct{ ID string } }
		b.mustDo(t, b.admin, `mutation { createPolicy(input: {name: "docs-apps", config: {expression: {expression: "application.group == 'docs' && application.slug == 'wiki'"}}}) { id } }`, nil, &appPol)
		b.mustDo(t, b.admin, `mutation($p: ID!, $a: ID!) { createPolicyBinding(input: {policyID: $p, applicationID: $a, order: 0}) { id } }`,
			map[string]any{"p": appPol.CreatePolicy.ID, "a": app.CreateApplication.ID}, nil)
		got = ask(map[string]any{"applicationId": app.CreateApplication.ID, "userId": aliceID})
		require.True(t, got.TestPolicy.Passing, "the expression saw the application: %+v", got.TestPolicy.Trace)
		require.Equal(t, "docs-apps", got.TestPolicy.Trace[0].Name)
		b.mustDo(t, b.admin, `mutation($a: ID!) { updateApplication(id: $a, input: {group: "finance"}) { id } }`,
			map[string]any{"a": app.CreateApplication.ID}, nil)
		got = ask(map[string]any{"applicationId": app.CreateApplication.ID, "userId": aliceID})
		require.False(t, got.TestPolicy.Passing, "now another group")

		// Bad input.
		resp := b.do(t, b.admin, testPolicyQuery, map[string]any{"in": map[string]any{"applicationId": app.CreateApplication.ID, "flowId": flowID}})
		requireCode(t, resp, "VALIDATION_FAILED")
		resp = b.do(t, b.admin, testPolicyQuery, map[string]any{"in": map[string]any{"flowId": flowID, "policyId": pol.CreatePolicy.ID}})
		requireCode(t, resp, "VALIDATION_FAILED")
		resp = b.do(t, b.admin, testPolicyQuery, map[string]any{"in": map[string]any{"flowId": flowID, "clientIp": "not-an-ip"}})
		requireCode(t, resp, "VALIDATION_FAILED")
		resp = b.do(t, b.admin, testPolicyQuery, map[string]any{"in": map[string]any{"flowId": "999999"}})
		requireCode(t, resp, "NOT_FOUND")
		resp = b.do(t, b.alice, testPolicyQuery, map[string]any{"in": map[string]any{"flowId": flowID}})
		requireCode(t, resp, "FORBIDDEN")
	})
}

// testPolicy tells an expression whether the user is a superuser.
func TestTestPolicySuperuser(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite3")
	var pol struct{ CreatePolicy struct{ ID string } }
	b.mustDo(t, b.admin, `mutation { createPolicy(input: {name: "superusers", config: {expression: {expression: "user.is_superuser"}}}) { id } }`, nil, &pol)
	for who, want := range map[int]bool{b.admin.UserID: true, b.alice.UserID: false} {
		var out policyTest
		b.mustDo(t, b.admin, testPolicyQuery, map[string]any{"in": map[string]any{"policyId": pol.CreatePolicy.ID, "userId": itoa(who)}}, &out)
		require.Nil(t, out.TestPolicy.Trace[0].Error)
		require.Equal(t, want, out.TestPolicy.Passing, "user %d", who)
	}
}
