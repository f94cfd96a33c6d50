package executor

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-id/gatehouse/directory"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/flow"
	"github.com/gatehouse-id/gatehouse/ent/policybinding"
	"github.com/gatehouse-id/gatehouse/ent/predicate"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/executor/flowstate"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/pubsub"
	"github.com/gatehouse-id/gatehouse/requestinfo"
	"github.com/gatehouse-id/gatehouse/session"
)

// Defaults of Options.
const (
	DefaultExecutionTTL = 30 * time.Minute
	// completedTTL is how long an ended execution stays readable.
	completedTTL = 5 * time.Minute
	// maxAutoSteps bounds how many stages may run without a challenge in one
	// request (runners and skips); more means a loop.
	maxAutoSteps = 100
)

// DefaultDenyMessage is shown when a flow or stage denies without a reason.
const DefaultDenyMessage = "Flow does not apply to current user."

// Options configure an Executor.
type Options struct {
	// Kinds builds stages from their kind and config.
	Kinds *StageKinds
	// Store keeps executions.
	Store flowstate.Store
	// Broker announces execution changes (for subscriptions); nil: none.
	Broker pubsub.Broker
	// ExecutionTTL is how long an execution lives after its last change.
	ExecutionTTL time.Duration
	// StartLimits bound how many executions clients may start
	// (DefaultStartLimits where zero); they are counted in Deps.Counters.
	StartLimits StartLimits
}

// Executor runs flows: it plans them, keeps their executions, renders
// their challenges and applies responses. It is safe for concurrent use;
// all state lives in its stores.
type Executor struct {
	deps    Deps
	kinds   *StageKinds
	store   flowstate.Store
	broker  pubsub.Broker
	ttl     time.Duration
	limits  StartLimits
	planner *planner

	mu     sync.Mutex
	stages map[int]cachedStage
	flows  map[string]cachedFlow
}

// cachedStage and cachedFlow are valid for their configuration generation
// and, like cached plans, for at most PlanCacheTTL after they were loaded
// (at): should a generation bump be lost (the counter store failed when a
// change committed), a stale entry still ages out.
type cachedStage struct {
	generation int64
	at         time.Time
	stage      Stage
}

type cachedFlow struct {
	generation int64
	at         time.Time
	flow       *ent.Flow
}

// fresh reports whether a cache entry of generation made at is still valid
// at now for the current generation gen.
func fresh(generation int64, at time.Time, gen int64, now time.Time) bool {
	return generation == gen && now.Sub(at) < PlanCacheTTL
}

// New returns an Executor.
func New(deps Deps, opts Options) *Executor {
	ttl := opts.ExecutionTTL
	if ttl <= 0 {
		ttl = DefaultExecutionTTL
	}
	return &Executor{
		deps:    deps,
		kinds:   opts.Kinds,
		store:   opts.Store,
		broker:  opts.Broker,
		ttl:     ttl,
		limits:  opts.StartLimits.withDefaults(),
		planner: newPlanner(deps.Client, deps.Policies, deps.Counters, deps.Now),
		stages:  map[int]cachedStage{},
		flows:   map[string]cachedFlow{},
	}
}

// View is what a client sees of an execution.
type View struct {
	// ID addresses the execution in later calls.
	ID string
	// Completed reports whether the flow has ended; Challenge is then a
	// RedirectChallenge or an AccessDeniedChallenge.
	Completed bool
	Flow      FlowInfo
	Challenge Challenge
	// Session, when set, is a session change the client must apply: store
	// the new session ID, or forget it.
	Session *SessionChange
	// Step identifies the challenge shown: the current plan entry's
	// position, which changes whenever the flow moves on to another stage
	// or is planned again (not when a response is rejected); 0 once the
	// flow has ended. Clients answer with it in SubmitParams.Step.
	Step int
}

// StartParams describe a new execution.
type StartParams struct {
	// Slug names the flow.
	Slug string
	// Query is the query string the flow is started with ("next=/app").
	Query string
	// SessionID is the client's session; empty or unknown starts an
	// anonymous one.
	SessionID session.ID
	// Client is the HTTP client.
	Client Client
	// Context seeds the execution's context (internal callers only:
	// a redirect from another flow, an SSO request).
	Context map[string]any
}

// SubmitParams describe a response to an execution's challenge.
type SubmitParams struct {
	ExecutionID string
	SessionID   session.ID
	Response    Response
	Client      Client
	// Step is the View.Step of the challenge Response answers. When set,
	// a response to a challenge no longer shown is refused with
	// ErrWrongStage, so that a repeated submission (a double click, a
	// retried request) that arrives after the first moved the flow on
	// cannot answer the next stage, even one of the same kind. 0 skips
	// the check (the response answers whatever stage is current).
	Step int
}

// state is one request's view of an execution while the executor works.
type state struct {
	exec       *Execution
	flow       *ent.Flow
	info       FlowInfo
	sessionID  session.ID
	session    *session.Session
	user       *ent.User
	client     Client
	now        time.Time
	generation int64
	next       string
	change     *SessionChange
	// subject and subjectGroups are the user policies decide about and
	// their groups, loaded on first need (policyRequest).
	subject       *ent.User
	subjectGroups []int
}

// Start plans the flow slug and runs it up to its first challenge. It
// refuses a query over MaxQueryBytes (*problem.FieldError), and a start
// past the StartLimits of the client's address or session
// (*problem.RateLimitedError), having stored nothing.
func (x *Executor) Start(ctx context.Context, p StartParams) (*View, error) {
	sys := viewer.SystemContext(ctx)
	if err := checkQuery(p.Query); err != nil {
		return nil, err
	}
	next, err := parseNext(p.Query)
	if err != nil {
		return nil, err
	}
	if p.Client.IP.IsValid() {
		if err := x.countStart(sys, "flow_starts:ip:"+p.Client.IP.Unmap().WithZone("").String(), x.limits.PerIP); err != nil {
			return nil, err
		}
	}
	gen, err := x.planner.generation(sys)
	if err != nil {
		return nil, err
	}
	f, err := x.flowBySlug(sys, p.Slug, gen)
	if err != nil {
		return nil, err
	}
	st := &state{flow: f, info: flowInfo(f), client: p.Client, now: x.deps.Now(), generation: gen, next: next}
	if err := x.openSession(sys, st, p.SessionID); err != nil {
		return nil, err
	}
	if st.change == nil { // an existing session: a new one has started nothing yet
		if err := x.countStart(sys, "flow_starts:session:"+st.session.Scope, x.limits.PerSession); err != nil {
			return nil, err
		}
	}
	st.exec = &Execution{
		Format: DocumentFormat, FlowID: f.ID, FlowSlug: f.Slug, Scope: st.session.Scope,
		Query: p.Query, Context: Context{}, CreatedAt: st.now, UpdatedAt: st.now,
	}
	if err := st.exec.Context.Merge(p.Context); err != nil {
		return nil, err
	}
	if err := x.begin(sys, st); err != nil {
		return nil, err
	}
	id, err := newExecutionID()
	if err != nil {
		return nil, err
	}
	st.exec.ID = id
	doc, expires, err := x.encode(st)
	if err != nil {
		return nil, err
	}
	if err := x.store.Create(sys, id, doc, expires); err != nil {
		return nil, fmt.Errorf("store flow execution: %w", err)
	}
	return x.view(sys, st), nil
}

// begin checks the flow's requirements and policies, plans it and runs it
// to its first challenge (or its end).
func (x *Executor) begin(ctx context.Context, st *state) error {
	if !x.authenticationMet(ctx, st) {
		x.notApplicable(st, nil)
		return nil
	}
	if err := configureSelf(st); err != nil {
		return err
	}
	if hasPolicies(st.flow) {
		res, err := x.deps.Policies.EvaluateTarget(ctx, policy.Target{FlowID: st.flow.ID}, st.flow.PolicyEngineMode, x.policyRequest(ctx, st))
		if err != nil {
			return fmt.Errorf("evaluate policies of flow %s: %w", st.flow.Slug, err)
		}
		if err := st.exec.Context.Merge(res.Context); err != nil {
			return err
		}
		if !res.Passing {
			x.notApplicable(st, res.Messages)
			return nil
		}
	}
	entries, proposals, err := x.planner.plan(ctx, st.flow, x.subjectID(st),
		func() *policy.Request { return x.policyRequest(ctx, st) }, st.generation)
	if err != nil {
		return err
	}
	if err := st.exec.Context.Merge(proposals); err != nil {
		return err
	}
	st.exec.Plan = Plan{NextPosition: st.exec.Plan.NextPosition}
	for _, e := range entries {
		st.exec.Plan.Append(e)
	}
	return x.advance(ctx, st)
}

// configureSelf makes the signed-in user the pending user of a
// stage_configuration flow (changing a password, editing one's settings,
// setting up an authenticator), which configures the user running it;
// a pending user already in the context is kept.
func configureSelf(st *state) error {
	if st.flow.Designation != enum.FlowDesignationStageConfiguration || st.user == nil {
		return nil
	}
	if _, ok := st.exec.Context.PendingUserID(); ok {
		return nil
	}
	return st.exec.Context.Set(KeyPendingUser, st.user.ID)
}

// authenticationMet reports whether st's session meets the flow's
// authentication requirement.
func (x *Executor) authenticationMet(ctx context.Context, st *state) bool {
	switch st.flow.Authentication {
	case enum.AuthenticationRequireAuthenticated:
		return st.user != nil
	case enum.AuthenticationRequireUnauthenticated:
		return st.user == nil
	case enum.AuthenticationRequireSuperuser:
		if st.user == nil {
			return false
		}
		super, err := directory.IsSuperuser(ctx, x.deps.Client, st.user.ID)
		return err == nil && super
	case enum.AuthenticationRequireRedirect:
		return st.exec.Context.String(KeyIsRedirected) != ""
	case enum.AuthenticationRequireOutpost:
		return false // outposts arrive with their issue
	case enum.AuthenticationNone:
		return true
	default:
		return false // unknown requirement: refuse
	}
}

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

// Submit answers the current challenge of an execution. It returns
// ErrExecutionNotFound for an execution that is unknown, expired or not
// the session's; ErrWrongStage, changing nothing, for a response that does
// not answer the challenge shown (another kind, a Step no longer current,
// an ended flow); and ErrStale, having run no stage, when another request
// changed the execution first or is applying a step now (see the package
// documentation: steps are claimed before they act). Of overlapping
// answers to one challenge exactly one is applied, with its side effects;
// with Step, so is of repeated ones.
func (x *Executor) Submit(ctx context.Context, p SubmitParams) (*View, error) {
	sys := viewer.SystemContext(ctx)
	st, version, err := x.load(sys, p.ExecutionID, p.SessionID, p.Client)
	if err != nil {
		return nil, err
	}
	entry, ok := st.exec.Current()
	if st.exec.Completed() || !ok || p.Response == nil || p.Response.ResponseKind() != entry.Kind ||
		(p.Step != 0 && p.Step != entry.Position) {
		return nil, ErrWrongStage
	}
	stage, err := x.stage(sys, entry, st.generation)
	if err != nil {
		return nil, err
	}
	interactive, ok := stage.(Interactive)
	if !ok {
		return nil, ErrWrongStage
	}
	err = x.runClaimed(sys, st, version, func(ctx context.Context) error {
		req := st.request(entry)
		res, err := interactive.Submit(ctx, req, p.Response)
		st.absorb(req)
		if err != nil {
			return fmt.Errorf("stage %s: %w", entry.Kind, err)
		}
		if err := x.apply(ctx, st, entry, res); err != nil {
			return err
		}
		return x.advance(ctx, st)
	})
	if err != nil {
		return nil, err
	}
	return x.view(sys, st), nil
}

// Get returns the execution as its client sees it now.
func (x *Executor) Get(ctx context.Context, id string, sid session.ID, c Client) (*View, error) {
	sys := viewer.SystemContext(ctx)
	st, _, err := x.load(sys, id, sid, c)
	if err != nil {
		return nil, err
	}
	return x.view(sys, st), nil
}

// Restart plans the execution's flow again from the start, with a fresh
// context, keeping its ID. Like Submit it claims the execution first, and
// answers ErrStale while another request holds it.
func (x *Executor) Restart(ctx context.Context, id string, sid session.ID, c Client) (*View, error) {
	sys := viewer.SystemContext(ctx)
	st, version, err := x.load(sys, id, sid, c)
	if err != nil {
		return nil, err
	}
	err = x.runClaimed(sys, st, version, func(ctx context.Context) error {
		return x.restart(ctx, st, false)
	})
	if err != nil {
		return nil, err
	}
	return x.view(sys, st), nil
}

// Cancel ends an execution: it is forgotten.
func (x *Executor) Cancel(ctx context.Context, id string, sid session.ID) error {
	sys := viewer.SystemContext(ctx)
	if _, _, err := x.load(sys, id, sid, Client{}); err != nil {
		return err
	}
	if err := x.store.Delete(sys, id); err != nil && !errors.Is(err, flowstate.ErrNotFound) {
		return fmt.Errorf("delete flow execution: %w", err)
	}
	x.announce(sys, id)
	return nil
}

// Watch returns a channel that receives a value whenever the execution
// changes (in this process or another), until ctx ends. The caller must
// own the execution.
func (x *Executor) Watch(ctx context.Context, id string, sid session.ID) (<-chan struct{}, error) {
	if _, _, err := x.load(viewer.SystemContext(ctx), id, sid, Client{}); err != nil {
		return nil, err
	}
	if x.broker == nil {
		return nil, errors.New("executor: no broker to watch executions with")
	}
	msgs, err := x.broker.Subscribe(ctx, topic(id))
	if err != nil {
		return nil, err
	}
	out := make(chan struct{}, 1)
	go func() {
		defer close(out)
		for range msgs {
			select {
			case out <- struct{}{}:
			default: // a notification is already pending; one is enough
			}
		}
	}()
	return out, nil
}

// Follow streams the execution's views: the current one at once, then
// the latest after every change (in this process or another), until ctx
// ends, the flow completes (the completed view is the last), or the
// execution is cancelled or expires. The caller proves ownership once,
// with its session; from then on the stream follows the execution's
// session scope, which survives the ID rotation at login, so a page
// watching its own login flow sees it complete. Views are rendered for
// the session sid while that ID lives, and without a session after.
func (x *Executor) Follow(ctx context.Context, id string, sid session.ID, c Client) (<-chan *View, error) {
	sys := viewer.SystemContext(ctx)
	st, _, err := x.load(sys, id, sid, c)
	if err != nil {
		return nil, err
	}
	scope := st.exec.Scope
	return stream(ctx, x, id, func(ctx context.Context) (*View, bool, error) {
		exec, err := x.fetch(ctx, id)
		if err != nil {
			return nil, false, err
		}
		if exec.Scope != scope {
			return nil, false, ErrExecutionNotFound
		}
		st := &state{exec: exec, client: c, now: x.deps.Now()}
		if err := x.resumeSession(ctx, st, sid); err != nil && !errors.Is(err, ErrExecutionNotFound) {
			return nil, false, err
		}
		if err := x.attach(ctx, st); err != nil {
			return nil, false, err
		}
		v := x.view(ctx, st)
		v.Session = nil // session changes reach the client that caused them
		return v, v.Completed, nil
	})
}

// stream subscribes to execution id's changes and sends render's result
// now and after each change, until done, an error, or ctx ends. render
// runs as the system.
func stream[T any](ctx context.Context, x *Executor, id string, render func(context.Context) (T, bool, error)) (<-chan T, error) {
	if x.broker == nil {
		return nil, errors.New("executor: no broker to watch executions with")
	}
	// A stream outlives its request: it must see sessions end.
	ctx, cancel := context.WithCancel(session.WithoutRequestCache(ctx))
	msgs, err := x.broker.Subscribe(ctx, topic(id)) // before the first render: no change is missed
	if err != nil {
		cancel()
		return nil, err
	}
	sys := viewer.SystemContext(ctx)
	first, done, err := render(sys)
	if err != nil {
		cancel()
		return nil, err
	}
	out := make(chan T, 1)
	out <- first
	go func() {
		defer close(out)
		defer cancel()
		if done {
			return
		}
		for range msgs {
			v, done, err := render(sys)
			if err != nil {
				return // cancelled, expired or unreadable: the stream ends
			}
			select {
			case out <- v:
			case <-ctx.Done():
				return
			}
			if done {
				return
			}
		}
	}()
	return out, nil
}

// advance runs the plan from its current entry until an interactive stage
// must be shown or the flow ends.
func (x *Executor) advance(ctx context.Context, st *state) error {
	for range maxAutoSteps {
		if st.exec.Completed() {
			return nil
		}
		entry, ok := st.exec.Current()
		if !ok {
			x.succeed(st)
			return nil
		}
		skipped, err := x.reevaluate(ctx, st, entry)
		if err != nil {
			return err
		}
		if skipped {
			continue
		}
		wait, err := x.step(ctx, st, entry)
		if err != nil || wait {
			return err
		}
	}
	return fmt.Errorf("executor: flow %s ran %d stages without a challenge; a stage loops", st.flow.Slug, maxAutoSteps)
}

// reevaluate checks the binding's policies once, when its entry becomes
// current, if the binding asks for it; a failing entry is dropped.
func (x *Executor) reevaluate(ctx context.Context, st *state, entry PlanEntry) (skipped bool, err error) {
	if !entry.Reevaluate || entry.Checked || entry.BindingID == 0 {
		return false, nil
	}
	// No policies: nothing to evaluate (no bindings pass).
	if guarded, err := x.planner.guarded(ctx, entry.BindingID, st.generation); err != nil || !guarded {
		return false, err
	}
	res, err := x.deps.Policies.EvaluateTarget(ctx, policy.Target{FlowStageBindingID: entry.BindingID},
		entry.PolicyEngineMode, x.policyRequest(ctx, st))
	if err != nil {
		return false, fmt.Errorf("re-evaluate binding %d: %w", entry.BindingID, err)
	}
	if err := st.exec.Context.Merge(res.Context); err != nil {
		return false, err
	}
	if !res.Passing {
		st.exec.record(entry, "skipped", st.now)
		st.exec.Plan.pop()
		return true, nil
	}
	st.exec.Plan.Entries[0].Checked = true
	return false, nil
}

// step runs the current entry if it can act without the user (a runner, or
// a skipping stage); wait reports that it needs a challenge answered.
func (x *Executor) step(ctx context.Context, st *state, entry PlanEntry) (wait bool, err error) {
	stage, err := x.stage(ctx, entry, st.generation)
	if err != nil {
		return false, err
	}
	req := st.request(entry)
	var res Result
	switch s := stage.(type) {
	case Runner:
		res, err = s.Run(ctx, req)
		if res.action == actionRetry { // a runner has no challenge to retry
			res = Deny(firstMessage(res.errors))
		}
	case Skipper:
		var skip bool
		res, skip, err = s.Skip(ctx, req)
		if err == nil && !skip {
			st.absorb(req)
			return true, nil
		}
	case Interactive:
		return true, nil
	default:
		return false, fmt.Errorf("executor: stage kind %s is neither interactive nor a runner", entry.Kind)
	}
	st.absorb(req)
	if err != nil {
		return false, fmt.Errorf("stage %s: %w", entry.Kind, err)
	}
	return false, x.apply(ctx, st, entry, res)
}

// apply carries out a stage's result for entry, the current entry.
func (x *Executor) apply(ctx context.Context, st *state, entry PlanEntry, res Result) error {
	switch res.action {
	case actionNext:
		st.exec.record(entry, "done", st.now)
		st.exec.Errors = nil
		st.exec.Plan.pop()
	case actionRetry:
		switch entry.InvalidResponseAction {
		case enum.InvalidResponseActionRestart:
			return x.restart(ctx, st, false)
		case enum.InvalidResponseActionRestartWithContext:
			return x.restart(ctx, st, true)
		case enum.InvalidResponseActionRetry:
			st.exec.Errors = res.errors
		default:
			st.exec.Errors = res.errors
		}
	case actionDeny:
		st.exec.record(entry, "denied", st.now)
		msg := res.message
		if msg == "" {
			msg = DefaultDenyMessage
		}
		st.exec.Outcome = &Outcome{Denied: true, Message: msg}
	case actionRedirect:
		st.exec.record(entry, "redirected", st.now)
		st.exec.Outcome = &Outcome{To: res.to}
	case actionContinue:
		st.exec.record(entry, "continued", st.now)
		return x.continueIn(ctx, st, res.to, res.keep)
	}
	return nil
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
		sessionID: st.sessionID, session: st.session, user: st.user, next: st.next,
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

// FlowPath is where the web frontend runs the flow slug.
func FlowPath(slug string) string { return "/if/flow/" + url.PathEscape(slug) + "/" }

// restart plans the flow again, keeping the context when keep is set.
func (x *Executor) restart(ctx context.Context, st *state, keep bool) error {
	if !keep {
		st.exec.Context = Context{}
	}
	st.exec.Errors, st.exec.Outcome = nil, nil
	st.exec.Plan.Entries = nil
	st.exec.record(PlanEntry{Kind: "restart"}, "restarted", st.now)
	return x.begin(ctx, st)
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

// load reads an execution for a client, checking that the client's session
// owns it. Unknown, expired and foreign executions are all
// ErrExecutionNotFound.
func (x *Executor) load(ctx context.Context, id string, sid session.ID, c Client) (*state, int64, error) {
	if id == "" || sid == "" {
		return nil, 0, ErrExecutionNotFound
	}
	exec, err := x.fetch(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	st := &state{exec: exec, client: c, now: x.deps.Now()}
	if err := x.resumeSession(ctx, st, sid); err != nil {
		return nil, 0, err
	}
	if st.session.Scope != exec.Scope {
		return nil, 0, ErrExecutionNotFound
	}
	if err := x.attach(ctx, st); err != nil {
		return nil, 0, err
	}
	return st, exec.Version, nil
}

// fetch reads and decodes execution id; unknown, expired and unreadable
// documents are ErrExecutionNotFound.
func (x *Executor) fetch(ctx context.Context, id string) (*Execution, error) {
	rec, err := x.store.Get(ctx, id)
	if errors.Is(err, flowstate.ErrNotFound) {
		return nil, ErrExecutionNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load flow execution: %w", err)
	}
	exec := &Execution{}
	if err := json.Unmarshal(rec.Document, exec); err != nil || exec.Format != DocumentFormat {
		return nil, ErrExecutionNotFound
	}
	exec.ID, exec.Version = id, rec.Version
	if exec.Context == nil {
		exec.Context = Context{}
	}
	return exec, nil
}

// attach gives st its flow, configuration generation and next target.
func (x *Executor) attach(ctx context.Context, st *state) error {
	var err error
	if st.generation, err = x.planner.generation(ctx); err != nil {
		return err
	}
	f, err := x.flowByID(ctx, st.exec.FlowID, st.generation)
	if err != nil {
		return err
	}
	st.flow, st.info = f, flowInfo(f)
	if st.next, err = parseNext(st.exec.Query); err != nil {
		st.next = ""
	}
	return nil
}

// save writes the execution if nobody changed it since version, and
// announces the change.
func (x *Executor) save(ctx context.Context, st *state, version int64) error {
	st.exec.UpdatedAt = st.now
	doc, expires, err := x.encode(st)
	if err != nil {
		return err
	}
	v, err := x.store.Update(ctx, st.exec.ID, version, doc, expires)
	switch {
	case errors.Is(err, flowstate.ErrConflict):
		return ErrStale
	case errors.Is(err, flowstate.ErrNotFound):
		return ErrExecutionNotFound
	case err != nil:
		return fmt.Errorf("save flow execution: %w", err)
	}
	st.exec.Version = v
	x.announce(ctx, st.exec.ID)
	return nil
}

func (x *Executor) encode(st *state) ([]byte, time.Time, error) {
	doc, err := json.Marshal(st.exec)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("encode flow execution: %w", err)
	}
	if err := checkDocument(doc); err != nil {
		return nil, time.Time{}, err
	}
	ttl := x.ttl
	if st.exec.Completed() {
		ttl = completedTTL
	}
	return doc, st.now.Add(ttl), nil
}

// announce tells watchers the execution changed.
func (x *Executor) announce(ctx context.Context, id string) {
	if x.broker == nil {
		return
	}
	if err := x.broker.Publish(ctx, topic(id), []byte("changed")); err != nil && x.deps.Logger != nil {
		x.deps.Logger.WarnContext(ctx, "announce flow execution change", "error", err)
	}
}

// topic is the pub/sub topic of an execution: a hash, so channel names do
// not reveal execution IDs.
func topic(id string) string {
	sum := sha256.Sum256([]byte(id))
	return "flow.execution." + hex.EncodeToString(sum[:16])
}

// view renders st for its client.
func (x *Executor) view(ctx context.Context, st *state) *View {
	v := &View{ID: st.exec.ID, Completed: st.exec.Completed(), Flow: st.info, Session: st.change}
	if entry, ok := st.exec.Current(); ok && !v.Completed {
		v.Step = entry.Position
	}
	v.Challenge = x.challenge(ctx, st)
	base := v.Challenge.Base()
	base.FlowInfo = st.info
	if base.Errors == nil {
		base.Errors = []FieldError{}
	}
	if base.PendingUser == "" {
		base.PendingUser = x.pendingUserDisplay(ctx, st)
	}
	return v
}

func (x *Executor) challenge(ctx context.Context, st *state) Challenge {
	if o := st.exec.Outcome; o != nil {
		if o.To != "" {
			return &RedirectChallenge{To: o.To, ExecutionID: o.Continuation}
		}
		return &AccessDeniedChallenge{ErrorMessage: o.Message}
	}
	entry, _ := st.exec.Current()
	stage, err := x.stage(ctx, entry, st.generation)
	if err == nil {
		if s, ok := stage.(Interactive); ok {
			var c Challenge
			if c, err = s.Challenge(ctx, st.request(entry)); err == nil {
				c.Base().Errors = st.exec.Errors
				return c
			}
		} else {
			err = fmt.Errorf("executor: stage %s is waiting but not interactive", entry.Kind)
		}
	}
	reqID := requestinfo.FromContext(ctx).RequestID
	if x.deps.Logger != nil {
		x.deps.Logger.ErrorContext(ctx, "render flow challenge", "flow", st.flow.Slug, "stage", entry.Kind, "error", err, "request_id", reqID)
	}
	return &FlowErrorChallenge{RequestID: reqID}
}

// pendingUserDisplay is how challenges show the user being processed: the
// pending user's username, or what was typed to identify when there is no
// pending user or the identification stage asked not to show the match.
func (x *Executor) pendingUserDisplay(ctx context.Context, st *state) string {
	var typed bool
	if _, err := st.exec.Context.Get(KeyShowIdentifier, &typed); err == nil && typed {
		return st.exec.Context.String(KeyPendingUserIdentifier)
	}
	if id, ok := st.exec.Context.PendingUserID(); ok {
		switch {
		case st.subject != nil && st.subject.ID == id:
			return st.subject.Username
		case st.user != nil && st.user.ID == id:
			return st.user.Username
		}
		if u, err := x.deps.Client.User.Get(ctx, id); err == nil {
			return u.Username
		}
	}
	return st.exec.Context.String(KeyPendingUserIdentifier)
}

// request builds the Request a stage sees for entry.
func (st *state) request(entry PlanEntry) *Request {
	return &Request{
		Execution: st.exec, Entry: entry, Flow: st.info, Client: st.client,
		Session: st.session, SessionID: st.sessionID, User: st.user, Now: st.now,
	}
}

// absorb takes over a session change a stage made.
func (st *state) absorb(req *Request) {
	st.subject, st.subjectGroups = nil, nil // a stage may have changed the user
	if req.change == nil {
		return
	}
	st.change = req.change
	st.sessionID, st.session, st.user = req.SessionID, req.Session, req.User
	if req.Session != nil {
		// A logout starts a new session (new scope): the execution moves
		// with its client.
		st.exec.Scope = req.Session.Scope
	}
}

// openSession resumes the client's session or starts an anonymous one.
func (x *Executor) openSession(ctx context.Context, st *state, sid session.ID) error {
	if sid != "" {
		err := x.resumeSession(ctx, st, sid)
		if err == nil {
			return nil
		}
		if !errors.Is(err, ErrExecutionNotFound) {
			return err
		}
	}
	id, s, err := x.deps.Sessions.Start(ctx, session.Client{IP: st.client.IP.String(), UserAgent: st.client.UserAgent})
	if err != nil {
		return fmt.Errorf("start session: %w", err)
	}
	st.sessionID, st.session = id, s
	st.change = &SessionChange{ID: id, Session: s}
	return nil
}

// resumeSession loads the session sid and its user.
func (x *Executor) resumeSession(ctx context.Context, st *state, sid session.ID) error {
	s, err := x.deps.Sessions.Resume(ctx, sid)
	if errors.Is(err, session.ErrNotFound) {
		return ErrExecutionNotFound
	}
	if err != nil {
		return fmt.Errorf("resume session: %w", err)
	}
	st.sessionID, st.session = sid, s
	if s.UserID != 0 {
		u, err := x.deps.Client.User.Get(ctx, s.UserID)
		if err != nil && !ent.IsNotFound(err) {
			return fmt.Errorf("load session user: %w", err)
		}
		if u != nil && u.IsActive {
			st.user = u
		}
	}
	return nil
}

// policyRequest describes st to the policy engine: about the pending user
// if there is one, else the session's user.
func (x *Executor) policyRequest(ctx context.Context, st *state) *policy.Request {
	req := &policy.Request{
		Client:  policy.Client{IP: st.client.IP, UserAgent: st.client.UserAgent, Headers: st.client.Headers},
		Flow:    &policy.Flow{Slug: st.flow.Slug, Designation: string(st.flow.Designation)},
		Context: st.exec.Context.Values(),
	}
	id := x.subjectID(st)
	if id == 0 {
		return req
	}
	if st.subject == nil || st.subject.ID != id {
		// Loaded once per call into the executor: the subject changes only
		// when a stage sets another pending user.
		u := st.user
		if u == nil || u.ID != id {
			var err error
			if u, err = x.deps.Client.User.Get(ctx, id); err != nil {
				u = st.user // the pending user is gone: decide about the session's
			}
		}
		if u == nil {
			return req
		}
		groups, _ := directory.GroupIDs(ctx, x.deps.Client, u.ID)
		st.subject, st.subjectGroups = u, groups
	}
	req.User, req.GroupIDs = st.subject, st.subjectGroups
	return req
}

// subjectID is the ID of the user policies decide about: the pending
// user, else the session's user; 0 for none.
func (x *Executor) subjectID(st *state) int {
	if id, ok := st.exec.Context.PendingUserID(); ok {
		return id
	}
	if st.user != nil {
		return st.user.ID
	}
	return 0
}

// stage returns the stage of entry, built from its stored config (cached
// per configuration generation) or from the entry's own config.
func (x *Executor) stage(ctx context.Context, entry PlanEntry, gen int64) (Stage, error) {
	if entry.StageID == 0 {
		return x.kinds.New(entry.Kind, entry.Config, x.deps)
	}
	now := x.deps.Now()
	x.mu.Lock()
	c, ok := x.stages[entry.StageID]
	x.mu.Unlock()
	if ok && fresh(c.generation, c.at, gen, now) {
		return c.stage, nil
	}
	s, err := x.deps.Client.Stage.Get(ctx, entry.StageID)
	if err != nil {
		return nil, fmt.Errorf("load stage %d: %w", entry.StageID, err)
	}
	stage, err := x.kinds.New(s.Kind, s.Config, x.deps)
	if err != nil {
		return nil, fmt.Errorf("build stage %s: %w", s.Name, err)
	}
	x.mu.Lock()
	x.stages[entry.StageID] = cachedStage{generation: gen, at: now, stage: stage}
	x.mu.Unlock()
	return stage, nil
}

// flowBySlug returns the flow slug, cached for the generation gen, with
// the IDs of its enabled policy bindings.
func (x *Executor) flowBySlug(ctx context.Context, slug string, gen int64) (*ent.Flow, error) {
	f, err := x.cachedFlow(ctx, "slug:"+slug, gen, flow.Slug(slug))
	if ent.IsNotFound(err) {
		return nil, ErrFlowNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load flow %s: %w", slug, err)
	}
	return f, nil
}

// flowByID returns the flow id as flowBySlug does; a deleted flow is
// ErrExecutionNotFound (the flow was deleted under the execution).
func (x *Executor) flowByID(ctx context.Context, id int, gen int64) (*ent.Flow, error) {
	f, err := x.cachedFlow(ctx, "id:"+strconv.Itoa(id), gen, flow.ID(id))
	if ent.IsNotFound(err) {
		return nil, ErrExecutionNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load flow %d: %w", id, err)
	}
	return f, nil
}

// cachedFlow loads the flow matching where, caching it under key.
func (x *Executor) cachedFlow(ctx context.Context, key string, gen int64, where predicate.Flow) (*ent.Flow, error) {
	now := x.deps.Now()
	x.mu.Lock()
	c, ok := x.flows[key]
	x.mu.Unlock()
	if ok && fresh(c.generation, c.at, gen, now) {
		return c.flow, nil
	}
	f, err := x.deps.Client.Flow.Query().Where(where).
		WithPolicyBindings(func(q *ent.PolicyBindingQuery) {
			q.Where(policybinding.Enabled(true)).Select(policybinding.FieldID, policybinding.FieldFlowID)
		}).
		Only(ctx)
	if err != nil {
		return nil, err
	}
	x.mu.Lock()
	if len(x.flows) >= maxCachedFlows {
		x.flows = map[string]cachedFlow{}
	}
	x.flows[key] = cachedFlow{generation: gen, at: now, flow: f}
	x.mu.Unlock()
	return f, nil
}

// maxCachedFlows bounds the flow cache; beyond it the cache is cleared.
const maxCachedFlows = 10000

// hasPolicies reports whether a flow loaded by cachedFlow has enabled
// policy bindings.
func hasPolicies(f *ent.Flow) bool { return len(f.Edges.PolicyBindings) > 0 }

func flowInfo(f *ent.Flow) FlowInfo {
	return FlowInfo{Slug: f.Slug, Title: f.Title, Designation: f.Designation, Layout: f.Layout, Background: f.Background}
}

// newExecutionID returns a new secret execution ID: 256 random bits.
func newExecutionID() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("read random execution id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// parseNext returns the next URL of a flow's query string, validated: it
// must be a path on this server. Absolute and scheme-relative URLs, and
// anything a browser could read as one, are refused.
func parseNext(query string) (string, error) {
	values, err := url.ParseQuery(query)
	if err != nil {
		return "", ErrInvalidNext
	}
	next := values.Get("next")
	if next == "" {
		return "", nil
	}
	return next, ValidateNext(next)
}

// ValidateNext returns ErrInvalidNext unless next is a relative path on
// this server ("/app?x=1").
func ValidateNext(next string) error {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return ErrInvalidNext
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ErrInvalidNext
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f {
			return ErrInvalidNext
		}
	}
	return nil
}

func firstMessage(errs []FieldError) string {
	if len(errs) > 0 {
		return errs[0].Message
	}
	return ""
}

// RedirectChallenge ends a flow: the client goes to To.
type RedirectChallenge struct {
	ChallengeBase

	To string `json:"to"`
	// ExecutionID is set when the flow continues in another flow: the new
	// execution, which headless clients may drive directly.
	ExecutionID string `json:"execution_id,omitempty"`
}

// AccessDeniedChallenge ends a flow that refused the user.
type AccessDeniedChallenge struct {
	ChallengeBase

	ErrorMessage string `json:"error_message"`
}

// FlowErrorChallenge is shown when a stage failed unexpectedly; the
// request ID lets an administrator find the error in the logs.
type FlowErrorChallenge struct {
	ChallengeBase

	RequestID string `json:"request_id"`
}
