// Package expression is the policy kind that evaluates an expression in
// Google's Common Expression Language (CEL): a sandboxed, side-effect-free
// language with a bounded cost, never a general-purpose interpreter. The
// evaluator (cost limit, variables, conversions) is package celeval's,
// shared with scope mappings.
//
// An expression sees these variables, each a map with string keys:
//
//	user         id, username, name, email, is_active, is_superuser, type, groups, attributes
//	request      ip, user_agent, headers
//	flow         slug, designation
//	context      the flow execution's context: prompt_data, pending_user_identifier, …
//	application  the application being accessed
//
// user is an empty map for anonymous requests (test with has(user.id)).
// user.id is the user's ID as a string and user.groups lists the IDs (as
// strings) of the user's groups, parents included, exactly as the request
// carries them: group names would need a database read per evaluation and
// can be renamed, IDs cannot. user.is_superuser is true when one of those
// groups is a superuser group. request.ip is "" when unknown and
// request.headers have lower-case names. flow is empty outside flows,
// application when no application is being accessed. The test
// TestDocumentedVariables evaluates every key this table lists.
//
// The expression evaluates either to a bool (the verdict) or to a map:
//
//	{"pass": false, "message": "Only staff may enrol."}
//	{"pass": true, "context": {"redirect": "/welcome"}}
//
// where pass (bool) is required, message (string) and messages (list of
// strings) are shown to the user, and context (map) proposes execution
// context keys to set. Any other result, and any evaluation error (a
// missing key, a type mismatch, the cost limit), is an error: the
// binding's failure_result applies.
//
// Example: "admins" in user.attributes && request.ip.startsWith("10.")
package expression

import (
	"sync"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"

	"github.com/gatehouse-id/gatehouse/celeval"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the policy kind's persisted name.
const Kind = "expression"

// Definition describes the kind for the policy registry.
func Definition() policy.Kind {
	return policy.Define(Kind, func() *Config { return &Config{} },
		func(c *Config, _ policy.Deps) (policy.Evaluator, error) { return New(c) })
}

// MaxLength bounds an expression's length, in characters.
const MaxLength = celeval.MaxLength

// Names of the variables an expression sees.
const (
	VarUser        = "user"
	VarRequest     = "request"
	VarFlow        = "flow"
	VarContext     = "context"
	VarApplication = "application"
)

// Variables are the names an expression may use.
var Variables = []string{VarUser, VarRequest, VarFlow, VarContext, VarApplication}

// Env returns the CEL environment expressions are compiled in. It is built
// once and immutable.
var Env = sync.OnceValues(func() (*cel.Env, error) { return celeval.NewEnv(Variables...) })

// Config configures an expression policy.
type Config struct {
	// Expression is the CEL source; it must evaluate to a bool or to a map
	// with a bool "pass".
	Expression string `json:"expression"`
}

// PolicyKind implements policy.Config.
func (*Config) PolicyKind() string { return Kind }

// Validate implements typedconfig.Config: the expression must compile in
// Env and have a bool, map or dynamic result.
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
	ast, err := celeval.Compile(env, source)
	if err != nil {
		return nil, err
	}
	if !validOutput(ast.OutputType()) {
		return nil, problem.Invalid("expression", "must evaluate to a bool or a map with pass, not %s", ast.OutputType())
	}
	return ast, nil
}

// validOutput reports whether an expression of type out may produce a
// result: a bool, a map with string (or dynamic) keys, or anything dynamic
// (checked when evaluated).
func validOutput(out *cel.Type) bool {
	return out.Kind() == types.BoolKind || celeval.StringMap(out)
}
