package graph

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"

	"github.com/gatehouse-id/gatehouse/authn"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

// SchemaPath is where the schema's SDL is served (SchemaHandler).
const SchemaPath = "/graphql/schema.graphql"

// bindingDirectives are gqlgen's: they bind schema types to Go types and
// are not part of the API.
var bindingDirectives = []string{"goModel", "goField", "goTag", "goExtraField"}

// oneOfDeclaration declares the built-in @oneOf directive, which printed
// SDL leaves out with the other built-ins: tools that build a schema from
// the SDL (graphql-codegen, genqlient) do not all know it yet.
const oneOfDeclaration = `"""
Indicates exactly one field must be supplied and this field must not be ` + "`null`" + `.
"""
directive @oneOf on INPUT_OBJECT

`

// SDL returns the API's schema in the GraphQL schema definition language,
// as a released artifact for client tooling: without gqlgen's binding
// directives, with the @oneOf directive declared. It is the same for every
// caller and computed once.
var SDL = sync.OnceValue(func() string {
	s := withoutBindings(NewSchema(Deps{}).Schema())
	var buf bytes.Buffer
	buf.WriteString(oneOfDeclaration)
	formatter.NewFormatter(&buf, formatter.WithIndent("  ")).FormatSchema(s)
	return buf.String()
})

// withoutBindings returns a copy of s without gqlgen's binding directives:
// neither their declarations nor their uses on types and fields. s itself
// is shared and left alone.
func withoutBindings(s *ast.Schema) *ast.Schema {
	out := *s
	out.Directives = make(map[string]*ast.DirectiveDefinition, len(s.Directives))
	for name, d := range s.Directives {
		if !slices.Contains(bindingDirectives, name) {
			out.Directives[name] = d
		}
	}
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

// SchemaHandler serves SDL at SchemaPath to whom introspection is open:
// everyone when dev is set, else superusers. Other callers get 403
// INTROSPECTION_DISABLED, the code a refused introspection query answers;
// the request context must already carry the viewer. Methods other than GET
// and HEAD get 405.
func SchemaHandler(dev bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			authn.WriteError(w, http.StatusMethodNotAllowed, CodeMethodNotAllowed, "the schema is read with GET")
			return
		}
		if !dev && !viewer.FromContext(r.Context()).IsSuperuser() {
			authn.WriteError(w, http.StatusForbidden, CodeIntrospection, "introspection is disabled for this caller")
			return
		}
		w.Header().Set("Content-Type", "application/graphql; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		if r.Method == http.MethodGet {
			_, _ = strings.NewReader(SDL()).WriteTo(w)
		}
	})
}
