package policy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/group"
	"github.com/gatehouse-id/gatehouse/ent/policybinding"
	"github.com/gatehouse-id/gatehouse/ent/policydefinition"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

// Audit actions the engine records (the values of enum.EventAction).
const (
	// ActionExecution is recorded for every evaluation of a policy whose
	// execution_logging is set.
	ActionExecution = string(enum.EventActionPolicyExecution)
	// ActionException is recorded whenever a policy fails to evaluate
	// (evaluator error, panic, timeout, or a config that no longer decodes).
	ActionException = string(enum.EventActionPolicyException)
)

// Subjects of a binding, as reported in TraceEntry.Subject.
const (
	SubjectPolicy = "policy"
	SubjectUser   = "user"
	SubjectGroup  = "group"
)

// DefaultTimeout is how long a policy may run when nothing else says:
// EvaluatePolicies uses it, and bindings whose timeout is unset (zero).
const DefaultTimeout = 30 * time.Second

// DefaultCacheSize is the number of evaluators an Engine keeps when
// EngineOptions.CacheSize is zero.
const DefaultCacheSize = 1024

// ErrInvalidTarget is returned for a Target that does not name exactly
// one flow or flow stage binding, and by Test for TestParams that do not
// name exactly one policy, flow or flow stage binding.
var ErrInvalidTarget = errors.New("policy target must name exactly one flow, flow stage binding, application or notification rule")

// ErrInvalidMode is returned for an engine mode other than all or any.
var ErrInvalidMode = errors.New("policy engine mode must be all or any")

// Recorder receives audit events about policy executions. It is an
// interface here, not package audit, so that policy does not depend on
// audit; server.go adapts audit.Recorder. Record must be safe for
// concurrent use; it reports its own failures (the engine ignores them:
// a lost audit event must not change a policy verdict).
type Recorder interface {
	Record(ctx context.Context, action string, data map[string]any)
}

// EngineOptions tune an Engine; the zero value (or nil) is valid.
type EngineOptions struct {
	// Recorder receives policy_execution and policy_exception events; nil
	// records nothing.
	Recorder Recorder
	// CacheSize bounds the number of evaluators kept; 0 means
	// DefaultCacheSize.
	CacheSize int
}

// Target is what a set of bindings is attached to: exactly one of FlowID,
// FlowStageBindingID, ApplicationID and NotificationRuleID is set.
type Target struct {
	FlowID             int
	FlowStageBindingID int
	// ApplicationID: the bindings that decide who may use an application.
	ApplicationID int
	// NotificationRuleID: the bindings that decide which events a
	// notification rule matches. Unlike other targets, a rule without
	// bindings matches nothing; package notify checks that before asking.
	NotificationRuleID int
}

// Result is the combined verdict over a target's bindings (or a list of
// policies).
type Result struct {
	// Passing is the combined verdict.
	Passing bool
	// Messages are every binding's messages in binding order (negated
	// bindings keep theirs). They are safe to show to users.
	Messages []string
	// Context holds the keys policies propose to set, merged in binding
	// order (a later binding overrides an earlier one); nil when none.
	Context map[string]any
	// Trace describes each binding's evaluation, in binding order, for
	// administrators (flow inspector, policy test); it may hold internal
	// error detail and must not be shown to end users.
	Trace []TraceEntry
}

// TraceEntry is what happened to one binding.
type TraceEntry struct {
	// BindingID is the policy binding's ID; 0 in EvaluatePolicies.
	BindingID int
	// Subject is SubjectPolicy, SubjectUser or SubjectGroup.
	Subject string
	// SubjectID is the ID of the policy, user or group bound.
	SubjectID int
	// Name is the policy's name, the user's username or the group's name.
	Name string
	// Passing is the binding's final verdict (failure_result and negate
	// applied).
	Passing bool
	// Negated says the binding inverts its subject's verdict.
	Negated bool
	// TimedOut says the policy did not decide within the binding's timeout.
	TimedOut bool
	// Error is why the policy could not decide (internal detail for
	// administrators); empty when it decided.
	Error string
	// Messages are the policy's messages.
	Messages []string
	// Duration is how long the subject took to evaluate.
	Duration time.Duration
}

// Engine evaluates the policy bindings of flows and flow stage bindings,
// and lists of policies. It is safe for concurrent use. Evaluators are
// built from the stored kind and config on first use and cached by policy
// ID, keyed by the policy's updated_at and config, so edits take effect on
// the next evaluation.
type Engine struct {
	client   *ent.Client
	kinds    *Kinds
	deps     Deps
	recorder Recorder
	cache    *evaluatorCache
}

// NewEngine returns an engine reading bindings with client (as the
// system: policy evaluation is not an admin-API read) and building
// evaluators from kinds with deps. opts may be nil.
func NewEngine(client *ent.Client, kinds *Kinds, deps Deps, opts *EngineOptions) *Engine {
	if opts == nil {
		opts = &EngineOptions{}
	}
	size := opts.CacheSize
	if size <= 0 {
		size = DefaultCacheSize
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	return &Engine{
		client:   client,
		kinds:    kinds,
		deps:     deps,
		recorder: opts.Recorder,
		cache:    newEvaluatorCache(size),
	}
}

// item is one binding (or directly evaluated policy) to decide.
type item struct {
	bindingID     int
	subject       string
	subjectID     int
	name          string
	negate        bool
	failureResult bool
	timeout       time.Duration
	// policy is the policy of a policy subject; nil when it was not found.
	policy *ent.PolicyDefinition
	// static is the verdict of a user or group subject.
	static bool
}

// verdict is what one item's subject decided, before negate.
type verdict struct {
	outcome  Outcome
	err      error
	timedOut bool
	duration time.Duration
}

// EvaluateTarget evaluates target's enabled bindings, ordered by (order,
// id), against req and combines them by mode. Every binding is evaluated
// (policies concurrently, each under its binding's timeout), so the trace
// is complete. A target without enabled bindings passes.
//
// A policy that errors, panics, times out or whose stored config no
// longer builds takes its binding's failure_result; that is a verdict,
// not an error. The error return is for ErrInvalidTarget, ErrInvalidMode,
// database failures and ctx ending.
func (e *Engine) EvaluateTarget(ctx context.Context, target Target, mode enum.PolicyEngineMode, req *Request) (Result, error) {
	if err := checkMode(mode); err != nil {
		return Result{}, err
	}
	q := e.client.PolicyBinding.Query().Where(policybinding.Enabled(true))
	switch set := btoi(target.FlowID > 0) + btoi(target.FlowStageBindingID > 0) + btoi(target.ApplicationID > 0) +
		btoi(target.NotificationRuleID > 0); {
	case set != 1:
		return Result{}, ErrInvalidTarget
	case target.FlowID > 0:
		q.Where(policybinding.FlowID(target.FlowID))
	case target.FlowStageBindingID > 0:
		q.Where(policybinding.FlowStageBindingID(target.FlowStageBindingID))
	case target.NotificationRuleID > 0:
		q.Where(policybinding.NotificationRuleID(target.NotificationRuleID))
	default:
		q.Where(policybinding.ApplicationID(target.ApplicationID))
	}
	bindings, err := q.
		WithPolicy().
		WithUser(func(q *ent.UserQuery) { q.Select(user.FieldID, user.FieldUsername) }).
		WithGroup(func(q *ent.GroupQuery) { q.Select(group.FieldID, group.FieldName) }).
		Order(policybinding.ByOrder(), policybinding.ByID()).
		All(viewer.SystemContext(ctx))
	if err != nil {
		return Result{}, fmt.Errorf("load policy bindings of %+v: %w", target, err)
	}
	items := make([]item, 0, len(bindings))
	for _, b := range bindings {
		it := item{
			bindingID:     b.ID,
			negate:        b.Negate,
			failureResult: b.FailureResult,
			timeout:       time.Duration(b.Timeout) * time.Second,
		}
		if it.timeout <= 0 {
			it.timeout = DefaultTimeout
		}
		switch {
		case b.PolicyID != nil:
			it.subject, it.subjectID, it.policy = SubjectPolicy, *b.PolicyID, b.Edges.Policy
			if it.policy != nil {
				it.name = it.policy.Name
			}
		case b.UserID != nil:
			it.subject, it.subjectID = SubjectUser, *b.UserID
			it.static = req.User != nil && req.User.ID == *b.UserID
			if b.Edges.User != nil {
				it.name = b.Edges.User.Username
			}
		case b.GroupID != nil:
			it.subject, it.subjectID = SubjectGroup, *b.GroupID
			it.static = slices.Contains(req.GroupIDs, *b.GroupID)
			if b.Edges.Group != nil {
				it.name = b.Edges.Group.Name
			}
		default:
			// The schema's check constraint makes this unreachable; fail
			// closed rather than guess.
			return Result{}, fmt.Errorf("policy binding %d has no subject", b.ID)
		}
		items = append(items, it)
	}
	return e.evaluate(ctx, items, mode, req)
}

// EvaluatePolicies evaluates the policies policyIDs directly, in the given
// order, and combines them by mode: how a prompt stage runs its validation
// policies (authentik uses mode all). Each runs under DefaultTimeout with
// failure_result false and no negation. A policy that does not exist
// fails (its trace entry says so). Errors are as for EvaluateTarget.
func (e *Engine) EvaluatePolicies(ctx context.Context, policyIDs []int, mode enum.PolicyEngineMode, req *Request) (Result, error) {
	if err := checkMode(mode); err != nil {
		return Result{}, err
	}
	byID := map[int]*ent.PolicyDefinition{}
	if len(policyIDs) > 0 {
		policies, err := e.client.PolicyDefinition.Query().
			Where(policydefinition.IDIn(policyIDs...)).
			All(viewer.SystemContext(ctx))
		if err != nil {
			return Result{}, fmt.Errorf("load policies %v: %w", policyIDs, err)
		}
		for _, p := range policies {
			byID[p.ID] = p
		}
	}
	items := make([]item, len(policyIDs))
	for i, id := range policyIDs {
		items[i] = item{subject: SubjectPolicy, subjectID: id, timeout: DefaultTimeout, policy: byID[id]}
		if p := byID[id]; p != nil {
			items[i].name = p.Name
		}
	}
	return e.evaluate(ctx, items, mode, req)
}

func checkMode(mode enum.PolicyEngineMode) error {
	switch mode {
	case enum.PolicyEngineModeAll, enum.PolicyEngineModeAny:
		return nil
	default:
		return fmt.Errorf("%w, not %q", ErrInvalidMode, mode)
	}
}

// evaluate decides every item (policies concurrently), then combines the
// verdicts in item order.
func (e *Engine) evaluate(ctx context.Context, items []item, mode enum.PolicyEngineMode, req *Request) (Result, error) {
	verdicts := make([]verdict, len(items))
	done := make(chan struct{}, len(items))
	running := 0
	for i := range items {
		if items[i].subject != SubjectPolicy {
			continue
		}
		running++
		go func() {
			defer func() { done <- struct{}{} }()
			verdicts[i] = e.decide(ctx, &items[i], req)
		}()
	}
	for range running {
		<-done
	}
	// Verdicts reached after the caller gave up are meaningless (every
	// policy "timed out"); report the caller's error instead.
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}

	res := Result{Passing: mode == enum.PolicyEngineModeAll, Trace: make([]TraceEntry, len(items))}
	for i, it := range items {
		v := verdicts[i]
		entry := TraceEntry{
			BindingID: it.bindingID,
			Subject:   it.subject,
			SubjectID: it.subjectID,
			Name:      it.name,
			Negated:   it.negate,
			TimedOut:  v.timedOut,
			Duration:  v.duration,
		}
		passing := it.static
		if it.subject == SubjectPolicy {
			passing = e.policyVerdict(ctx, it, v, &entry, &res)
		}
		entry.Passing = passing != it.negate
		res.Messages = append(res.Messages, entry.Messages...)
		res.Trace[i] = entry
		if mode == enum.PolicyEngineModeAll {
			res.Passing = res.Passing && entry.Passing
		} else {
			res.Passing = res.Passing || entry.Passing
		}
	}
	if len(items) == 0 {
		res.Passing = true
	}
	return res, nil
}

// policyVerdict returns a policy item's verdict before negate:
// failure_result when it could not decide, else its outcome, whose
// messages go into entry and whose context proposals are merged into res.
// It records the evaluation.
func (e *Engine) policyVerdict(ctx context.Context, it item, v verdict, entry *TraceEntry, res *Result) bool {
	passing := it.failureResult
	if v.err != nil {
		entry.Error = v.err.Error()
	} else {
		passing = v.outcome.Passing
		entry.Messages = v.outcome.Messages
		if len(v.outcome.Context) > 0 && res.Context == nil {
			res.Context = make(map[string]any, len(v.outcome.Context))
		}
		maps.Copy(res.Context, v.outcome.Context)
	}
	e.record(ctx, it, v, passing != it.negate)
	return passing
}

// decide runs one policy item under its timeout. The evaluator runs in its
// own goroutine so that the timeout holds even for an evaluator that
// ignores its context; such an evaluator's goroutine is abandoned and
// ends when the evaluator returns.
func (e *Engine) decide(ctx context.Context, it *item, req *Request) verdict {
	start := time.Now()
	if it.policy == nil {
		return verdict{err: fmt.Errorf("policy %d not found", it.subjectID)}
	}
	ev, err := e.evaluator(it.policy)
	if err != nil {
		return verdict{err: err, duration: time.Since(start)}
	}
	ctx, cancel := context.WithTimeout(ctx, it.timeout)
	defer cancel()
	out := make(chan verdict, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				out <- verdict{err: fmt.Errorf("evaluator panicked: %v", r)}
			}
		}()
		o, err := ev.Evaluate(ctx, req)
		out <- verdict{outcome: o, err: err}
	}()
	var v verdict
	select {
	case v = <-out:
	case <-ctx.Done():
		select {
		case v = <-out: // it finished just in time
		default:
			v = verdict{err: ctx.Err()}
		}
	}
	if v.err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		v.timedOut = true
		v.err = fmt.Errorf("timed out after %s: %w", it.timeout, v.err)
	}
	v.duration = time.Since(start)
	return v
}

// evaluator returns p's cached evaluator, building it on a miss.
func (e *Engine) evaluator(p *ent.PolicyDefinition) (Evaluator, error) {
	if ev, ok := e.cache.get(p); ok {
		return ev, nil
	}
	ev, err := e.kinds.New(p.Kind, p.Config, e.deps)
	if err != nil {
		return nil, fmt.Errorf("build %s policy %d: %w", p.Kind, p.ID, err)
	}
	e.cache.put(p, ev)
	return ev, nil
}

// record logs and audits one policy evaluation: an exception when it
// failed, an execution when the policy asks for execution logging. The
// data holds identifiers, the verdict and error text, never the request.
func (e *Engine) record(ctx context.Context, it item, v verdict, passing bool) {
	if v.err == nil && (it.policy == nil || !it.policy.ExecutionLogging) {
		return
	}
	data := map[string]any{
		"policy_id":   it.subjectID,
		"policy_name": it.name,
		"binding_id":  it.bindingID,
		"passing":     passing,
		"duration_ms": v.duration.Milliseconds(),
	}
	action := ActionExecution
	if v.err != nil {
		action = ActionException
		data["error"] = v.err.Error()
		data["timed_out"] = v.timedOut
		e.deps.Logger.WarnContext(ctx, "policy failed to evaluate",
			slog.Int("policy_id", it.subjectID), slog.String("policy_name", it.name),
			slog.Int("binding_id", it.bindingID), slog.Bool("timed_out", v.timedOut),
			slog.Any("error", v.err))
	} else {
		data["messages"] = v.outcome.Messages
	}
	if e.recorder != nil {
		e.recorder.Record(ctx, action, data)
	}
}

// btoi is 1 for true, 0 for false.
func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
