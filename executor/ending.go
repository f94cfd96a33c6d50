package executor

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
)

// notApplicable ends a flow whose authentication requirement or policies
// refuse st's user. An authentication flow for a user who is already
// logged in ends as a success, to next, as in authentik: there is nothing
// left to authenticate, so a second tab or a stale login link carries on
// instead of showing a denial. Any other flow is denied as its
// denied_action says, with messages.
func (x *Executor) notApplicable(st *state, messages []string) {
	if st.user != nil && st.flow.Designation == enum.FlowDesignationAuthentication {
		x.succeed(st)
		return
	}
	x.deny(st, messages)
}

// continueIn starts the flow slug for st's client as a new execution and
// ends st's execution with a redirect to it.
func (x *Executor) continueIn(ctx context.Context, st *state, slug string, keep bool) error {
	f, err := x.flowBySlug(ctx, slug, st.generation)
	if err != nil {
		return fmt.Errorf("continue in flow %s: %w", slug, err)
	}
	child := &state{
		flow: f, info: flowInfo(f), client: st.client, now: st.now, generation: st.generation,
		sessionID: st.sessionID, session: st.session, user: st.user, next: st.next, outpost: st.outpost,
	}
	child.exec = &Execution{
		Format: DocumentFormat, FlowID: f.ID, FlowSlug: f.Slug, Scope: st.exec.Scope,
		Query: st.exec.Query, Context: Context{}, CreatedAt: st.now, UpdatedAt: st.now,
	}
	if keep {
		child.exec.Context = st.exec.Context.clone()
		for k := range child.exec.Context {
			if strings.HasPrefix(k, stageStatePrefix) {
				delete(child.exec.Context, k)
			}
		}
	}
	if err := child.exec.Context.Set(KeyIsRedirected, st.flow.Slug); err != nil {
		return err
	}
	if err := x.begin(ctx, child); err != nil {
		return err
	}
	id, err := newExecutionID()
	if err != nil {
		return err
	}
	child.exec.ID = id
	doc, expires, err := x.encode(child)
	if err != nil {
		return err
	}
	if err := x.store.Create(ctx, id, doc, expires); err != nil {
		return fmt.Errorf("store flow execution: %w", err)
	}
	if child.change != nil {
		st.change = child.change
	}
	st.exec.Outcome = &Outcome{To: FlowPath(slug) + "?" + url.Values{"execution": {id}}.Encode(), Continuation: id}
	return nil
}

// succeed ends the flow: to the context's redirect (set by Gatehouse), else
// to the relative next it was started with, else home.
func (x *Executor) succeed(st *state) {
	to := st.exec.Context.String(KeyRedirect)
	if to == "" {
		to = st.next
	}
	if to == "" {
		to = "/"
	}
	st.exec.Outcome = &Outcome{To: to}
}

// deny ends a flow that does not apply to the user, as its denied_action says.
func (x *Executor) deny(st *state, messages []string) {
	msg := strings.Join(messages, " ")
	if msg == "" {
		msg = DefaultDenyMessage
	}
	switch st.flow.DeniedAction {
	case enum.DeniedActionContinue:
		to := st.next
		if to == "" {
			to = "/"
		}
		st.exec.Outcome = &Outcome{Denied: true, To: to}
	case enum.DeniedActionMessageContinue:
		if st.next != "" {
			st.exec.Outcome = &Outcome{Denied: true, To: st.next}
			return
		}
		st.exec.Outcome = &Outcome{Denied: true, Message: msg}
	case enum.DeniedActionMessage:
		st.exec.Outcome = &Outcome{Denied: true, Message: msg}
	default:
		st.exec.Outcome = &Outcome{Denied: true, Message: msg}
	}
}

// recordDenial records a FLOW_EXECUTION event for an execution that has
// just ended denied (a policy, a stage or the flow's requirements refused
// it), once its ending is saved: the flow, the stage it ended at, the
// message shown and the pending user's ID when one was identified. A flow
// that succeeded or went on in another flow makes no event.
func (x *Executor) recordDenial(ctx context.Context, st *state) {
	o := st.exec.Outcome
	if o == nil || !o.Denied || o.Continuation != "" {
		return
	}
	data := map[string]any{"flow": st.exec.FlowSlug, "outcome": "denied", "message": o.Message}
	if n := len(st.exec.History); n > 0 {
		data["stage"] = st.exec.History[n-1].Name
	}
	if id, ok := st.exec.Context.PendingUserID(); ok {
		data["pending_user_id"] = strconv.Itoa(id)
	}
	x.deps.Record(ctx, enum.EventActionFlowExecution, data)
}
