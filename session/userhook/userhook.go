// Package userhook ends a user's sessions when the user is deleted or
// deactivated, whichever way the write comes (GraphQL, a flow, a job).
//
// Sessions of an inactive or deleted user are already refused when they
// are resumed; ending them matters for what comes after: a user
// reactivated after an incident must not find an old session — perhaps an
// attacker's — alive again, and Redis keeps no foreign keys that would
// remove a deleted user's sessions by themselves.
package userhook

import (
	"context"
	"fmt"
	"log/slog"

	entgo "entgo.io/ent"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/privacy"
	"github.com/gatehouse-id/gatehouse/internal/aftercommit"
	"github.com/gatehouse-id/gatehouse/session"
)

// Install registers the hook on client: after a deletion of users, or an
// update that makes them inactive, commits (at once outside a
// transaction), every session of those users is revoked. A revocation
// that fails is logged: the sessions stay refused while the user is
// inactive, and expire by themselves.
func Install(client *ent.Client, sessions *session.Manager, logger *slog.Logger) {
	client.User.Use(func(next entgo.Mutator) entgo.Mutator {
		return entgo.MutateFunc(func(ctx context.Context, m entgo.Mutation) (entgo.Value, error) {
			um, ok := m.(*ent.UserMutation)
			if !ok || !ends(um) {
				return next.Mutate(ctx, m)
			}
			// The rows must be listed before a deletion; listing is a
			// read by the system (privacy of the write is the mutation's).
			ids, err := um.IDs(privacy.DecisionContext(ctx, privacy.Allow))
			if err != nil {
				return nil, fmt.Errorf("list users whose sessions end: %w", err)
			}
			v, err := next.Mutate(ctx, m)
			if err != nil || len(ids) == 0 {
				return v, err
			}
			revoke := func() {
				for _, id := range ids {
					if _, err := sessions.RevokeOthers(context.WithoutCancel(ctx), id, ""); err != nil && logger != nil {
						logger.WarnContext(ctx, "end sessions of a deleted or deactivated user", "user_id", id, "error", err)
					}
				}
			}
			tx, err := um.Tx()
			if err != nil {
				tx = nil // not in a transaction: the write is done
			}
			aftercommit.Run(tx, revoke)
			return v, nil
		})
	})
}

// ends reports whether m deletes users or makes them inactive.
func ends(m *ent.UserMutation) bool {
	if m.Op().Is(entgo.OpDelete | entgo.OpDeleteOne) {
		return true
	}
	active, set := m.IsActive()
	return set && !active && m.Op().Is(entgo.OpUpdate|entgo.OpUpdateOne)
}
