package graph_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const sampleBlueprint = `version: 1
flow:
  slug: imported
  name: Imported
  title: Imported flow
  designation: authentication
  stages:
    - {stage: imported-dummy, order: 10}
stages:
  - {name: imported-dummy, kind: dummy}
`

func TestImportAndExportFlow(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		var imported struct {
			ImportFlow struct {
				Slug     string
				Bindings struct{ TotalCount int }
			}
		}
		b.mustDo(t, b.admin, `mutation($d: String!) { importFlow(document: $d) { slug bindings { totalCount } } }`,
			map[string]any{"d": sampleBlueprint}, &imported)
		require.Equal(t, "imported", imported.ImportFlow.Slug)
		require.Equal(t, 1, imported.ImportFlow.Bindings.TotalCount)

		var exported struct{ ExportFlow string }
		b.mustDo(t, b.admin, `{ exportFlow(slug: "imported") }`, nil, &exported)
		require.Contains(t, exported.ExportFlow, "stage: imported-dummy")
		// The export imports back to itself.
		b.mustDo(t, b.admin, `mutation($d: String!) { importFlow(document: $d) { slug } }`, map[string]any{"d": exported.ExportFlow}, nil)
		var again struct{ ExportFlow string }
		b.mustDo(t, b.admin, `{ exportFlow(slug: "imported") }`, nil, &again)
		require.Equal(t, exported.ExportFlow, again.ExportFlow)
	})
}

func TestImportFlowErrors(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite3")
	bad := strings.Replace(sampleBlueprint, "kind: dummy", "kind: teleport", 1)
	resp := b.do(t, b.admin, `mutation($d: String!) { importFlow(document: $d) { id } }`, map[string]any{"d": bad})
	e := requireCode(t, resp, "VALIDATION_FAILED")
	require.Equal(t, "stages[0].kind", e.Extensions["field"], "the document path, in YAML spelling")
	require.Contains(t, e.Message, "teleport")

	resp = b.do(t, b.admin, `mutation($d: String!) { importFlow(document: $d) { id } }`, map[string]any{"d": "version: 1\nflow: {slug: x, colour: red}\n"})
	e = requireCode(t, resp, "VALIDATION_FAILED")
	require.NotContains(t, e.Message, "blueprints.", "no Go type names")
	require.NotContains(t, e.Message, "Document")

	// A YAML escape that decodes to a NUL character is refused like any
	// other invalid value, at its place in the document.
	resp = b.do(t, b.admin, `mutation($d: String!) { importFlow(document: $d) { id } }`,
		map[string]any{"d": strings.Replace(sampleBlueprint, "name: Imported", `name: "Imp\0orted"`, 1)})
	e = requireCode(t, resp, "VALIDATION_FAILED")
	require.Equal(t, "flow.name", e.Extensions["field"])
	require.Contains(t, e.Message, "must not contain NUL characters")

	// Only superusers.
	resp = b.do(t, b.alice, `mutation($d: String!) { importFlow(document: $d) { id } }`, map[string]any{"d": sampleBlueprint})
	requireCode(t, resp, "FORBIDDEN")
	resp = b.do(t, b.anonymous, `{ exportFlow(slug: "imported") }`, nil)
	requireCode(t, resp, "UNAUTHENTICATED")
	resp = b.do(t, b.admin, `{ exportFlow(slug: "nowhere") }`, nil)
	requireCode(t, resp, "NOT_FOUND")
}
