package graph_test

import (
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/scopemapping"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

const (
	createScope = `mutation($in: CreateScopeMappingInput!) { createScopeMapping(input: $in) { id name scopeName description expression } }`
	updateScope = `mutation($id: ID!, $in: UpdateScopeMappingInput!) { updateScopeMapping(id: $id, input: $in) { id scopeName description } }`
	deleteScope = `mutation($id: ID!) { deleteScopeMapping(id: $id) }`
	testScope   = `query($id: ID!, $user: ID!) { testScopeMapping(id: $id, userID: $user) { claims droppedClaims error } }`
)

type scopeMapping struct {
	ID, Name, ScopeName, Description, Expression string
}

// scope creates a scope mapping through the API.
func (b *testBundle) scope(t *testing.T, name, scopeName, expression string) scopeMapping {
	t.Helper()
	var out struct{ CreateScopeMapping scopeMapping }
	b.mustDo(t, b.admin, createScope, map[string]any{"in": map[string]any{
		"name": name, "scopeName": scopeName, "description": "Your " + scopeName, "expression": expression,
	}}, &out)
	return out.CreateScopeMapping
}

// Scope mappings: created, listed, tested for a user and audited; a
// provider may list them; deleting or renaming one a provider lists is
// refused naming the provider; only superusers see any of it.
func TestScopeMappings(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		ctx := viewer.SystemContext(context.Background())
		b.client.User.UpdateOneID(b.alice.UserID).SetAttributes(map[string]any{"department": "Finance"}).ExecX(ctx)
		erp := b.scope(t, "ERP", "erp", `{"department": user.attributes.department, "sub": "x"}`)
		require.Equal(t, "Your erp", erp.Description)
		broken := b.scope(t, "Broken", "urn:example:broken", `{"cost_center": user.attributes.cost_center}`)

		var list struct {
			ScopeMappings struct {
				TotalCount int
				Edges      []struct{ Node scopeMapping }
			}
		}
		b.mustDo(t, b.admin, `{ scopeMappings(orderBy: {field: SCOPE_NAME}) { totalCount edges { node { scopeName } } } }`, nil, &list)
		require.Equal(t, 2, list.ScopeMappings.TotalCount)
		require.Equal(t, "erp", list.ScopeMappings.Edges[0].Node.ScopeName)

		type result struct {
			Claims        map[string]any
			DroppedClaims []string
			Error         *string
		}
		var tested struct{ TestScopeMapping result }
		alice := itoa(b.alice.UserID)
		b.mustDo(t, b.admin, testScope, map[string]any{"id": erp.ID, "user": alice}, &tested)
		require.Equal(t, result{Claims: map[string]any{"department": "Finance"}, DroppedClaims: []string{"sub"}}, tested.TestScopeMapping)
		b.mustDo(t, b.admin, testScope, map[string]any{"id": broken.ID, "user": alice}, &tested)
		require.Nil(t, tested.TestScopeMapping.Claims)
		require.NotNil(t, tested.TestScopeMapping.Error)
		require.Contains(t, *tested.TestScopeMapping.Error, "no such key: cost_center")
		requireCode(t, b.do(t, b.admin, testScope, map[string]any{"id": erp.ID, "user": erp.ID}), "NOT_FOUND")

		// A provider lists the custom scope; an unknown one is refused.
		consent := b.createFlow(t, "consent", enum.FlowDesignationAuthorization)
		p := b.provider(t, consent, map[string]any{"scopes": []string{"openid", "erp"}}).Provider
		require.Equal(t, []string{"openid", "erp"}, p.Scopes)
		e := requireCode(t, b.do(t, b.admin, `mutation($id: ID!) { updateOAuth2Provider(id: $id, input: {scopes: ["openid", "erp", "crm"]}) { id } }`,
			map[string]any{"id": p.ID}), "VALIDATION_FAILED")
		require.Equal(t, "scopes.2", e.Extensions["field"])

		// Deleting or renaming a scope a provider lists is refused.
		e = requireCode(t, b.do(t, b.admin, deleteScope, map[string]any{"id": erp.ID}), "REFERENCED")
		require.Contains(t, e.Message, `"Grafana"`)
		e = requireCode(t, b.do(t, b.admin, updateScope, map[string]any{"id": erp.ID, "in": map[string]any{"scopeName": "erp2"}}), "REFERENCED")
		require.Contains(t, e.Message, `"Grafana"`)
		var updated struct{ UpdateScopeMapping scopeMapping }
		b.mustDo(t, b.admin, updateScope, map[string]any{"id": erp.ID, "in": map[string]any{"scopeName": "erp", "description": "Your department"}}, &updated)
		require.Equal(t, "Your department", updated.UpdateScopeMapping.Description, "other fields may change")
		b.mustDo(t, b.admin, updateScope, map[string]any{"id": broken.ID, "in": map[string]any{"scopeName": "crm"}}, &updated)
		require.Equal(t, "crm", updated.UpdateScopeMapping.ScopeName, "a scope no provider lists may be renamed")
		b.mustDo(t, b.admin, deleteScope, map[string]any{"id": broken.ID}, nil)

		// Writes are audited.
		n, err := b.client.Event.Query().Where(event.ActionIn(enum.EventActionModelCreated, enum.EventActionModelUpdated, enum.EventActionModelDeleted)).All(ctx)
		require.NoError(t, err)
		models := map[string]int{}
		for _, ev := range n {
			if ev.Context["model"] == "scope_mapping" {
				models[string(ev.Action)]++
			}
		}
		require.Equal(t, map[string]int{"model_created": 2, "model_updated": 2, "model_deleted": 1}, models)

		// Only superusers.
		requireCode(t, b.do(t, b.alice, `{ scopeMappings { totalCount } }`, nil), "FORBIDDEN")
		requireCode(t, b.do(t, b.anonymous, `{ scopeMappings { totalCount } }`, nil), "UNAUTHENTICATED")
		requireCode(t, b.do(t, b.alice, createScope, map[string]any{"in": map[string]any{
			"name": "Mine", "scopeName": "mine", "description": "d", "expression": "{}",
		}}), "FORBIDDEN")
		requireCode(t, b.do(t, b.alice, deleteScope, map[string]any{"id": erp.ID}), "FORBIDDEN")
		requireCode(t, b.do(t, b.alice, testScope, map[string]any{"id": erp.ID, "user": alice}), "FORBIDDEN")
		requireCode(t, b.do(t, b.anonymous, testScope, map[string]any{"id": erp.ID, "user": alice}), "UNAUTHENTICATED")
	})
}

func TestScopeMappingBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite3")
	b.scope(t, "Taken", "taken", `{}`)
	tests := []struct {
		name  string
		in    map[string]any
		code  string
		field string
	}{
		{"built-in scope", map[string]any{"scopeName": "email"}, "VALIDATION_FAILED", "scopeName"},
		{"scope with a space", map[string]any{"scopeName": "a b"}, "VALIDATION_FAILED", "scopeName"},
		{"scope with a quote", map[string]any{"scopeName": `a"b`}, "VALIDATION_FAILED", "scopeName"},
		{"scope too long", map[string]any{"scopeName": strings.Repeat("s", 101)}, "VALIDATION_FAILED", "scopeName"},
		{"empty scope", map[string]any{"scopeName": ""}, "VALIDATION_FAILED", "scopeName"},
		{"scope taken", map[string]any{"scopeName": "taken"}, "CONFLICT", "scopeName"},
		{"name taken", map[string]any{"name": "Taken"}, "CONFLICT", "name"},
		{"blank description", map[string]any{"description": " "}, "VALIDATION_FAILED", "description"},
		{"long description", map[string]any{"description": strings.Repeat("d", 201)}, "VALIDATION_FAILED", "description"},
		{"expression does not compile", map[string]any{"expression": `{"a": }`}, "VALIDATION_FAILED", "expression"},
		{"expression gives a bool", map[string]any{"expression": `true`}, "VALIDATION_FAILED", "expression"},
		{"expression uses request", map[string]any{"expression": `{"ip": request.ip}`}, "VALIDATION_FAILED", "expression"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			input := map[string]any{"name": "New " + tt.name, "scopeName": "new", "description": "d", "expression": `{}`}
			maps.Copy(input, tt.in)
			e := requireCode(t, b.do(t, b.admin, createScope, map[string]any{"in": input}), tt.code)
			require.Equal(t, tt.field, e.Extensions["field"], "%+v", e)
			exists := b.client.ScopeMapping.Query().Where(scopemapping.Name("New " + tt.name)).ExistX(viewer.SystemContext(context.Background()))
			require.False(t, exists, "nothing stored")
		})
	}
}
