package graph_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/graph"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// TestSchemaGolden pins the public API: any change to the schema shows up
// as a diff of testdata/schema.graphql.golden, to be reviewed like code.
// The golden file is graph.SDL, the artifact `gatehouse schema` prints:
// gqlgen's binding directives are left out (they are not API).
// Refresh with `go test ./graph -run TestSchemaGolden -update`.
func TestSchemaGolden(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	buf.WriteString(graph.SDL())
	path := filepath.Join("testdata", "schema.graphql.golden")
	if *update {
		require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run with -update to create the golden file")
	require.Equal(t, string(want), buf.String(), "schema changed; review and run with -update")
}
