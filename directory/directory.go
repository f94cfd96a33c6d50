// Package directory answers questions about users and their groups that
// more than one part of Gatehouse asks: which groups a user belongs to,
// counting parent groups, and whether that makes the user a superuser.
package directory

import (
	"context"
	"fmt"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/group"
	"github.com/gatehouse-id/gatehouse/ent/privacy"
	"github.com/gatehouse-id/gatehouse/ent/user"
)

// MaxGroupDepth bounds how far up the group hierarchy membership is
// followed; the schema refuses cycles, this guards against pathological
// depth.
const MaxGroupDepth = 32

// GroupIDs returns the IDs of every group user userID belongs to, directly
// or through the parents of those groups.
func GroupIDs(ctx context.Context, client *ent.Client, userID int) ([]int, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	direct, err := client.Group.Query().Where(group.HasUsersWith(user.ID(userID))).IDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("load groups of user %d: %w", userID, err)
	}
	return walk(direct, func(ids []int) ([]int, error) {
		return client.Group.Query().Where(group.HasChildrenWith(group.IDIn(ids...))).IDs(ctx)
	})
}

// IsSuperuser reports whether user userID is in a superuser group,
// directly or through a child group.
func IsSuperuser(ctx context.Context, client *ent.Client, userID int) (bool, error) {
	ids, err := GroupIDs(ctx, client, userID)
	if err != nil || len(ids) == 0 {
		return false, err
	}
	ok, err := client.Group.Query().
		Where(group.IDIn(ids...), group.IsSuperuser(true)).
		Exist(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return false, fmt.Errorf("check superuser groups: %w", err)
	}
	return ok, nil
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
