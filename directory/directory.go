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
	frontier, err := client.Group.Query().Where(group.HasUsersWith(user.ID(userID))).IDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("load groups of user %d: %w", userID, err)
	}
	seen := make(map[int]bool, len(frontier))
	var all []int
	for depth := 0; len(frontier) > 0 && depth < MaxGroupDepth; depth++ {
		var next []int
		for _, id := range frontier {
			if !seen[id] {
				seen[id] = true
				all = append(all, id)
				next = append(next, id)
			}
		}
		if len(next) == 0 {
			break
		}
		frontier, err = client.Group.Query().Where(group.HasChildrenWith(group.IDIn(next...))).IDs(ctx)
		if err != nil {
			return nil, fmt.Errorf("load parent groups: %w", err)
		}
	}
	return all, nil
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

// SuperuserGroupIDs returns the IDs of every group whose members are
// superusers: the superuser groups and all their descendants.
func SuperuserGroupIDs(ctx context.Context, client *ent.Client) ([]int, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	frontier, err := client.Group.Query().Where(group.IsSuperuser(true)).IDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("load superuser groups: %w", err)
	}
	seen := map[int]bool{}
	var all []int
	for depth := 0; len(frontier) > 0 && depth < MaxGroupDepth; depth++ {
		var next []int
		for _, id := range frontier {
			if !seen[id] {
				seen[id] = true
				all = append(all, id)
				next = append(next, id)
			}
		}
		if len(next) == 0 {
			break
		}
		if frontier, err = client.Group.Query().Where(group.HasParentsWith(group.IDIn(next...))).IDs(ctx); err != nil {
			return nil, fmt.Errorf("load child groups: %w", err)
		}
	}
	return all, nil
}
