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
	return &planner{client: client, policies: policies, counters: counters, now: now, plans: map[string]cachedPlan{}}
}

// generation returns the current configuration generation.
func (p *planner) generation(ctx context.Context) (int64, error) {
	g, err := p.counters.Get(ctx, GenerationKey)
	if err != nil {
		return 0, fmt.Errorf("read configuration generation: %w", err)
	}
	return g, nil
}

// plan returns the entries for flow as seen by req (cached per flow and
// user) and the context keys the on-plan policies proposed.
func (p *planner) plan(ctx context.Context, flow *ent.Flow, req *policy.Request, gen int64) ([]PlanEntry, map[string]any, error) {
	userID := 0
	if req.User != nil {
		userID = req.User.ID
	}
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
		Order(flowstagebinding.ByOrder(), flowstagebinding.ByID()).
		All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load bindings of flow %s: %w", flow.Slug, err)
	}
	entries := make([]PlanEntry, 0, len(bindings))
	proposals := map[string]any{}
	for _, b := range bindings {
		if b.EvaluateOnPlan {
			res, err := p.policies.EvaluateTarget(ctx, policy.Target{FlowStageBindingID: b.ID}, b.PolicyEngineMode, req)
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
