package executor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gatehouse-id/gatehouse/directory"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/executor/flowstate"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/pubsub"
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
	// Handoffs are the parts of Gatehouse that send clients into flows
	// and learn how they ended (see Handoff).
	Handoffs []Handoff
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

	handoffs []Handoff

	mu     sync.Mutex
	stages map[int]cachedStage
	flows  map[string]cachedFlow
}

// New returns an Executor.
func New(deps Deps, opts Options) *Executor {
	if deps.Kinds == nil {
		deps.Kinds = opts.Kinds
	}
	ttl := opts.ExecutionTTL
	if ttl <= 0 {
		ttl = DefaultExecutionTTL
	}
	return &Executor{
		deps:     deps,
		kinds:    opts.Kinds,
		store:    opts.Store,
		broker:   opts.Broker,
		ttl:      ttl,
		limits:   opts.StartLimits.withDefaults(),
		planner:  newPlanner(deps.Client, deps.Policies, deps.Counters, deps.Now),
		handoffs: opts.Handoffs,
		stages:   map[int]cachedStage{},
		flows:    map[string]cachedFlow{},
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
	// Revision is the version of the stored execution the view shows; it
	// grows with every change. Of two views of one execution the one with
	// the higher Revision is the newer: a client following the execution
	// ignores a pushed view no newer than the one it shows (a push
	// rendered before the client's own submission can arrive after its
	// answer).
	Revision int64
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
	// outpost reports whether an outpost (its token) made the request:
	// what a REQUIRE_OUTPOST flow asks for.
	outpost bool
	change  *SessionChange
	// notes are what stages asked to tell other executions once the step
	// is saved (Request.TellOrigin).
	notes []OriginNote
	// subject and subjectGroups are the user policies decide about and
	// their groups (and whether those make them a superuser), loaded on
	// first need (policyRequest).
	subject       *ent.User
	subjectGroups directory.Membership
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
	query, resume, err := takeResumeToken(p.Query)
	if err != nil {
		return nil, err
	}
	next, err := parseNext(query)
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
	st := &state{
		flow: f, info: flowInfo(f), client: p.Client, now: x.deps.Now(), generation: gen, next: next,
		outpost: viewer.FromContext(ctx).IsOutpost(),
	}
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
		Query: query, Context: Context{}, CreatedAt: st.now, UpdatedAt: st.now,
	}
	if err := st.exec.Context.Merge(p.Context); err != nil {
		return nil, err
	}
	if resume != "" {
		if err := st.exec.Context.Set(KeyResumeToken, TokenHash(resume)); err != nil {
			return nil, err
		}
	}
	if err := x.seedHandoffs(sys, st, query); err != nil {
		return nil, err
	}
	// The ID is known to the stages (a stage saving the execution for a
	// link names it, to tell it later that the flow went on elsewhere).
	id, err := newExecutionID()
	if err != nil {
		return nil, err
	}
	st.exec.ID = id
	if err := x.begin(sys, st); err != nil {
		return nil, err
	}
	doc, expires, err := x.encode(st)
	if err != nil {
		return nil, err
	}
	if err := x.store.Create(sys, id, doc, expires); err != nil {
		return nil, fmt.Errorf("store flow execution: %w", err)
	}
	st.exec.Version = flowstate.FirstVersion
	x.endHandoffs(sys, st)
	x.recordDenial(sys, st)
	x.tellOrigins(sys, st)
	return x.view(sys, st), nil
}

// begin checks the flow's requirements and policies, plans it and runs it
// to its first challenge (or its end).
func (x *Executor) begin(ctx context.Context, st *state) error {
	if !x.authenticationMet(ctx, st) {
		x.notApplicable(st, nil)
		return nil
	}
	if st.resuming() {
		// The saved execution passed the flow's policies when it was
		// planned; its link shows the confirmation only.
		st.planResume()
		return x.advance(ctx, st)
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

// configureSelf makes the signed-in user the pending user of a flow that
// acts on the user running it: a stage_configuration flow (changing a
// password, editing one's settings, setting up an authenticator) or an
// unenrollment flow (deleting one's account). A pending user already in
// the context is kept.
func configureSelf(st *state) error {
	d := st.flow.Designation
	if (d != enum.FlowDesignationStageConfiguration && d != enum.FlowDesignationUnenrollment) || st.user == nil {
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
		// An outpost's own request (its token authenticated it): a flow
		// only outposts may run.
		return st.outpost
	case enum.AuthenticationNone:
		return true
	default:
		return false // unknown requirement: refuse
	}
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
	st.outpost = viewer.FromContext(ctx).IsOutpost()
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

// request builds the Request a stage sees for entry.
func (st *state) request(entry PlanEntry) *Request {
	return &Request{
		Execution: st.exec, Entry: entry, Flow: st.info, Client: st.client,
		Session: st.session, SessionID: st.sessionID, User: st.user, Now: st.now,
	}
}

// absorb takes over a session change a stage made.
func (st *state) absorb(req *Request) {
	st.subject, st.subjectGroups = nil, directory.Membership{} // a stage may have changed the user
	st.notes = append(st.notes, req.notes...)
	req.notes = nil
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

func firstMessage(errs []FieldError) string {
	if len(errs) > 0 {
		return errs[0].Message
	}
	return ""
}
