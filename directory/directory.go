// Package directory answers questions about users and their groups that
// more than one part of Gatehouse asks: which groups a user belongs to,
// counting parent groups, and whether that makes the user a superuser.
package directory

import (
	"context"
	"fmt"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/group"
	"github.com/gatehouse-id/gatehouse/ent/predicate"
	"github.com/gatehouse-id/gatehouse/ent/privacy"
	"github.com/gatehouse-id/gatehouse/ent/user"
)

// MaxGroupDepth bounds how far up the group hierarchy membership is
// followed; the schema refuses cycles, this guards against pathological
// depth.
const MaxGroupDepth = 32

// Membership is what a user's groups make of them.
type Membership struct {
	// GroupIDs are the IDs of every group the user belongs to, directly or
	// through the parents of those groups.
	GroupIDs []int
	// Superuser reports whether one of those groups is a superuser group.
	Superuser bool
}

// MembershipOf returns user userID's groups and whether they make the
// user a superuser, reading the group hierarchy once (a query per level).
func MembershipOf(ctx context.Context, client *ent.Client, userID int) (Membership, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	superuser := map[int]bool{}
	load := func(where predicate.Group) ([]int, error) {
		groups, err := client.Group.Query().Where(where).Select(group.FieldID, group.FieldIsSuperuser).All(ctx)
		if err != nil {
			return nil, err
		}
		ids := make([]int, len(groups))
		for i, g := range groups {
			ids[i] = g.ID
			superuser[g.ID] = g.IsSuperuser
		}
		return ids, nil
	}
	direct, err := load(group.HasUsersWith(user.ID(userID)))
	if err != nil {
		return Membership{}, fmt.Errorf("load groups of user %d: %w", userID, err)
	}
	ids, err := walk(direct, func(ids []int) ([]int, error) {
		return load(group.HasChildrenWith(group.IDIn(ids...)))
	})
	if err != nil {
		return Membership{}, err
	}
	m := Membership{GroupIDs: ids}
	for _, id := range ids { // not the groups past MaxGroupDepth that walk read but did not take
		m.Superuser = m.Superuser || superuser[id]
	}
	return m, nil
}

// GroupIDs returns the IDs of every group user userID belongs to, directly
// or through the parents of those groups (MembershipOf's GroupIDs).
func GroupIDs(ctx context.Context, client *ent.Client, userID int) ([]int, error) {
	m, err := MembershipOf(ctx, client, userID)
	return m.GroupIDs, err
}

// IsSuperuser reports whether user userID is in a superuser group,
// directly or through a child group (MembershipOf's Superuser).
func IsSuperuser(ctx context.Context, client *ent.Client, userID int) (bool, error) {
	m, err := MembershipOf(ctx, client, userID)
	return m.Superuser, err
}

// HasActiveSuperuser reports whether an active user other than those in
// except is a superuser (a member of a superuser group or of one of its
// descendants).
func HasActiveSuperuser(ctx context.Context, client *ent.Client, except ...int) (bool, error) {
	groups, err := SuperuserGroupIDs(ctx, client)
	if err != nil || len(groups) == 0 {
		return false, err
	}
	ok, err := client.User.Query().
		Where(user.IsActive(true), user.IDNotIn(except...), user.HasGroupsWith(group.IDIn(groups...))).
		Exist(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return false, fmt.Errorf("look for superusers: %w", err)
	}
	return ok, nil
}

// SuperuserGroupIDs returns the IDs of every group whose members are
// superusers: the superuser groups and all their descendants.
func SuperuserGroupIDs(ctx context.Context, client *ent.Client) ([]int, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	roots, err := client.Group.Query().Where(group.IsSuperuser(true)).IDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("load superuser groups: %w", err)
	}
	return walk(roots, func(ids []int) ([]int, error) {
		return client.Group.Query().Where(group.HasParentsWith(group.IDIn(ids...))).IDs(ctx)
	})
}

// walk returns start and every group reached from it by next, level by
// level, each once, at most MaxGroupDepth levels deep.
func walk(start []int, next func(ids []int) ([]int, error)) ([]int, error) {
	seen := make(map[int]bool, len(start))
	var all []int
	frontier := start
	for depth := 0; len(frontier) > 0 && depth < MaxGroupDepth; depth++ {
		var fresh []int
		for _, id := range frontier {
			if !seen[id] {
				seen[id] = true
				all = append(all, id)
				fresh = append(fresh, id)
			}
		}
		if len(fresh) == 0 {
			break
		}
		var err error
		if frontier, err = next(fresh); err != nil {
			return nil, fmt.Errorf("walk group hierarchy: %w", err)
		}
	}
	return all, nil
}
