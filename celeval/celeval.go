// Package celeval is the sandboxed, cost-bounded evaluator of Google's
// Common Expression Language (CEL) that every admin-written expression
// runs in: expression policies (policy/expression) and scope mappings
// (oidc/scopes). It holds what they share, so the two cannot drift:
//
//   - the environment: variables that are maps with string keys (NewEnv);
//   - compilation with errors an admin can act on (Compile), and the
//     result-type check for maps (StringMap);
//   - programs bounded by CostLimit and interrupted when the context ends
//     (Program);
//   - the `user` variable (UserVar) and JSON-like values (JSONValues);
//   - the conversion of a result back to plain Go data (Native).
//
// Each caller decides which variables its expressions see and what their
// result means.
package celeval

import (
	"errors"
	"fmt"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"

	"github.com/gatehouse-id/gatehouse/problem"
)

// CostLimit bounds the runtime cost of one evaluation, in CEL cost units
// (about one per operation, per element a comprehension visits and per few
// bytes a string function reads). Measured: comparing a header or the IP
// costs about 10; checking 500 group IDs against a list of 20 about 17,500;
// a four-level nested comprehension over ten elements (10^4 iterations)
// about 125,000 and 8 ms. 1,000,000 lets an expression scan thousands of
// group IDs or attributes, yet stops a runaway expression (a six-level
// nested comprehension would cost ~10^7) after 60-130 ms of CPU on a small
// two-core machine, so one admin's mistake cannot pin a core.
const CostLimit = 1_000_000

// interruptEvery is how many comprehension iterations run between checks
// of the context's deadline.
const interruptEvery = 100

// MaxLength bounds an expression's length, in characters.
const MaxLength = 10000

// Field is the field errors of Compile name: every caller stores its
// source in an "expression" field.
const Field = "expression"

// NewEnv returns an environment in which each of variables is a map with
// string keys and dynamic values. An environment is immutable and safe for
// concurrent use; build it once.
func NewEnv(variables ...string) (*cel.Env, error) {
	opts := make([]cel.EnvOption, 0, len(variables))
	for _, v := range variables {
		opts = append(opts, cel.Variable(v, cel.MapType(cel.StringType, cel.DynType)))
	}
	return cel.NewEnv(opts...)
}

// Compile parses and type-checks source in env. Its errors are
// *problem.FieldError on Field carrying CEL's own message (line, column
// and cause; safe to show: it describes only the admin's input). The
// caller checks the result type (ast.OutputType()).
func Compile(env *cel.Env, source string) (*cel.Ast, error) {
	ast, iss := env.Compile(source)
	if iss.Err() != nil {
		return nil, problem.Invalid(Field, "%s", iss.Err())
	}
	return ast, nil
}

// StringMap reports whether an expression of type out may produce a map
// with string keys: a map with string (or dynamic) keys, or anything
// dynamic (checked when evaluated).
func StringMap(out *cel.Type) bool {
	if out.Kind() == types.DynKind {
		return true
	}
	if out.Kind() != types.MapKind {
		return false
	}
	key := out.Parameters()[0].Kind()
	return key == types.StringKind || key == types.DynKind
}

// Program builds the evaluable program of a checked ast: its cost is
// bounded by CostLimit and comprehensions stop when the evaluation's
// context ends (ContextEval). A program is safe for concurrent use.
func Program(env *cel.Env, ast *cel.Ast) (cel.Program, error) {
	prg, err := env.Program(ast,
		cel.CostLimit(CostLimit),
		cel.InterruptCheckFrequency(interruptEvery),
	)
	if err != nil {
		return nil, fmt.Errorf("build expression program: %w", err)
	}
	return prg, nil
}

// Native converts a CEL value into plain Go JSON-like data: bool, int64,
// uint64, float64, string, []byte, nil, time.Time, time.Duration, []any and
// map[string]any. Its errors name what cannot be converted.
func Native(v ref.Val) (any, error) {
	switch v := v.(type) {
	case types.Bool:
		return bool(v), nil
	case types.Int:
		return int64(v), nil
	case types.Uint:
		return uint64(v), nil
	case types.Double:
		return float64(v), nil
	case types.String:
		return string(v), nil
	case types.Bytes:
		return []byte(v), nil
	case types.Null:
		return nil, nil //nolint:nilnil // JSON null is a valid nil value
	case types.Timestamp:
		return v.Time, nil
	case types.Duration:
		return v.Duration, nil
	case traits.Mapper:
		return nativeMap(v)
	case traits.Lister:
		out := []any{}
		for it := v.Iterator(); it.HasNext() == types.True; {
			n, err := Native(it.Next())
			if err != nil {
				return nil, err
			}
			out = append(out, n)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("cannot use a %s in the result", v.Type().TypeName())
	}
}

// errMapKeys is returned for a map whose keys are not all strings.
var errMapKeys = errors.New("map keys must be strings")

// NativeMap converts a CEL map with string keys into a map[string]any
// (see Native); anything else is an error.
func NativeMap(v ref.Val) (map[string]any, error) {
	m, ok := v.(traits.Mapper)
	if !ok {
		return nil, fmt.Errorf("the result is a %s, not a map", v.Type().TypeName())
	}
	return nativeMap(m)
}

func nativeMap(m traits.Mapper) (map[string]any, error) {
	out := map[string]any{}
	for it := m.Iterator(); it.HasNext() == types.True; {
		key := it.Next()
		k, ok := key.(types.String)
		if !ok {
			return nil, errMapKeys
		}
		n, err := Native(m.Get(key))
		if err != nil {
			return nil, err
		}
		out[string(k)] = n
	}
	return out, nil
}
