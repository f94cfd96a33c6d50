package executor

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/flow"
	"github.com/gatehouse-id/gatehouse/ent/policybinding"
	"github.com/gatehouse-id/gatehouse/ent/predicate"
)

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
