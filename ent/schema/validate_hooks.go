package schema

import (
	"context"
	"fmt"
	"slices"
	"time"

	"entgo.io/ent"

	gen "github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/group"
	"github.com/gatehouse-id/gatehouse/ent/hook"
	"github.com/gatehouse-id/gatehouse/problem"
)

// tokenExpiry requires an expiry date on expiring tokens, and refuses one
// already in the past when it is set.
func tokenExpiry() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.TokenFunc(func(ctx context.Context, m *gen.TokenMutation) (gen.Value, error) {
			expiring, set := m.Expiring()
			if !set {
				expiring = true // schema default on create
				if m.Op().Is(ent.OpUpdateOne) {
					old, err := m.OldExpiring(allowed(ctx))
					if err != nil {
						return nil, err
					}
					expiring = old
				}
			}
			expires, set := m.Expires()
			hasExpires := set
			if !set && !m.ExpiresCleared() && m.Op().Is(ent.OpUpdateOne) {
				old, err := m.OldExpires(allowed(ctx))
				if err != nil {
					return nil, err
				}
				hasExpires = old != nil
			}
			if expiring && !hasExpires {
				return nil, problem.Invalid("expires", "is required for an expiring token (or set expiring to false)")
			}
			if set && expiring && !expires.After(time.Now()) {
				return nil, problem.Invalid("expires", "must be in the future")
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

// policyBindingShape requires exactly one subject (policy, user or group)
// and exactly one target (flow or stage binding).
func policyBindingShape() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PolicyBindingFunc(func(ctx context.Context, m *gen.PolicyBindingMutation) (gen.Value, error) {
			subjects, err := setAfter(ctx, m, "policy_id", "user_id", "group_id")
			if err != nil {
				return nil, err
			}
			if subjects != 1 {
				return nil, problem.Invalid("policy_id", "a policy binding binds exactly one of policy, user or group (got %d)", subjects)
			}
			targets, err := setAfter(ctx, m, "flow_id", "flow_stage_binding_id", "application_id", "notification_rule_id")
			if err != nil {
				return nil, err
			}
			if targets != 1 {
				return nil, problem.Invalid("flow_id", "a policy binding has exactly one target: a flow, a flow stage binding, an application or a notification rule (got %d)", targets)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

// setAfter counts the optional ID fields of m that will be set once the
// mutation is applied: set by it, or set before and not cleared.
func setAfter(ctx context.Context, m *gen.PolicyBindingMutation, fields ...string) (int, error) {
	n := 0
	for _, f := range fields {
		if _, set := m.Field(f); set {
			n++
			continue
		}
		if m.FieldCleared(f) || !m.Op().Is(ent.OpUpdateOne) {
			continue
		}
		old, err := m.OldField(allowed(ctx), f)
		if err != nil {
			return 0, err
		}
		if p, ok := old.(*int); ok && p != nil {
			n++
		}
	}
	return n, nil
}

// groupHierarchy refuses parent/child edges that would make a group its own
// ancestor.
func groupHierarchy() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.GroupFunc(func(ctx context.Context, m *gen.GroupMutation) (gen.Value, error) {
			if err := checkHierarchy(allowed(ctx), m); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

func checkHierarchy(ctx context.Context, m *gen.GroupMutation) error {
	parents, children := m.ParentsIDs(), m.ChildrenIDs()
	for _, p := range parents {
		if slices.Contains(children, p) {
			return problem.Invalid("parent_ids", "group %d cannot be both a parent and a child", p)
		}
	}
	self, ok := m.ID()
	if !ok || (len(parents) == 0 && len(children) == 0) {
		return nil
	}
	c := m.Client()
	descendants, err := closure(ctx, self, func(id int) *gen.GroupQuery {
		return c.Group.Query().Where(group.HasParentsWith(group.ID(id)))
	})
	if err != nil {
		return err
	}
	if p, bad := firstIn(parents, self, descendants); bad {
		return problem.Invalid("parent_ids", "group %d is this group or one of its descendants; groups cannot nest in a cycle", p)
	}
	ancestors, err := closure(ctx, self, func(id int) *gen.GroupQuery {
		return c.Group.Query().Where(group.HasChildrenWith(group.ID(id)))
	})
	if err != nil {
		return err
	}
	if ch, bad := firstIn(children, self, ancestors); bad {
		return problem.Invalid("child_ids", "group %d is this group or one of its ancestors; groups cannot nest in a cycle", ch)
	}
	return nil
}

// firstIn returns the first of ids that is self or in set.
func firstIn(ids []int, self int, set []int) (int, bool) {
	for _, id := range ids {
		if id == self || slices.Contains(set, id) {
			return id, true
		}
	}
	return 0, false
}

// closure walks next from start breadth-first and returns every group
// reached (not start itself).
func closure(ctx context.Context, start int, next func(id int) *gen.GroupQuery) ([]int, error) {
	seen := map[int]bool{start: true}
	queue := []int{start}
	var out []int
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		ids, err := next(id).IDs(ctx)
		if err != nil {
			return nil, fmt.Errorf("walk group hierarchy: %w", err)
		}
		for _, n := range ids {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
				queue = append(queue, n)
			}
		}
	}
	return out, nil
}
