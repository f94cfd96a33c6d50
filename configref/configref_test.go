package configref_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/configref"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

func TestReferencesResolve(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			client := servicetest.Database(t, d).Ent
			ctx := ent.NewContext(viewer.SystemContext(t.Context()), client)

			flow := client.Flow.Create().SetName("Log in").SetSlug("log-in").SetTitle("Log in").
				SetDesignation(enum.FlowDesignationAuthentication).SaveX(ctx)
			stage := client.Stage.Create().SetName("deny").SetKind("deny").SetConfig([]byte(`{}`)).SaveX(ctx)
			group := client.Group.Create().SetName("staff").SaveX(ctx)
			zeta := client.PolicyDefinition.Create().SetName("zeta").SetKind("dummy").SetConfig([]byte(`{}`)).SaveX(ctx)
			alpha := client.PolicyDefinition.Create().SetName("alpha").SetKind("dummy").SetConfig([]byte(`{}`)).SaveX(ctx)
			gone := client.Group.Create().SetName("gone").SaveX(ctx)
			client.Group.DeleteOne(gone).ExecX(ctx)

			gotFlow, err := configref.Flow(ctx, &flow.ID)
			require.NoError(t, err)
			require.Equal(t, flow.ID, gotFlow.ID)
			gotStage, err := configref.Stage(ctx, &stage.ID)
			require.NoError(t, err)
			require.Equal(t, stage.ID, gotStage.ID)
			gotGroup, err := configref.Group(ctx, &group.ID)
			require.NoError(t, err)
			require.Equal(t, group.ID, gotGroup.ID)

			policies, err := configref.Policies(ctx, []int{zeta.ID, gone.ID + 1000, alpha.ID})
			require.NoError(t, err)
			require.Len(t, policies, 2, "a reference to a policy that is gone is left out")
			require.Equal(t, []string{"alpha", "zeta"}, []string{policies[0].Name, policies[1].Name}, "by name")

			t.Run("UnsetOrGoneIsNull", func(t *testing.T) {
				t.Parallel()
				g, err := configref.Group(ctx, &gone.ID)
				require.NoError(t, err, "a reference to an object that is gone is null, not an error")
				require.Nil(t, g)
				f, err := configref.Flow(ctx, nil)
				require.NoError(t, err)
				require.Nil(t, f)
				p, err := configref.Policies(ctx, nil)
				require.NoError(t, err)
				require.NotNil(t, p, "an empty list, not null")
				require.Empty(t, p)
			})
		})
	}
}

func TestNoClientIsAnError(t *testing.T) {
	t.Parallel()
	id := 1
	_, err := configref.Flow(context.Background(), &id)
	require.ErrorIs(t, err, configref.ErrNoClient)
	_, err = configref.Policies(context.Background(), []int{id})
	require.ErrorIs(t, err, configref.ErrNoClient)
}
