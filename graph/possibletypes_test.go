package graph_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gatehouse-id/gatehouse/graph"
)

// TestPossibleTypesFile keeps clients/possible-types.json, Apollo Client's
// `possibleTypes` (every union and interface with the object types it may
// be), in step with graph.SDL: the Apollo test in clients/ and the recipe
// in docs/clients.md use it. Refresh with
// `go test ./graph -run TestPossibleTypesFile -update`.
func TestPossibleTypesFile(t *testing.T) {
	t.Parallel()
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: graph.SDL()})
	require.NoError(t, err)
	possible := map[string][]string{}
	for name, def := range s.Types {
		if (def.Kind != ast.Union && def.Kind != ast.Interface) || def.BuiltIn {
			continue
		}
		for _, member := range s.GetPossibleTypes(def) {
			possible[name] = append(possible[name], member.Name)
		}
		slices.Sort(possible[name])
	}
	require.Contains(t, possible, "Challenge")
	require.Contains(t, possible, "FlowChallenge")
	got, err := json.MarshalIndent(possible, "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')

	path := filepath.Join("..", "clients", "possible-types.json")
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run with -update to create it")
	require.Equal(t, string(want), string(got), "the schema's unions or interfaces changed; run with -update")
}
