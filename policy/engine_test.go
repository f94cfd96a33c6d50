package policy_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/policy/dummy"
	"github.com/gatehouse-id/gatehouse/policy/expression"
)

// testBundle is one test's database, engine and fixtures.
type testBundle struct {
	client   *ent.Client
	engine   *policy.Engine
	recorder *recorder
	// builds counts the evaluators built for kind "counting".
	builds *atomic.Int64
	// release lets kind "stubborn" evaluators return (closed at cleanup).
	release chan struct{}
	alice   *ent.User
	bob     *ent.User
	staff   *ent.Group
	n       atomic.Int64 // for unique names
}

// setup returns a bundle on a fresh database of dialect d.
func setup(t *testing.T, d string) *testBundle {
	t.Helper()
	db := servicetest.Database(t, d)
	b := &testBundle{client: db.Ent, recorder: &recorder{}, builds: &atomic.Int64{}, release: make(chan struct{})}
	t.Cleanup(func() { close(b.release) })
	kinds := policy.NewKinds(dummy.Definition(), expression.Definition(),
		countingKind(b.builds), panicKind(), stubbornKind(b.release))
	b.engine = policy.NewEngine(db.Ent, kinds, policy.Deps{}, &policy.EngineOptions{Recorder: b.recorder})
	ctx := sysCtx(t)
	var err error
	b.alice, err = db.Ent.User.Create().SetUsername("alice").Save(ctx)
	require.NoError(t, err)
	b.bob, err = db.Ent.User.Create().SetUsername("bob").Save(ctx)
	require.NoError(t, err)
	b.staff, err = db.Ent.Group.Create().SetName("staff").Save(ctx)
	require.NoError(t, err)
	return b
}

func sysCtx(t *testing.T) context.Context {
	t.Helper()
	return viewer.SystemContext(t.Context())
}

func (b *testBundle) name(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, b.n.Add(1))
}

// flow creates a flow and returns its target.
func (b *testBundle) flow(t *testing.T) policy.Target {
	t.Helper()
	slug := b.name("flow")
	f, err := b.client.Flow.Create().SetSlug(slug).SetName(slug).SetTitle(slug).
		SetDesignation(enum.FlowDesignationAuthentication).Save(sysCtx(t))
	require.NoError(t, err)
	return policy.Target{FlowID: f.ID}
}

// stageBinding creates a flow with one stage binding and returns the
// binding's target.
func (b *testBundle) stageBinding(t *testing.T) policy.Target {
	t.Helper()
	ctx := sysCtx(t)
	target := b.flow(t)
	st, err := b.client.Stage.Create().SetName(b.name("stage")).SetKind("deny").
		SetConfig(json.RawMessage(`{}`)).Save(ctx)
	require.NoError(t, err)
	fsb, err := b.client.FlowStageBinding.Create().SetFlowID(target.FlowID).SetStageID(st.ID).
		SetOrder(10).Save(ctx)
	require.NoError(t, err)
	return policy.Target{FlowStageBindingID: fsb.ID}
}

// policy creates a policy of kind with cfg (marshalled to JSON).
func (b *testBundle) policy(t *testing.T, kind string, cfg any) *ent.PolicyDefinition {
	t.Helper()
	raw, err := json.Marshal(cfg)
	require.NoError(t, err)
	p, err := b.client.PolicyDefinition.Create().SetName(b.name(kind)).SetKind(kind).
		SetConfig(raw).Save(sysCtx(t))
	require.NoError(t, err)
	return p
}

func (b *testBundle) dummy(t *testing.T, result bool) *ent.PolicyDefinition {
	t.Helper()
	return b.policy(t, dummy.Kind, dummy.Config{Result: result})
}

func (b *testBundle) expr(t *testing.T, source string) *ent.PolicyDefinition {
	t.Helper()
	return b.policy(t, expression.Kind, expression.Config{Expression: source})
}

// binding describes a binding to create; exactly one subject is set.
type binding struct {
	policy        *ent.PolicyDefinition
	user          *ent.User
	group         *ent.Group
	order         int
	negate        bool
	disabled      bool
	failureResult bool
	timeout       int
}

func (b *testBundle) bind(t *testing.T, target policy.Target, s binding) *ent.PolicyBinding {
	t.Helper()
	c := b.client.PolicyBinding.Create().
		SetOrder(s.order).SetNegate(s.negate).SetEnabled(!s.disabled).SetFailureResult(s.failureResult)
	switch {
	case target.FlowID != 0:
		c.SetFlowID(target.FlowID)
	case target.ApplicationID != 0:
		c.SetApplicationID(target.ApplicationID)
	default:
		c.SetFlowStageBindingID(target.FlowStageBindingID)
	}
	switch {
	case s.policy != nil:
		c.SetPolicyID(s.policy.ID)
	case s.user != nil:
		c.SetUserID(s.user.ID)
	case s.group != nil:
		c.SetGroupID(s.group.ID)
	}
	if s.timeout != 0 {
		c.SetTimeout(s.timeout)
	}
	pb, err := c.Save(sysCtx(t))
	require.NoError(t, err)
	return pb
}

// eval evaluates target for req (anonymous when nil).
func (b *testBundle) eval(t *testing.T, target policy.Target, mode enum.PolicyEngineMode, req *policy.Request) policy.Result {
	t.Helper()
	if req == nil {
		req = &policy.Request{}
	}
	res, err := b.engine.EvaluateTarget(t.Context(), target, mode, req)
	require.NoError(t, err)
	return res
}

// recorder is a policy.Recorder keeping every event.
type recorder struct {
	mu     sync.Mutex
	events []event
}

type event struct {
	action string
	data   map[string]any
}

func (r *recorder) Record(_ context.Context, action string, data map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event{action, data})
}

// forPolicy returns the events about policy id.
func (r *recorder) forPolicy(id int) []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []event
	for _, e := range r.events {
		if e.data["policy_id"] == id {
			out = append(out, e)
		}
	}
	return out
}

// countingKind is a kind whose evaluators always pass and count their
// construction in builds.
func countingKind(builds *atomic.Int64) policy.Kind {
	return policy.Kind{
		Name:      "counting",
		NewConfig: func() policy.Config { return &countingConfig{} },
		New: func(policy.Config, policy.Deps) (policy.Evaluator, error) {
			builds.Add(1)
			return evaluatorFunc(func(context.Context, *policy.Request) (policy.Outcome, error) {
				return policy.Outcome{Passing: true}, nil
			}), nil
		},
	}
}

type countingConfig struct {
	Tag string `json:"tag"`
}

func (*countingConfig) PolicyKind() string { return "counting" }
func (*countingConfig) Validate() error    { return nil }

// panicKind is a kind whose evaluators panic.
func panicKind() policy.Kind {
	return policy.Kind{
		Name:      "panic",
		NewConfig: func() policy.Config { return &panicConfig{} },
		New: func(policy.Config, policy.Deps) (policy.Evaluator, error) {
			return evaluatorFunc(func(context.Context, *policy.Request) (policy.Outcome, error) {
				panic("boom")
			}), nil
		},
	}
}

// stubbornKind is a kind whose evaluators ignore their context and return
// only when release is closed.
func stubbornKind(release <-chan struct{}) policy.Kind {
	return policy.Kind{
		Name:      "stubborn",
		NewConfig: func() policy.Config { return &panicConfig{} },
		New: func(policy.Config, policy.Deps) (policy.Evaluator, error) {
			return evaluatorFunc(func(context.Context, *policy.Request) (policy.Outcome, error) {
				<-release
				return policy.Outcome{Passing: true}, nil
			}), nil
		},
	}
}

type panicConfig struct{}

func (*panicConfig) PolicyKind() string { return "panic" }
func (*panicConfig) Validate() error    { return nil }

type evaluatorFunc func(context.Context, *policy.Request) (policy.Outcome, error)

func (f evaluatorFunc) Evaluate(ctx context.Context, req *policy.Request) (policy.Outcome, error) {
	return f(ctx, req)
}

// forEachDialect runs fn as a parallel subtest per SQL dialect, each with
// its own database.
func forEachDialect(t *testing.T, fn func(t *testing.T, b *testBundle)) {
	t.Helper()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, setup(t, d))
		})
	}
}

func TestEngineNoBindingsPass(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		for _, target := range []policy.Target{b.flow(t), b.stageBinding(t)} {
			for _, mode := range enum.PolicyEngineModes {
				res := b.eval(t, target, mode, nil)
				require.True(t, res.Passing)
				require.Empty(t, res.Messages)
				require.Nil(t, res.Context)
				require.Empty(t, res.Trace)
			}
		}
	})
}

func TestEngineModes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		results []bool
		wantAll bool
		wantAny bool
	}{
		{"one pass", []bool{true}, true, true},
		{"one fail", []bool{false}, false, false},
		{"all pass", []bool{true, true, true}, true, true},
		{"mixed", []bool{true, false, true}, false, true},
		{"all fail", []bool{false, false}, false, false},
	}
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				for _, target := range []policy.Target{b.flow(t), b.stageBinding(t)} {
					for i, r := range tt.results {
						b.bind(t, target, binding{policy: b.dummy(t, r), order: i})
					}
					all := b.eval(t, target, enum.PolicyEngineModeAll, nil)
					require.Equal(t, tt.wantAll, all.Passing, "all")
					anyRes := b.eval(t, target, enum.PolicyEngineModeAny, nil)
					require.Equal(t, tt.wantAny, anyRes.Passing, "any")
					// No short-circuit: every binding is in the trace.
					require.Len(t, all.Trace, len(tt.results))
					require.Len(t, anyRes.Trace, len(tt.results))
					for i, r := range tt.results {
						require.Equal(t, r, all.Trace[i].Passing)
					}
				}
			})
		}
	})
}

func TestEngineNegate(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		target := b.flow(t)
		b.bind(t, target, binding{policy: b.dummy(t, false), negate: true, order: 1})
		b.bind(t, target, binding{policy: b.expr(t, `{"pass": true, "message": "kept"}`), negate: true, order: 2})
		res := b.eval(t, target, enum.PolicyEngineModeAny, nil)
		require.True(t, res.Passing)
		require.Equal(t, []string{"kept"}, res.Messages)
		require.True(t, res.Trace[0].Negated)
		require.True(t, res.Trace[0].Passing)
		require.True(t, res.Trace[1].Negated)
		require.False(t, res.Trace[1].Passing)
		require.Equal(t, []string{"kept"}, res.Trace[1].Messages)
		require.False(t, b.eval(t, target, enum.PolicyEngineModeAll, nil).Passing)
	})
}

func TestEngineDisabledBindingIgnored(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		target := b.flow(t)
		b.bind(t, target, binding{policy: b.dummy(t, false), disabled: true})
		res := b.eval(t, target, enum.PolicyEngineModeAll, nil)
		require.True(t, res.Passing, "only disabled bindings: as if none")
		require.Empty(t, res.Trace)

		on := b.bind(t, target, binding{policy: b.dummy(t, true)})
		res = b.eval(t, target, enum.PolicyEngineModeAll, nil)
		require.True(t, res.Passing)
		require.Len(t, res.Trace, 1)
		require.Equal(t, on.ID, res.Trace[0].BindingID)
	})
}

func TestEngineOrder(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		target := b.stageBinding(t)
		third := b.bind(t, target, binding{policy: b.expr(t, `{"pass": true, "message": "3"}`), order: 5})
		first := b.bind(t, target, binding{policy: b.expr(t, `{"pass": true, "message": "1"}`), order: -1})
		second := b.bind(t, target, binding{policy: b.expr(t, `{"pass": true, "message": "2"}`), order: 0})
		// Equal order: by ID.
		fourth := b.bind(t, target, binding{policy: b.expr(t, `{"pass": true, "message": "4"}`), order: 5})
		res := b.eval(t, target, enum.PolicyEngineModeAll, nil)
		require.Equal(t, []string{"1", "2", "3", "4"}, res.Messages)
		ids := make([]int, len(res.Trace))
		for i, e := range res.Trace {
			ids[i] = e.BindingID
		}
		require.Equal(t, []int{first.ID, second.ID, third.ID, fourth.ID}, ids)
	})
}

func TestEngineUserAndGroupBindings(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		userTarget := b.flow(t)
		ub := b.bind(t, userTarget, binding{user: b.alice})
		groupTarget := b.flow(t)
		gb := b.bind(t, groupTarget, binding{group: b.staff})
		negTarget := b.flow(t)
		b.bind(t, negTarget, binding{group: b.staff, negate: true})

		tests := []struct {
			name                string
			req                 *policy.Request
			user, group, notGrp bool
		}{
			{"anonymous", &policy.Request{}, false, false, true},
			{"alice without groups", &policy.Request{User: b.alice}, true, false, true},
			{"bob in staff", &policy.Request{User: b.bob, GroupIDs: []int{b.staff.ID + 1000, b.staff.ID}}, false, true, false},
			{"alice in staff", &policy.Request{User: b.alice, GroupIDs: []int{b.staff.ID}}, true, true, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				res := b.eval(t, userTarget, enum.PolicyEngineModeAll, tt.req)
				require.Equal(t, tt.user, res.Passing)
				require.Equal(t, policy.TraceEntry{
					BindingID: ub.ID, Subject: policy.SubjectUser, SubjectID: b.alice.ID, Name: "alice",
					Passing: tt.user, Duration: res.Trace[0].Duration,
				}, res.Trace[0])

				res = b.eval(t, groupTarget, enum.PolicyEngineModeAll, tt.req)
				require.Equal(t, tt.group, res.Passing)
				require.Equal(t, policy.TraceEntry{
					BindingID: gb.ID, Subject: policy.SubjectGroup, SubjectID: b.staff.ID, Name: "staff",
					Passing: tt.group, Duration: res.Trace[0].Duration,
				}, res.Trace[0])

				require.Equal(t, tt.notGrp, b.eval(t, negTarget, enum.PolicyEngineModeAll, tt.req).Passing)
			})
		}

		// Static and policy bindings combine under one mode.
		mixed := b.flow(t)
		b.bind(t, mixed, binding{user: b.bob})
		b.bind(t, mixed, binding{policy: b.dummy(t, true)})
		require.True(t, b.eval(t, mixed, enum.PolicyEngineModeAny, &policy.Request{User: b.alice}).Passing)
		require.False(t, b.eval(t, mixed, enum.PolicyEngineModeAll, &policy.Request{User: b.alice}).Passing)
	})
}

// An application's bindings decide who may use it; an expression policy
// sees the application.
func TestEngineApplicationTarget(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		app, err := b.client.Application.Create().SetName("Wiki").SetSlug("wiki").Save(sysCtx(t))
		require.NoError(t, err)
		target := policy.Target{ApplicationID: app.ID}
		b.bind(t, target, binding{group: b.staff})
		b.bind(t, target, binding{policy: b.expr(t, `application.slug == "wiki" && user.username == "bob"`), order: 1})
		other := b.flow(t)
		b.bind(t, other, binding{user: b.bob})

		wiki := map[string]any{"slug": "wiki", "name": "Wiki"}
		require.True(t, b.eval(t, target, enum.PolicyEngineModeAny, &policy.Request{User: b.alice, GroupIDs: []int{b.staff.ID}, Application: wiki}).Passing)
		require.True(t, b.eval(t, target, enum.PolicyEngineModeAny, &policy.Request{User: b.bob, Application: wiki}).Passing)
		require.False(t, b.eval(t, target, enum.PolicyEngineModeAny, &policy.Request{User: b.alice, Application: wiki}).Passing)
		require.False(t, b.eval(t, target, enum.PolicyEngineModeAll, &policy.Request{User: b.bob, Application: wiki}).Passing)
		require.False(t, b.eval(t, target, enum.PolicyEngineModeAny, &policy.Request{User: b.bob, Application: map[string]any{"slug": "other"}}).Passing)
		require.True(t, b.eval(t, policy.Target{ApplicationID: app.ID + 1000}, enum.PolicyEngineModeAny, &policy.Request{}).Passing,
			"an application without bindings is open to everyone")
	})
}

func TestEngineFailureResult(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		// user.username does not exist for an anonymous request: an
		// evaluation error.
		erring := b.expr(t, `user.username == "alice"`)
		// A stored config that no longer decodes (written around the API).
		broken := b.policy(t, dummy.Kind, map[string]any{"bogus": true})
		panicking := b.policy(t, "panic", map[string]any{})
		for _, p := range []*ent.PolicyDefinition{erring, broken, panicking} {
			for _, failureResult := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%t", p.Name, failureResult), func(t *testing.T) {
					t.Parallel()
					target := b.flow(t)
					pb := b.bind(t, target, binding{policy: p, failureResult: failureResult})
					res := b.eval(t, target, enum.PolicyEngineModeAll, nil)
					require.Equal(t, failureResult, res.Passing)
					require.Empty(t, res.Messages, "internal errors never reach users")
					entry := res.Trace[0]
					require.Equal(t, failureResult, entry.Passing)
					require.NotEmpty(t, entry.Error)
					require.False(t, entry.TimedOut)

					var found bool
					for _, ev := range b.recorder.forPolicy(p.ID) {
						if ev.data["binding_id"] == pb.ID {
							found = true
							require.Equal(t, policy.ActionException, ev.action)
							require.Equal(t, entry.Error, ev.data["error"])
							require.Equal(t, failureResult, ev.data["passing"])
							require.Equal(t, p.Name, ev.data["policy_name"])
						}
					}
					require.True(t, found, "a policy_exception event is recorded")

					// Negate applies after failure_result.
					negTarget := b.flow(t)
					b.bind(t, negTarget, binding{policy: p, failureResult: failureResult, negate: true})
					require.Equal(t, !failureResult, b.eval(t, negTarget, enum.PolicyEngineModeAll, nil).Passing)
				})
			}
		}
		t.Run("panic detail", func(t *testing.T) {
			t.Parallel()
			target := b.flow(t)
			b.bind(t, target, binding{policy: panicking})
			require.Contains(t, b.eval(t, target, enum.PolicyEngineModeAll, nil).Trace[0].Error, "boom")
		})
	})
}

func TestEngineTimeout(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		target := b.flow(t)
		slow := b.policy(t, dummy.Kind, dummy.Config{Result: false, WaitMin: 30000, WaitMax: 30000})
		pb := b.bind(t, target, binding{policy: slow, timeout: 1, failureResult: true, order: 1})
		b.bind(t, target, binding{policy: b.expr(t, `{"pass": true, "message": "fast"}`), order: 2})
		// An evaluator that ignores its context times out all the same.
		b.bind(t, target, binding{policy: b.policy(t, "stubborn", map[string]any{}), timeout: 1, negate: true, order: 3})
		start := time.Now()
		res := b.eval(t, target, enum.PolicyEngineModeAll, nil)
		elapsed := time.Since(start)
		require.True(t, res.Passing, "failure_result of the timed-out binding, negated false for the stubborn one")
		require.Equal(t, []string{"fast"}, res.Messages)
		require.True(t, res.Trace[0].TimedOut)
		require.Contains(t, res.Trace[0].Error, "timed out")
		require.GreaterOrEqual(t, res.Trace[0].Duration, time.Second)
		require.Less(t, elapsed, 10*time.Second, "the binding timeout bounds the wait")
		require.False(t, res.Trace[1].TimedOut)
		require.True(t, res.Trace[2].TimedOut)
		require.True(t, res.Trace[2].Passing)

		evs := b.recorder.forPolicy(slow.ID)
		require.Len(t, evs, 1)
		require.Equal(t, policy.ActionException, evs[0].action)
		require.Equal(t, true, evs[0].data["timed_out"])
		require.Equal(t, pb.ID, evs[0].data["binding_id"])
	})
}

func TestEngineCallerCancelled(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		// The caller gives up while a policy runs: its evaluator cancels the
		// caller's context, then waits for its own.
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		kinds := policy.NewKinds(policy.Kind{
			Name:      "counting",
			NewConfig: func() policy.Config { return &countingConfig{} },
			New: func(policy.Config, policy.Deps) (policy.Evaluator, error) {
				return evaluatorFunc(func(ctx context.Context, _ *policy.Request) (policy.Outcome, error) {
					cancel()
					<-ctx.Done()
					return policy.Outcome{}, ctx.Err()
				}), nil
			},
		})
		engine := policy.NewEngine(b.client, kinds, policy.Deps{}, nil)
		target := b.flow(t)
		b.bind(t, target, binding{policy: b.policy(t, "counting", countingConfig{}), failureResult: true})
		_, err := engine.EvaluateTarget(ctx, target, enum.PolicyEngineModeAll, &policy.Request{})
		require.ErrorIs(t, err, context.Canceled)
	})
}

func TestEngineMessagesAndContext(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		target := b.flow(t)
		p1 := b.expr(t, `{"pass": true, "messages": ["a1", "a2"], "context": {"x": 1, "y": "first"}}`)
		p2 := b.expr(t, `{"pass": false, "message": "b", "context": {"y": "second", "z": [true]}}`)
		b.bind(t, target, binding{policy: p1, order: 1})
		b.bind(t, target, binding{user: b.alice, order: 2})
		pb3 := b.bind(t, target, binding{policy: p2, order: 3})
		res := b.eval(t, target, enum.PolicyEngineModeAny, &policy.Request{User: b.alice})
		require.True(t, res.Passing)
		require.Equal(t, []string{"a1", "a2", "b"}, res.Messages)
		require.Equal(t, map[string]any{"x": int64(1), "y": "second", "z": []any{true}}, res.Context)
		require.Len(t, res.Trace, 3)
		require.Equal(t, policy.TraceEntry{
			BindingID: pb3.ID, Subject: policy.SubjectPolicy, SubjectID: p2.ID, Name: p2.Name,
			Passing: false, Messages: []string{"b"}, Duration: res.Trace[2].Duration,
		}, res.Trace[2])
		require.Equal(t, "alice", res.Trace[1].Name)
		require.Empty(t, b.recorder.forPolicy(p1.ID), "no execution logging, no failure: no event")
	})
}

func TestEngineExecutionLogging(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		target := b.flow(t)
		p := b.expr(t, `{"pass": context.secret == "hunter2", "message": "checked"}`)
		p, err := p.Update().SetExecutionLogging(true).Save(sysCtx(t))
		require.NoError(t, err)
		pb := b.bind(t, target, binding{policy: p, negate: true})
		res := b.eval(t, target, enum.PolicyEngineModeAll, &policy.Request{Context: map[string]any{"secret": "hunter2"}})
		require.False(t, res.Passing)

		evs := b.recorder.forPolicy(p.ID)
		require.Len(t, evs, 1)
		require.Equal(t, policy.ActionExecution, evs[0].action)
		require.Equal(t, map[string]any{
			"policy_id":   p.ID,
			"policy_name": p.Name,
			"binding_id":  pb.ID,
			"passing":     false,
			"duration_ms": evs[0].data["duration_ms"],
			"messages":    []string{"checked"},
		}, evs[0].data)
		require.NotContains(t, fmt.Sprint(evs[0].data), "hunter2", "never the request's data")
	})
}

func TestEngineCacheInvalidatedOnUpdate(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		ctx := sysCtx(t)
		target := b.flow(t)
		counting := b.policy(t, "counting", countingConfig{Tag: "v1"})
		b.bind(t, target, binding{policy: counting})
		for range 3 {
			require.True(t, b.eval(t, target, enum.PolicyEngineModeAll, nil).Passing)
		}
		require.Equal(t, int64(1), b.builds.Load(), "built once, then cached")

		// An update moves updated_at: rebuilt on the next evaluation.
		_, err := counting.Update().SetConfig(json.RawMessage(`{"tag":"v2"}`)).
			SetUpdatedAt(counting.UpdatedAt.Add(time.Second)).Save(ctx)
		require.NoError(t, err)
		b.eval(t, target, enum.PolicyEngineModeAll, nil)
		b.eval(t, target, enum.PolicyEngineModeAll, nil)
		require.Equal(t, int64(2), b.builds.Load())

		// The verdict follows an edited expression.
		exprTarget := b.flow(t)
		p := b.expr(t, `true`)
		b.bind(t, exprTarget, binding{policy: p})
		require.True(t, b.eval(t, exprTarget, enum.PolicyEngineModeAll, nil).Passing)
		_, err = p.Update().SetConfig(json.RawMessage(`{"expression":"false"}`)).Save(ctx)
		require.NoError(t, err)
		require.False(t, b.eval(t, exprTarget, enum.PolicyEngineModeAll, nil).Passing)
	})
}

func TestEngineEvaluatePolicies(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		pass := b.expr(t, `{"pass": true, "message": "ok"}`)
		fail := b.expr(t, `{"pass": false, "message": "too short"}`)
		erring := b.expr(t, `context.missing`)

		res, err := b.engine.EvaluatePolicies(t.Context(), nil, enum.PolicyEngineModeAll, &policy.Request{})
		require.NoError(t, err)
		require.True(t, res.Passing)
		require.Empty(t, res.Trace)

		res, err = b.engine.EvaluatePolicies(t.Context(), []int{fail.ID, pass.ID}, enum.PolicyEngineModeAll, &policy.Request{})
		require.NoError(t, err)
		require.False(t, res.Passing)
		require.Equal(t, []string{"too short", "ok"}, res.Messages)
		require.Equal(t, policy.TraceEntry{
			Subject: policy.SubjectPolicy, SubjectID: fail.ID, Name: fail.Name,
			Messages: []string{"too short"}, Duration: res.Trace[0].Duration,
		}, res.Trace[0])

		res, err = b.engine.EvaluatePolicies(t.Context(), []int{pass.ID, fail.ID}, enum.PolicyEngineModeAny, &policy.Request{})
		require.NoError(t, err)
		require.True(t, res.Passing)

		// An error fails (failure_result false), as does a missing policy.
		res, err = b.engine.EvaluatePolicies(t.Context(), []int{pass.ID, erring.ID, 1 << 30}, enum.PolicyEngineModeAny, &policy.Request{})
		require.NoError(t, err)
		require.True(t, res.Passing)
		require.False(t, res.Trace[1].Passing)
		require.NotEmpty(t, res.Trace[1].Error)
		require.False(t, res.Trace[2].Passing)
		require.Contains(t, res.Trace[2].Error, "not found")
		require.Equal(t, []string{"ok"}, res.Messages)
	})
}

func TestEngineInvalidArguments(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		ctx := t.Context()
		req := &policy.Request{}
		for _, target := range []policy.Target{
			{}, {FlowID: 1, FlowStageBindingID: 1}, {FlowID: -1}, {FlowID: 1, ApplicationID: 1}, {ApplicationID: -1},
		} {
			_, err := b.engine.EvaluateTarget(ctx, target, enum.PolicyEngineModeAll, req)
			require.ErrorIs(t, err, policy.ErrInvalidTarget)
		}
		_, err := b.engine.EvaluateTarget(ctx, b.flow(t), "most", req)
		require.ErrorIs(t, err, policy.ErrInvalidMode)
		_, err = b.engine.EvaluatePolicies(ctx, nil, "", req)
		require.ErrorIs(t, err, policy.ErrInvalidMode)
	})
}

func TestEngineConcurrentUse(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		target := b.flow(t)
		b.bind(t, target, binding{policy: b.expr(t, `context.n % 2 == 0`)})
		b.bind(t, target, binding{policy: b.policy(t, "counting", countingConfig{})})
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for i := range 16 {
			wg.Go(func() {
				res, err := b.engine.EvaluateTarget(t.Context(), target, enum.PolicyEngineModeAll,
					&policy.Request{Context: map[string]any{"n": i}})
				if err == nil && res.Passing != (i%2 == 0) {
					err = errors.New("wrong verdict")
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
	})
}
