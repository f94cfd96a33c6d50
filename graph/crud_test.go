package graph_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
)

func TestFlowCRUD(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		var created struct {
			CreateFlow struct {
				ID, Slug, Designation, Layout, DeniedAction, Authentication, PolicyEngineMode string
				CompatibilityMode                                                             bool
			}
		}
		b.mustDo(t, b.admin, `mutation {
			createFlow(input: {slug: "login", name: "Login", title: "Welcome", designation: AUTHENTICATION}) {
				id slug designation layout deniedAction authentication policyEngineMode compatibilityMode
			}}`, nil, &created)
		f := created.CreateFlow
		require.Equal(t, "login", f.Slug)
		require.Equal(t, "AUTHENTICATION", f.Designation)
		// Defaults of design.md §3.
		require.Equal(t, "STACKED", f.Layout)
		require.Equal(t, "MESSAGE_CONTINUE", f.DeniedAction)
		require.Equal(t, "NONE", f.Authentication)
		require.Equal(t, "ANY", f.PolicyEngineMode)
		require.False(t, f.CompatibilityMode)

		var updated struct {
			UpdateFlow struct{ Title, Layout, Authentication string }
		}
		b.mustDo(t, b.admin, `mutation($id: ID!) {
			updateFlow(id: $id, input: {title: "Hello", layout: SIDEBAR_LEFT, authentication: REQUIRE_UNAUTHENTICATED}) {
				title layout authentication }}`, map[string]any{"id": f.ID}, &updated)
		require.Equal(t, "Hello", updated.UpdateFlow.Title)
		require.Equal(t, "SIDEBAR_LEFT", updated.UpdateFlow.Layout)
		require.Equal(t, "REQUIRE_UNAUTHENTICATED", updated.UpdateFlow.Authentication)

		var node struct {
			Node struct {
				Typename string `json:"__typename"`
				Slug     string
			}
		}
		b.mustDo(t, b.admin, `query($id: ID!) { node(id: $id) { __typename ... on Flow { slug } } }`, map[string]any{"id": f.ID}, &node)
		require.Equal(t, "Flow", node.Node.Typename)
		require.Equal(t, "login", node.Node.Slug)

		var deleted struct{ DeleteFlow string }
		b.mustDo(t, b.admin, `mutation($id: ID!) { deleteFlow(id: $id) }`, map[string]any{"id": f.ID}, &deleted)
		require.Equal(t, f.ID, deleted.DeleteFlow)
		requireCode(t, b.do(t, b.admin, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": f.ID}), "NOT_FOUND")
	})
}

func TestFlowFiltersAndPagination(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		for i := range 25 {
			d := "authentication"
			if i%5 == 0 {
				d = "enrollment"
			}
			b.createFlow(t, fmt.Sprintf("flow-%02d", i), enum.FlowDesignation(d))
		}
		q := `query($after: Cursor, $first: Int, $last: Int, $before: Cursor, $where: FlowWhereInput, $order: FlowOrder) {
			flows(after: $after, first: $first, last: $last, before: $before, where: $where, orderBy: $order) {
				totalCount pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
				edges { node { slug } } } }`
		asc := map[string]any{"field": "SLUG", "direction": "ASC"}

		var p1 flowPage
		b.mustDo(t, b.admin, q, map[string]any{"first": 10, "order": asc}, &p1)
		require.Equal(t, 25, p1.Flows.TotalCount)
		require.Len(t, p1.Flows.Edges, 10)
		require.Equal(t, "flow-00", p1.Flows.Edges[0].Node.Slug)
		require.True(t, p1.Flows.PageInfo.HasNextPage)

		var p3 flowPage
		var p2 flowPage
		b.mustDo(t, b.admin, q, map[string]any{"first": 10, "after": p1.Flows.PageInfo.EndCursor, "order": asc}, &p2)
		require.Equal(t, "flow-10", p2.Flows.Edges[0].Node.Slug)
		b.mustDo(t, b.admin, q, map[string]any{"first": 10, "after": p2.Flows.PageInfo.EndCursor, "order": asc}, &p3)
		require.Len(t, p3.Flows.Edges, 5)
		require.False(t, p3.Flows.PageInfo.HasNextPage)

		var last flowPage
		b.mustDo(t, b.admin, q, map[string]any{"last": 3, "order": asc}, &last)
		require.Equal(t, []string{"flow-22", "flow-23", "flow-24"}, slugs(last))

		var desc flowPage
		b.mustDo(t, b.admin, q, map[string]any{"first": 2, "order": map[string]any{"field": "SLUG", "direction": "DESC"}}, &desc)
		require.Equal(t, []string{"flow-24", "flow-23"}, slugs(desc))

		var filtered flowPage
		b.mustDo(t, b.admin, q, map[string]any{"first": 100, "order": asc, "where": map[string]any{
			"designation": "ENROLLMENT", "slugHasPrefix": "flow-1",
		}}, &filtered)
		require.Equal(t, []string{"flow-10", "flow-15"}, slugs(filtered))
		require.Equal(t, 2, filtered.Flows.TotalCount)

		var or flowPage
		b.mustDo(t, b.admin, q, map[string]any{"first": 100, "order": asc, "where": map[string]any{
			"or": []any{map[string]any{"slug": "flow-01"}, map[string]any{"slugIn": []string{"flow-02", "flow-03"}}},
		}}, &or)
		require.Equal(t, []string{"flow-01", "flow-02", "flow-03"}, slugs(or))
	})
}

// flowPage is a page of the flows connection.
type flowPage struct {
	Flows struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage, HasPreviousPage bool
			EndCursor, StartCursor       string
		}
		Edges []struct{ Node struct{ Slug string } }
	}
}

func slugs(p flowPage) []string {
	out := make([]string, len(p.Flows.Edges))
	for i, e := range p.Flows.Edges {
		out[i] = e.Node.Slug
	}
	return out
}
