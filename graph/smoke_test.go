package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

func TestSmoke(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			id := b.createFlow(t, "login", "authentication")
			resp := b.do(t, b.admin, `{ flows(first: 5) { totalCount edges { node { id slug designation layout } } } viewer { user { username isSuperuser } authMethod } }`, nil)
			t.Logf("%s %v", resp.Data, resp.Errors)
			require.Empty(t, resp.Errors)
			require.Contains(t, string(resp.Data), id)
		})
	}
}
