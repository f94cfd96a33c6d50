package expression

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"

	"github.com/gatehouse-id/gatehouse/celeval"
	"github.com/gatehouse-id/gatehouse/policy"
)

// ErrResult is wrapped by the error for a result that is neither a bool
// nor a map with a bool pass.
var ErrResult = errors.New("expression must return a bool or a map with pass")

// Evaluator is an expression policy's evaluator: a compiled program,
// safe for concurrent use.
type Evaluator struct {
	program cel.Program
}

// New compiles a validated cfg into an evaluator.
func New(cfg *Config) (*Evaluator, error) {
	ast, err := Compile(cfg.Expression)
	if err != nil {
		return nil, err
	}
	env, err := Env()
	if err != nil {
		return nil, err
	}
	prg, err := celeval.Program(env, ast)
	if err != nil {
		return nil, err
	}
	return &Evaluator{program: prg}, nil
}

// Evaluate implements policy.Evaluator. It honours ctx's deadline within
// comprehensions; errors describe the evaluation failure (CEL's message)
// and never the variables' values.
func (e *Evaluator) Evaluate(ctx context.Context, req *policy.Request) (policy.Outcome, error) {
	vars, err := Vars(req)
	if err != nil {
		return policy.Outcome{}, err
	}
	val, _, err := e.program.ContextEval(ctx, vars)
	if err != nil {
		return policy.Outcome{}, fmt.Errorf("evaluate expression: %w", err)
	}
	return outcome(val)
}

// Vars returns the variables an expression sees for req (see the package
// documentation).
func Vars(req *policy.Request) (map[string]any, error) {
	u, err := celeval.UserVar(req.User, req.GroupIDs, req.Superuser)
	if err != nil {
		return nil, err
	}
	ip := ""
	if req.Client.IP.IsValid() {
		ip = req.Client.IP.String()
	}
	headers := req.Client.Headers
	if headers == nil {
		headers = map[string]string{}
	}
	flow := map[string]any{}
	if req.Flow != nil {
		flow = map[string]any{"slug": req.Flow.Slug, "designation": req.Flow.Designation}
	}
	execCtx, err := celeval.JSONValues(req.Context)
	if err != nil {
		return nil, fmt.Errorf("context: %w", err)
	}
	app, err := celeval.JSONValues(req.Application)
	if err != nil {
		return nil, fmt.Errorf("application: %w", err)
	}
	return map[string]any{
		VarUser:        u,
		VarRequest:     map[string]any{"ip": ip, "user_agent": req.Client.UserAgent, "headers": headers},
		VarFlow:        flow,
		VarContext:     execCtx,
		VarApplication: app,
	}, nil
}

// outcome interprets an expression's result.
func outcome(val ref.Val) (policy.Outcome, error) {
	switch v := val.(type) {
	case types.Bool:
		return policy.Outcome{Passing: bool(v)}, nil
	case traits.Mapper:
		return mapOutcome(v)
	default:
		return policy.Outcome{}, fmt.Errorf("%w, not %s", ErrResult, val.Type().TypeName())
	}
}

func mapOutcome(m traits.Mapper) (policy.Outcome, error) {
	var out policy.Outcome
	pass, ok := m.Find(types.String("pass"))
	if !ok {
		return out, fmt.Errorf("%w: the map has no pass", ErrResult)
	}
	b, ok := pass.(types.Bool)
	if !ok {
		return out, fmt.Errorf("%w: pass is a %s, not a bool", ErrResult, pass.Type().TypeName())
	}
	out.Passing = bool(b)
	for it := m.Iterator(); it.HasNext() == types.True; {
		key := it.Next()
		k, ok := key.(types.String)
		if !ok {
			return out, fmt.Errorf("%w: keys must be strings", ErrResult)
		}
		v := m.Get(key)
		switch k {
		case "pass":
		case "message":
			s, ok := v.(types.String)
			if !ok {
				return out, fmt.Errorf("%w: message must be a string", ErrResult)
			}
			out.Messages = slices.Insert(out.Messages, 0, string(s))
		case "messages":
			n, err := celeval.Native(v)
			if err != nil {
				return out, fmt.Errorf("%w: %w", ErrResult, err)
			}
			list, ok := n.([]any)
			if !ok {
				return out, fmt.Errorf("%w: messages must be a list of strings", ErrResult)
			}
			for _, e := range list {
				s, ok := e.(string)
				if !ok {
					return out, fmt.Errorf("%w: messages must be a list of strings", ErrResult)
				}
				out.Messages = append(out.Messages, s)
			}
		case "context":
			n, err := celeval.Native(v)
			if err != nil {
				return out, fmt.Errorf("%w: %w", ErrResult, err)
			}
			c, ok := n.(map[string]any)
			if !ok {
				return out, fmt.Errorf("%w: context must be a map", ErrResult)
			}
			out.Context = c
		default:
			return out, fmt.Errorf("%w: unknown key %q (use pass, message, messages, context)", ErrResult, string(k))
		}
	}
	return out, nil
}
