package graph_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"

	"github.com/gatehouse-id/gatehouse/graph"
)

// bindingDirectives are gqlgen's: they bind schema types to Go types and
// are not part of the API (introspection does not show where they apply).
var bindingDirectives = []string{"goModel", "goField", "goTag", "goExtraField"}

// withoutBindings returns a copy of s whose types and fields carry no
// binding directives; s itself is shared and left alone.
func withoutBindings(s *ast.Schema) *ast.Schema {
	out := *s
	out.Types = make(map[string]*ast.Definition, len(s.Types))
	for name, def := range s.Types {
		d := *def
		d.Directives = dropBindings(def.Directives)
		d.Fields = make(ast.FieldList, len(def.Fields))
		for i, f := range def.Fields {
			fc := *f
			fc.Directives = dropBindings(f.Directives)
			d.Fields[i] = &fc
		}
		out.Types[name] = &d
	}
	return &out
}

func dropBindings(list ast.DirectiveList) ast.DirectiveList {
	var out ast.DirectiveList
	for _, d := range list {
		if !slices.Contains(bindingDirectives, d.Name) {
			out = append(out, d)
		}
	}
	return out
}

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// TestSchemaGolden pins the public API: any change to the schema shows up
// as a diff of testdata/schema.graphql.golden, to be reviewed like code.
// gqlgen's binding directives are left out: they are not API.
// Refresh with `go test ./graph -run TestSchemaGolden -update`.
func TestSchemaGolden(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	formatter.NewFormatter(&buf, formatter.WithIndent("  ")).FormatSchema(withoutBindings(graph.NewSchema(graph.Deps{}).Schema()))
	path := filepath.Join("testdata", "schema.graphql.golden")
	if *update {
		require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run with -update to create the golden file")
	require.Equal(t, string(want), buf.String(), "schema changed; review and run with -update")
}
