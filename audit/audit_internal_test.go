package audit

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
)

func TestRoutineWritesAreNotModelEvents(t *testing.T) {
	t.Parallel()
	c := ent.NewClient()
	now := time.Now()
	require.True(t, routine(c.User.Update().SetLastLogin(now).Mutation()), "a login stamp")
	require.True(t, routine(c.User.UpdateOneID(1).SetLastLogin(now).SetUpdatedAt(now).Mutation()))
	require.False(t, routine(c.User.Update().SetLastLogin(now).SetName("x").Mutation()), "with another field")
	require.False(t, routine(c.User.Update().SetLastLogin(now).AddGroupIDs(1).Mutation()), "with an edge")
	require.False(t, routine(c.User.Update().ClearLastLogin().Mutation()), "clearing is not stamping")
	require.False(t, routine(c.User.Create().SetUsername("x").SetLastLogin(now).Mutation()), "creation")
	require.False(t, routine(c.Group.Update().SetName("x").Mutation()), "other types")
}
