package executor

import (
	"context"
	"fmt"
	"net/url"
)

// Handoff is a part of Gatehouse that sends a client into a flow and must
// learn how it ended: an SSO authorization runs the provider's
// authorization flow before it answers the application. The flow's URL
// names the handoff in its query (Param()=ref), so any client starts it
// the usual way (startFlow with that query). The executor asks the handoff
// to Seed the execution's context when it starts, and tells it once, when
// the execution ends, how it ended (Ended; a denial too).
type Handoff interface {
	// Param is the query parameter that carries the handoff's reference.
	Param() string
	// Seed checks ref for an execution of flow flowSlug by the session's
	// user (0: anonymous) and returns the keys to seed its context with.
	// An error refuses the start; a *problem.FieldError is shown to the
	// client as bad input.
	Seed(ctx context.Context, ref, flowSlug string, userID int) (map[string]any, error)
	// Ended is told how the execution ended: denied or not, with its
	// final context and the session's user then. It runs after the final
	// step was saved, once per execution; an error is logged.
	Ended(ctx context.Context, ref string, e *Ending) error
}

// handoffKey is where an execution's context keeps the reference of a
// handoff (not user data: set only by Start).
func handoffKey(param string) string { return "handoff." + param }

// seedHandoffs seeds st's context for every handoff its query names.
func (x *Executor) seedHandoffs(ctx context.Context, st *state, query string) error {
	if len(x.handoffs) == 0 || query == "" {
		return nil
	}
	values, err := url.ParseQuery(query)
	if err != nil {
		return ErrInvalidNext
	}
	for _, h := range x.handoffs {
		ref := values.Get(h.Param())
		if ref == "" {
			continue
		}
		seed, err := h.Seed(ctx, ref, st.flow.Slug, st.session.UserID)
		if err != nil {
			return err
		}
		if err := st.exec.Context.Merge(seed); err != nil {
			return err
		}
		if err := st.exec.Context.Set(handoffKey(h.Param()), ref); err != nil {
			return err
		}
	}
	return nil
}

// endHandoffs tells the handoffs of st's execution how it ended, when it
// has (and did not continue in another flow).
func (x *Executor) endHandoffs(ctx context.Context, st *state) {
	o := st.exec.Outcome
	if o == nil || o.Continuation != "" || len(x.handoffs) == 0 {
		return
	}
	for _, h := range x.handoffs {
		ref := st.exec.Context.String(handoffKey(h.Param()))
		if ref == "" {
			continue
		}
		e := st.ending()
		if err := h.Ended(ctx, ref, e); err != nil && x.deps.Logger != nil {
			x.deps.Logger.ErrorContext(ctx, "a flow handoff could not record how its execution ended",
				"flow", st.exec.FlowSlug, "handoff", h.Param(), "error", fmt.Sprint(err))
		}
	}
}
