package executor

import (
	"context"
	"strings"
	"time"

	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

// Inspection is an execution as the flow inspector shows it to an
// administrator: the plan still to run, the stages passed, and the context
// with secrets redacted.
type Inspection struct {
	ID       string
	FlowSlug string
	// Plan is what remains to run; Plan[0] is the current stage.
	Plan []PlanEntry
	// History lists the stages passed, oldest first (the latest 50).
	History []Step
	// Context is the execution context; values under keys that name a
	// password, secret or token are replaced by Redacted.
	Context map[string]any
	// Errors are the field errors of the last rejected response.
	Errors    []FieldError
	Outcome   *Outcome
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Completed reports whether the inspected flow has ended.
func (i *Inspection) Completed() bool { return i.Outcome != nil }

// Redacted replaces secret values in an Inspection's context.
const Redacted = "[redacted]"

// Inspect returns execution id for the flow inspector, whatever session
// owns it. Only administrators may inspect (the API checks): an inspection
// shows the context a user's flow has gathered.
func (x *Executor) Inspect(ctx context.Context, id string) (*Inspection, error) {
	exec, err := x.fetch(viewer.SystemContext(ctx), id)
	if err != nil {
		return nil, err
	}
	return inspection(exec), nil
}

// FollowInspection streams Inspect's result now and after every change,
// until ctx ends, the flow completes, or the execution is cancelled or
// expires.
func (x *Executor) FollowInspection(ctx context.Context, id string) (<-chan *Inspection, error) {
	return stream(ctx, x, id, func(ctx context.Context) (*Inspection, bool, error) {
		exec, err := x.fetch(ctx, id)
		if err != nil {
			return nil, false, err
		}
		return inspection(exec), exec.Completed(), nil
	})
}

func inspection(exec *Execution) *Inspection {
	return &Inspection{
		ID: exec.ID, FlowSlug: exec.FlowSlug, Plan: exec.Plan.Entries, History: exec.History,
		Context: redactMap(exec.Context.Values()),
		Errors:  exec.Errors, Outcome: exec.Outcome, CreatedAt: exec.CreatedAt, UpdatedAt: exec.UpdatedAt,
	}
}

// redactMap copies m, replacing the values of secret-named keys.
func redactMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, val := range m {
		if secretKey(k) {
			out[k] = Redacted
		} else {
			out[k] = redact(val)
		}
	}
	return out
}

// redact copies v, redacting the maps in it.
func redact(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return redactMap(t)
	case []any:
		out := make([]any, len(t))
		for i, val := range t {
			out[i] = redact(val)
		}
		return out
	default:
		return v
	}
}

// secretKey reports whether a context key names a secret.
func secretKey(k string) bool {
	k = strings.ToLower(k)
	for _, s := range []string{"password", "secret", "token", "otp", "recovery_code"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}
