package expression

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"

	"github.com/gatehouse-id/gatehouse/policy"
)

// CostLimit bounds the runtime cost of one evaluation, in CEL cost units
// (about one per operation, per element a comprehension visits and per few
// bytes a string function reads). Measured: comparing a header or the IP
// costs about 10; checking 500 group IDs against a list of 20 about 17,500;
// a four-level nested comprehension over ten elements (10^4 iterations)
// about 125,000 and 8 ms. 1,000,000 lets a policy scan thousands of group
// IDs or attributes, yet stops a runaway expression (a six-level nested
// comprehension would cost ~10^7) after 60-130 ms of CPU on a small
// two-core machine, well inside any binding's timeout (at least 1 s), so
// one admin's mistake cannot pin a core.
const CostLimit = 1_000_000

// interruptEvery is how many comprehension iterations run between checks
// of the context's deadline.
const interruptEvery = 100

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
	prg, err := env.Program(ast,
		cel.CostLimit(CostLimit),
		cel.InterruptCheckFrequency(interruptEvery),
	)
	if err != nil {
		return nil, fmt.Errorf("build expression program: %w", err)
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
	u := map[string]any{}
	if req.User != nil {
		groups := make([]string, len(req.GroupIDs))
		for i, id := range req.GroupIDs {
			groups[i] = strconv.Itoa(id)
		}
		attrs, err := jsonValues(req.User.Attributes)
		if err != nil {
			return nil, fmt.Errorf("user attributes: %w", err)
		}
		u = map[string]any{
			"id":           strconv.Itoa(req.User.ID),
			"username":     req.User.Username,
			"name":         req.User.Name,
			"email":        req.User.Email,
			"is_active":    req.User.IsActive,
			"is_superuser": req.Superuser,
			"type":         string(req.User.Type),
			"groups":       groups,
			"attributes":   attrs,
		}
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
	execCtx, err := jsonValues(req.Context)
	if err != nil {
		return nil, fmt.Errorf("context: %w", err)
	}
	app, err := jsonValues(req.Application)
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

// jsonValues returns m (never nil) with every value CEL can represent:
// JSON-like values pass as they are, anything else (a struct the executor
// put into the context) is replaced by its JSON form.
func jsonValues(m map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for k, v := range m {
		jv, err := jsonValue(v)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k, err)
		}
		out[k] = jv
	}
	return out, nil
}

func jsonValue(v any) (any, error) {
	switch v := v.(type) {
	case nil, bool, string, int, int32, int64, uint, uint32, uint64, float32, float64,
		time.Time, time.Duration, []string, map[string]string:
		return v, nil
	case map[string]any:
		return jsonValues(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			jv, err := jsonValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = jv
		}
		return out, nil
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("value of type %T is not JSON: %w", v, err)
		}
		var out any
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, err
		}
		return out, nil
	}
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
			n, err := native(v)
			if err != nil {
				return out, err
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
			n, err := native(v)
			if err != nil {
				return out, err
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

// native converts a CEL value into plain Go JSON-like data: bool, int64,
// uint64, float64, string, []byte, nil, time.Time, time.Duration, []any and
// map[string]any.
func native(v ref.Val) (any, error) {
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
		out := map[string]any{}
		for it := v.Iterator(); it.HasNext() == types.True; {
			key := it.Next()
			k, ok := key.(types.String)
			if !ok {
				return nil, fmt.Errorf("%w: map keys must be strings", ErrResult)
			}
			n, err := native(v.Get(key))
			if err != nil {
				return nil, err
			}
			out[string(k)] = n
		}
		return out, nil
	case traits.Lister:
		var out []any
		for it := v.Iterator(); it.HasNext() == types.True; {
			n, err := native(it.Next())
			if err != nil {
				return nil, err
			}
			out = append(out, n)
		}
		if out == nil {
			out = []any{}
		}
		return out, nil
	default:
		return nil, fmt.Errorf("%w: cannot use a %s in the result", ErrResult, v.Type().TypeName())
	}
}
