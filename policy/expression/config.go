// Package expression is the policy kind that evaluates an expression in
// Google's Common Expression Language (CEL): a sandboxed, side-effect-free
// language with a bounded cost, never a general-purpose interpreter.
//
// An expression sees these variables and must evaluate to a bool:
//
//	user         map: id, username, name, email, is_active, is_superuser, groups, attributes
//	request      map: ip, user_agent, headers (lower-case names), query
//	flow         map: slug, designation (empty outside flows)
//	context      map: the flow execution's context (prompt_data, pending_user, …)
//	application  map: the application being accessed (empty when none)
//
// Example: user.is_superuser || request.ip.startsWith("10.")
package expression

import (
	"sync"
	"unicode/utf8"

	"cel.dev/cel-go/cel"

	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the policy kind's persisted name.
const Kind = "expression"

// Definition describes the kind for the policy registry.
func Definition() policy.Kind {
	return policy.Kind{Name: Kind, NewConfig: func() policy.Config { return &Config{} }}
}

// MaxLength bounds an expression's length, in characters.
const MaxLength = 10000

// Variables are the names an expression may use.
var Variables = []string{"user", "request", "flow", "context", "application"}

// Env returns the CEL environment expressions are compiled in. It is built
// once and immutable.
var Env = sync.OnceValues(func() (*cel.Env, error) {
	opts := make([]cel.EnvOption, 0, len(Variables))
	for _, v := range Variables {
		opts = append(opts, cel.Variable(v, cel.MapType(cel.StringType, cel.DynType)))
	}
	return cel.NewEnv(opts...)
})

// Config configures an expression policy.
type Config struct {
	// Expression is the CEL source; it must evaluate to a bool.
	Expression string `json:"expression"`
}

// PolicyKind implements policy.Config.
func (*Config) PolicyKind() string { return Kind }

// Validate implements typedconfig.Config: the expression must compile in
// Env and have a bool (or dynamic) result.
func (c *Config) Validate() error {
	if c.Expression == "" {
		return problem.Invalid("expression", "must not be empty")
	}
	if utf8.RuneCountInString(c.Expression) > MaxLength {
		return problem.Invalid("expression", "must be at most %d characters", MaxLength)
	}
	_, err := Compile(c.Expression)
	return err
}

// Compile type-checks source in Env and returns its checked AST. Errors are
// *problem.FieldError on "expression" carrying CEL's own message (line,
// column and cause; safe to show: it describes only the admin's input).
func Compile(source string) (*cel.Ast, error) {
	env, err := Env()
	if err != nil {
		return nil, err
	}
	ast, iss := env.Compile(source)
	if iss.Err() != nil {
		return nil, problem.Invalid("expression", "%s", iss.Err())
	}
	if out := ast.OutputType(); !out.IsExactType(cel.BoolType) && !out.IsExactType(cel.DynType) {
		return nil, problem.Invalid("expression", "must evaluate to a bool, not %s", out)
	}
	return ast, nil
}
