package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

// Limits bound the work one GraphQL operation may ask for.
type Limits struct {
	// MaxDepth is the deepest field nesting allowed (introspection fields
	// excepted: introspection is limited separately).
	MaxDepth int
	// MaxComplexity is the highest cost allowed: every field costs 1, and a
	// connection multiplies the cost of its selections by its page size.
	MaxComplexity int
	// MaxPageSize is the largest first/last a connection accepts.
	MaxPageSize int
	// DefaultPageSize is used for a connection given neither first nor last.
	DefaultPageSize int
}

// DefaultLimits are the limits used when Options leave them zero.
var DefaultLimits = Limits{MaxDepth: 12, MaxComplexity: 25000, MaxPageSize: 1000, DefaultPageSize: 100}

// limitExtension refuses operations over the limits before they run.
type limitExtension struct{ limits Limits }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.FieldInterceptor
} = limitExtension{}

// ExtensionName implements graphql.HandlerExtension.
func (limitExtension) ExtensionName() string { return "GatehouseLimits" }

// Validate implements graphql.HandlerExtension.
func (limitExtension) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator; it runs
// after the operation is parsed and validated, before anything executes.
func (l limitExtension) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	w := walker{limits: l.limits, doc: oc.Doc, vars: oc.Variables}
	cost, err := w.selections(oc.Operation.SelectionSet, 1)
	if err != nil {
		return err
	}
	if cost > l.limits.MaxComplexity {
		return limitError(CodeComplexityLimit, "the operation costs %d, over the limit of %d; ask for smaller pages or fewer nested connections", cost, l.limits.MaxComplexity)
	}
	return nil
}

// InterceptField implements graphql.FieldInterceptor: a connection given
// neither first nor last gets DefaultPageSize, so no list is unbounded.
func (l limitExtension) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc != nil && fc.Args != nil && isConnection(fc.Field.Definition) {
		first, _ := fc.Args["first"].(*int)
		last, _ := fc.Args["last"].(*int)
		if first == nil && last == nil {
			n := l.limits.DefaultPageSize
			fc.Args["first"] = &n
		}
	}
	return next(ctx)
}

func isConnection(def *ast.FieldDefinition) bool {
	return def != nil && def.Type != nil && strings.HasSuffix(def.Type.Name(), "Connection")
}

type walker struct {
	limits Limits
	doc    *ast.QueryDocument
	vars   map[string]any
}

// selections returns the cost of set at depth, or an error when a limit is
// exceeded.
func (w walker) selections(set ast.SelectionSet, depth int) (int, *gqlerror.Error) {
	total := 0
	for _, sel := range set {
		var cost int
		var err *gqlerror.Error
		switch s := sel.(type) {
		case *ast.Field:
			cost, err = w.field(s, depth)
		case *ast.InlineFragment:
			cost, err = w.selections(s.SelectionSet, depth)
		case *ast.FragmentSpread:
			frag := s.Definition
			if frag == nil && w.doc != nil {
				frag = w.doc.Fragments.ForName(s.Name)
			}
			if frag != nil {
				cost, err = w.selections(frag.SelectionSet, depth)
			}
		}
		if err != nil {
			return 0, err
		}
		total += cost
		if total > w.limits.MaxComplexity {
			return total, nil // already over; stop walking
		}
	}
	return total, nil
}

func (w walker) field(f *ast.Field, depth int) (int, *gqlerror.Error) {
	if strings.HasPrefix(f.Name, "__") {
		return 1, nil // introspection: allowed or refused as a whole
	}
	if depth > w.limits.MaxDepth {
		return 0, limitError(CodeDepthLimit, "the operation nests fields %d deep, over the limit of %d", depth, w.limits.MaxDepth)
	}
	children, err := w.selections(f.SelectionSet, depth+1)
	if err != nil {
		return 0, err
	}
	if !isConnection(f.Definition) {
		return 1 + children, nil
	}
	args := f.ArgumentMap(w.vars)
	size := w.limits.DefaultPageSize
	for _, name := range []string{"first", "last"} {
		if v, ok := args[name]; ok && v != nil {
			n, ok := toInt(v)
			if !ok || n < 0 {
				return 0, limitError(CodeBadUserInput, "%s on %s must be a non-negative integer", name, f.Alias)
			}
			if n > w.limits.MaxPageSize {
				return 0, limitError(CodePageSizeLimit, "%s on %s is %d, over the maximum page size of %d", name, f.Alias, n, w.limits.MaxPageSize)
			}
			size = n
		}
	}
	return 1 + max(size, 1)*children, nil
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), n == float64(int(n))
	default:
		return 0, false
	}
}

func limitError(code, format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf(format, args...),
		Extensions: map[string]any{extensionCode: code},
	}
}

// introspectionExtension allows introspection in development and to
// superusers; everyone else gets INTROSPECTION_DISABLED.
type introspectionExtension struct{ dev bool }

// ExtensionName implements graphql.HandlerExtension.
func (introspectionExtension) ExtensionName() string { return "GatehouseIntrospection" }

// Validate implements graphql.HandlerExtension.
func (introspectionExtension) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (e introspectionExtension) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	oc.DisableIntrospection = !e.dev && !viewer.FromContext(ctx).IsSuperuser()
	return nil
}
