package database_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

func TestOpenMigrateWrite(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := servicetest.Database(t, d)
			ctx := viewer.SystemContext(context.Background())
			f, err := db.Ent.Flow.Create().SetSlug("probe").SetName("Probe").SetTitle("Probe").
				SetDesignation(enum.FlowDesignationAuthentication).Save(ctx)
			require.NoError(t, err)
			require.Greater(t, f.ID, 1<<32, "global IDs: flows live in their own range")
			require.NoError(t, db.Migrate(ctx), "migrating twice is a no-op")
			n, err := db.Ent.Flow.Query().Count(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, n)
		})
	}
}
