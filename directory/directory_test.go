package directory_test

import (
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/directory"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

func TestMembershipOf(t *testing.T) {
	t.Parallel()
	client := servicetest.Database(t, dialect.SQLite).Ent
	ctx := viewer.SystemContext(t.Context())
	group := func(name string, superuser bool, parents ...*ent.Group) *ent.Group {
		g, err := client.Group.Create().SetName(name).SetIsSuperuser(superuser).AddParents(parents...).Save(ctx)
		require.NoError(t, err)
		return g
	}
	user := func(name string, groups ...*ent.Group) *ent.User {
		u, err := client.User.Create().SetUsername(name).AddGroups(groups...).Save(ctx)
		require.NoError(t, err)
		return u
	}
	admins := group("admins", true)
	operators := group("operators", false, admins)
	org := group("org", false)
	staff := group("staff", false, org)
	// A chain one level deeper than MaxGroupDepth, a superuser group at its top.
	deep := group("deep-0", true)
	for i := range directory.MaxGroupDepth {
		deep = group("deep-"+string(rune('a'+i%26))+string(rune('a'+i/26)), false, deep)
	}

	tests := []struct {
		name string
		user *ent.User
		want directory.Membership
	}{
		{"through a child of a superuser group", user("root", operators), directory.Membership{
			GroupIDs: []int{operators.ID, admins.ID}, Superuser: true,
		}},
		{"in a superuser group and another", user("boss", admins, staff), directory.Membership{
			GroupIDs: []int{admins.ID, staff.ID, org.ID}, Superuser: true,
		}},
		{"ordinary groups", user("alice", staff), directory.Membership{GroupIDs: []int{staff.ID, org.ID}}},
		{"no groups", user("nobody"), directory.Membership{}},
	}
	for _, tt := range tests {
		got, err := directory.MembershipOf(t.Context(), client, tt.user.ID)
		require.NoError(t, err, tt.name)
		require.ElementsMatch(t, tt.want.GroupIDs, got.GroupIDs, tt.name)
		require.Equal(t, tt.want.Superuser, got.Superuser, tt.name)
		ids, err := directory.GroupIDs(t.Context(), client, tt.user.ID)
		require.NoError(t, err)
		require.ElementsMatch(t, got.GroupIDs, ids, tt.name)
		super, err := directory.IsSuperuser(t.Context(), client, tt.user.ID)
		require.NoError(t, err)
		require.Equal(t, got.Superuser, super, tt.name)
	}

	got, err := directory.MembershipOf(t.Context(), client, user("deep", deep).ID)
	require.NoError(t, err)
	require.Len(t, got.GroupIDs, directory.MaxGroupDepth, "membership is followed MaxGroupDepth levels up")
	require.False(t, got.Superuser, "a superuser group past MaxGroupDepth does not count")
}
