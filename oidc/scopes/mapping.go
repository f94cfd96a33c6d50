package scopes

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"unicode/utf8"

	"cel.dev/cel-go/cel"

	"github.com/gatehouse-id/gatehouse/celeval"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/scopemapping"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/oidc/clients"
	"github.com/gatehouse-id/gatehouse/problem"
)

// VarUser is the one variable a mapping's expression sees.
const VarUser = "user"

// env is the environment expressions compile in: `user` only.
var env = sync.OnceValues(func() (*cel.Env, error) { return celeval.NewEnv(VarUser) })

// Settings are a scope mapping's fields. Nil pointers keep the current
// value (Update); Create needs all of them.
type Settings struct {
	Name        *string
	ScopeName   *string
	Description *string
	Expression  *string
}

// Create stores a scope mapping after checking s: the scope name must not
// be a built-in scope's and the expression must compile to a map. Errors
// are field errors (*problem.FieldError, ent validation) or a conflict.
func Create(ctx context.Context, c *ent.Client, s Settings) (*ent.ScopeMapping, error) {
	if s.Name == nil || s.ScopeName == nil || s.Description == nil || s.Expression == nil {
		return nil, problem.Invalid("", "name, scope name, description and expression are required")
	}
	if err := check(s); err != nil {
		return nil, err
	}
	return c.ScopeMapping.Create().
		SetName(*s.Name).
		SetScopeName(*s.ScopeName).
		SetDescription(*s.Description).
		SetExpression(*s.Expression).
		Save(ctx)
}

// Update changes the fields s sets, checked as Create checks them.
// Renaming the scope of a mapping that providers list is refused
// (*problem.ReferencedError naming them).
func Update(ctx context.Context, c *ent.Client, id int, s Settings) (*ent.ScopeMapping, error) {
	if err := check(s); err != nil {
		return nil, err
	}
	return c.ScopeMapping.UpdateOneID(id).
		SetNillableName(s.Name).
		SetNillableScopeName(s.ScopeName).
		SetNillableDescription(s.Description).
		SetNillableExpression(s.Expression).
		Save(ctx)
}

// check validates what s sets beyond the ent schema's own validators.
func check(s Settings) error {
	if s.ScopeName != nil && slices.Contains(clients.BuiltinScopes, *s.ScopeName) {
		return problem.Invalid("scope_name", "%q is a built-in scope; choose another name", *s.ScopeName)
	}
	if s.Expression != nil {
		if _, err := Compile(*s.Expression); err != nil {
			return err
		}
	}
	return nil
}

// Compile checks source and returns its program: it must compile with
// `user` as its one variable and evaluate to a map with string keys (or
// a dynamic value, checked when evaluated). Errors are *problem.FieldError
// on "expression".
func Compile(source string) (cel.Program, error) {
	if source == "" {
		return nil, problem.Invalid(celeval.Field, "must not be empty")
	}
	if utf8.RuneCountInString(source) > celeval.MaxLength {
		return nil, problem.Invalid(celeval.Field, "must be at most %d characters", celeval.MaxLength)
	}
	e, err := env()
	if err != nil {
		return nil, err
	}
	ast, err := celeval.Compile(e, source)
	if err != nil {
		return nil, err
	}
	if !celeval.StringMap(ast.OutputType()) {
		return nil, problem.Invalid(celeval.Field, "must evaluate to a map of claims with string keys, not %s", ast.OutputType())
	}
	return celeval.Program(e, ast)
}

// Descriptions returns what each custom scope among names lets an
// application have (a consent screen shows it), by scope name; built-in
// and unknown names are not in it (clients.ScopeDescription has the
// built-ins'). It reads with the system's rights.
func Descriptions(ctx context.Context, c *ent.Client, names []string) (map[string]string, error) {
	out := map[string]string{}
	var custom []string
	for _, n := range names {
		if !slices.Contains(clients.BuiltinScopes, n) {
			custom = append(custom, n)
		}
	}
	if len(custom) == 0 {
		return out, nil
	}
	mappings, err := c.ScopeMapping.Query().
		Where(scopemapping.ScopeNameIn(custom...)).
		Select(scopemapping.FieldScopeName, scopemapping.FieldDescription).
		All(viewer.SystemContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("read scope descriptions: %w", err)
	}
	for _, m := range mappings {
		out[m.ScopeName] = m.Description
	}
	return out, nil
}
