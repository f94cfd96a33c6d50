package executor

import (
	"context"
	"log/slog"
	"slices"

	entgo "entgo.io/ent"

	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/internal/aftercommit"
)

// configTypes are the ent types whose changes invalidate cached plans,
// flows and stages.
var configTypes = []string{
	ent.TypeFlow, ent.TypeFlowStageBinding, ent.TypeStage, ent.TypePolicyDefinition, ent.TypePolicyBinding,
}

// txOf returns the transaction m runs in, or nil.
func txOf(m entgo.Mutation) *ent.Tx {
	txm, ok := m.(interface{ Tx() (*ent.Tx, error) })
	if !ok {
		return nil
	}
	tx, err := txm.Tx()
	if err != nil {
		return nil // not in a transaction
	}
	return tx
}

// InvalidateOn makes every committed write to flows, bindings, stages and
// policies bump GenerationKey, so that every server drops its cached plans,
// flows and stages. The bump happens after commit: bumping before could let
// a reader cache the old data under the new generation.
func InvalidateOn(client *ent.Client, counters counter.Store, logger *slog.Logger) {
	bump := func(ctx context.Context) {
		if _, err := counters.Add(context.WithoutCancel(ctx), GenerationKey, 1, 0, counter.Forever); err != nil && logger != nil {
			logger.ErrorContext(ctx, "bump configuration generation; caches stay stale until their TTL", "error", err)
		}
	}
	client.Use(func(next entgo.Mutator) entgo.Mutator {
		return entgo.MutateFunc(func(ctx context.Context, m entgo.Mutation) (entgo.Value, error) {
			if !slices.Contains(configTypes, m.Type()) {
				return next.Mutate(ctx, m)
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			aftercommit.Run(txOf(m), func() { bump(ctx) })
			return v, nil
		})
	})
}
