package executor

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"sync"
	"time"

	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/flowstagebinding"
	"github.com/gatehouse-id/gatehouse/ent/policybinding"
	"github.com/gatehouse-id/gatehouse/policy"
)

// GenerationKey is the counter every server reads to know whether its
// cached plans, flows and stages are current. InvalidateOn bumps it after
// any change to flows, stages, bindings or policies commits.
const GenerationKey = "executor:config_generation"

// PlanCacheTTL bounds how long a cached plan, flow or stage is used even
// when the configuration generation did not change: on-plan policy
// decisions are cached per flow and user and may depend on time or on
// users, and a generation bump lost to a counter store failure must not
// leave a server on stale configuration for longer.
const PlanCacheTTL = 5 * time.Minute

// planner builds plans: a flow's bindings in order, without those whose
// evaluate_on_plan policies fail.
type planner struct {
	client   *ent.Client
	policies *policy.Engine
	counters counter.Store
	now      func() time.Time

	mu    sync.Mutex
	plans map[string]cachedPlan
	// guards caches whether a stage binding has enabled policy bindings,
	// so re-evaluating a binding without any costs no query.
	guards map[int]cachedGuard
}

type cachedGuard struct {
	generation int64
	at         time.Time
	guarded    bool
}

type cachedPlan struct {
	generation int64
	at         time.Time
	entries    []PlanEntry
	proposals  map[string]any
}

// maxCachedPlans bounds the plan cache; beyond it the cache is cleared.
const maxCachedPlans = 10000

func newPlanner(client *ent.Client, policies *policy.Engine, counters counter.Store, now func() time.Time) *planner {
	return &planner{
		client: client, policies: policies, counters: counters, now: now,
		plans: map[string]cachedPlan{}, guards: map[int]cachedGuard{},
	}
}

// generation returns the current configuration generation.
func (p *planner) generation(ctx context.Context) (int64, error) {
	g, err := p.counters.Get(ctx, GenerationKey)
	if err != nil {
		return 0, fmt.Errorf("read configuration generation: %w", err)
	}
	return g, nil
}

// plan returns the entries for flow as seen by the user userID (cached
// per flow and user) and the context keys the on-plan policies proposed.
// request builds the policy request, only when a binding is evaluated.
func (p *planner) plan(ctx context.Context, flow *ent.Flow, userID int, request func() *policy.Request, gen int64) ([]PlanEntry, map[string]any, error) {
	key := strconv.Itoa(flow.ID) + ":" + strconv.Itoa(userID)
	now := p.now()
	p.mu.Lock()
	c, ok := p.plans[key]
	p.mu.Unlock()
	if ok && c.generation == gen && now.Sub(c.at) < PlanCacheTTL {
		return append([]PlanEntry(nil), c.entries...), c.proposals, nil
	}

	bindings, err := p.client.FlowStageBinding.Query().
		Where(flowstagebinding.FlowID(flow.ID)).
		WithStage().
		WithPolicyBindings(func(q *ent.PolicyBindingQuery) {
			q.Where(policybinding.Enabled(true)).Select(policybinding.FieldID, policybinding.FieldFlowStageBindingID)
		}).
		Order(flowstagebinding.ByOrder(), flowstagebinding.ByID()).
		All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load bindings of flow %s: %w", flow.Slug, err)
	}
	entries := make([]PlanEntry, 0, len(bindings))
	proposals := map[string]any{}
	for _, b := range bindings {
		guarded := len(b.Edges.PolicyBindings) > 0
		p.remember(b.ID, guarded, gen, now)
		if b.EvaluateOnPlan && guarded {
			res, err := p.policies.EvaluateTarget(ctx, policy.Target{FlowStageBindingID: b.ID}, b.PolicyEngineMode, request())
			if err != nil {
				return nil, nil, fmt.Errorf("evaluate binding %d on plan: %w", b.ID, err)
			}
			if !res.Passing {
				continue
			}
			maps.Copy(proposals, res.Context)
		}
		entries = append(entries, PlanEntry{
			BindingID:             b.ID,
			StageID:               b.StageID,
			Kind:                  b.Edges.Stage.Kind,
			Name:                  b.Edges.Stage.Name,
			Reevaluate:            b.ReEvaluatePolicies,
			PolicyEngineMode:      b.PolicyEngineMode,
			InvalidResponseAction: b.InvalidResponseAction,
		})
	}
	p.mu.Lock()
	if len(p.plans) >= maxCachedPlans {
		p.plans = map[string]cachedPlan{}
	}
	p.plans[key] = cachedPlan{generation: gen, at: now, entries: entries, proposals: proposals}
	p.mu.Unlock()
	return append([]PlanEntry(nil), entries...), proposals, nil
}

// remember records whether binding id has enabled policy bindings.
func (p *planner) remember(id int, guarded bool, gen int64, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.guards) >= maxCachedPlans {
		p.guards = map[int]cachedGuard{}
	}
	p.guards[id] = cachedGuard{generation: gen, at: now, guarded: guarded}
}

// guarded reports whether stage binding id has enabled policy bindings,
// from the cache when it is current.
func (p *planner) guarded(ctx context.Context, id int, gen int64) (bool, error) {
	now := p.now()
	p.mu.Lock()
	c, ok := p.guards[id]
	p.mu.Unlock()
	if ok && fresh(c.generation, c.at, gen, now) {
		return c.guarded, nil
	}
	guarded, err := p.client.PolicyBinding.Query().
		Where(policybinding.FlowStageBindingID(id), policybinding.Enabled(true)).
		Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("look up policy bindings of binding %d: %w", id, err)
	}
	p.remember(id, guarded, gen, now)
	return guarded, nil
}
