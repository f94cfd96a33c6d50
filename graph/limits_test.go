package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/graph"
)

func TestOperationLimits(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite3", func(o *graph.Options) {
		o.Limits = graph.Limits{MaxDepth: 8, MaxComplexity: 500, MaxPageSize: 50, DefaultPageSize: 3}
	})
	tight := setup(t, "sqlite3", func(o *graph.Options) { o.ParserTokenLimit = 200 })
	for i := range 5 {
		b.createFlow(t, fmt.Sprintf("f%d", i), enum.FlowDesignationAuthentication)
	}

	t.Run("too deep", func(t *testing.T) {
		t.Parallel()
		q := `{ flows(first: 1) { edges { node { bindings(first: 1) { edges { node { flow { bindings(first: 1) { totalCount } } } } } } } } }`
		e := requireCode(t, b.do(t, b.admin, q, nil), "DEPTH_LIMIT_EXCEEDED")
		require.Contains(t, e.Message, "over the limit of 8")
	})
	t.Run("page too large", func(t *testing.T) {
		t.Parallel()
		requireCode(t, b.do(t, b.admin, `{ flows(first: 51) { totalCount } }`, nil), "PAGE_SIZE_LIMIT_EXCEEDED")
		requireCode(t, b.do(t, b.admin, `query($n: Int) { flows(last: $n) { totalCount } }`, map[string]any{"n": 1000}), "PAGE_SIZE_LIMIT_EXCEEDED")
	})
	t.Run("too complex", func(t *testing.T) {
		t.Parallel()
		// 50 flows x 50 bindings x (edges+node+id) is far over 500.
		q := `{ flows(first: 50) { edges { node { bindings(first: 50) { edges { node { id } } } } } } }`
		requireCode(t, b.do(t, b.admin, q, nil), "COMPLEXITY_LIMIT_EXCEEDED")
	})
	t.Run("aliases add up", func(t *testing.T) {
		t.Parallel()
		var fields []string
		for i := range 20 {
			fields = append(fields, fmt.Sprintf("a%d: flows(first: 50) { edges { node { id } } }", i))
		}
		requireCode(t, b.do(t, b.admin, "{ "+strings.Join(fields, " ")+" }", nil), "COMPLEXITY_LIMIT_EXCEEDED")
	})
	t.Run("too many tokens", func(t *testing.T) {
		t.Parallel()
		q := "{ " + strings.Repeat("viewer { isSuperuser } ", 60) + "}"
		requireCode(t, tight.do(t, tight.admin, q, nil), "GRAPHQL_PARSE_FAILED")
	})
	t.Run("default page size", func(t *testing.T) {
		t.Parallel()
		var out flowPage
		b.mustDo(t, b.admin, `{ flows { totalCount edges { node { slug } } pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } }`, nil, &out)
		require.Equal(t, 5, out.Flows.TotalCount)
		require.Len(t, out.Flows.Edges, 3, "without first or last, a connection returns DefaultPageSize nodes")
		require.True(t, out.Flows.PageInfo.HasNextPage)
	})
	t.Run("within limits", func(t *testing.T) {
		t.Parallel()
		b.mustDo(t, b.admin, `{ flows(first: 5) { edges { node { slug bindings(first: 5) { totalCount } } } } }`, nil, nil)
	})
}

func TestIntrospectionAndSuggestions(t *testing.T) {
	t.Parallel()
	t.Run("production", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "sqlite3")
		requireCode(t, b.do(t, b.anonymous, `{ __schema { queryType { name } } }`, nil), "INTROSPECTION_DISABLED")
		requireCode(t, b.do(t, b.alice, `{ __type(name: "Flow") { name } }`, nil), "INTROSPECTION_DISABLED")
		b.mustDo(t, b.admin, `{ __schema { queryType { name } } }`, nil, nil)
		b.mustDo(t, b.anonymous, `{ __typename }`, nil, nil)

		e := requireCode(t, b.do(t, b.admin, `{ flowz(first: 1) { totalCount } }`, nil), "GRAPHQL_VALIDATION_FAILED")
		require.NotContains(t, e.Message, "Did you mean", "no field suggestions in production")
	})
	t.Run("dev", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "sqlite3", func(o *graph.Options) { o.Dev = true })
		b.mustDo(t, b.anonymous, `{ __schema { queryType { name } } }`, nil, nil)
		e := requireCode(t, b.do(t, b.admin, `{ flowz(first: 1) { totalCount } }`, nil), "GRAPHQL_VALIDATION_FAILED")
		require.Contains(t, e.Message, "Did you mean")
	})
}
