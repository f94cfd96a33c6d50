package database_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/event"
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

// TestTimesCompareAcrossZones guards expiry checks: times written in
// different zones must still compare by instant on every backend.
func TestTimesCompareAcrossZones(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := servicetest.Database(t, d)
			ctx := viewer.SystemContext(context.Background())
			now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
			east := time.FixedZone("east", 5*3600)
			west := time.FixedZone("west", -8*3600)
			// 14:00 in the east is 09:00 UTC: past. 06:00 in the west is 14:00 UTC: future.
			past := time.Date(2030, 1, 1, 14, 0, 0, 0, east)
			future := time.Date(2030, 1, 1, 6, 0, 0, 0, west)
			for _, exp := range []time.Time{past, future} {
				_, err := db.Ent.Event.Create().SetAction(enum.EventActionModelCreated).SetExpires(exp).Save(ctx)
				require.NoError(t, err)
			}
			n, err := db.Ent.Event.Query().Where(event.ExpiresLT(now.In(west))).Count(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, n, "exactly the event that expired before now")
			got, err := db.Ent.Event.Query().Where(event.ExpiresGT(now)).Only(ctx)
			require.NoError(t, err)
			require.True(t, got.Expires.Equal(future), "round trip keeps the instant: %v", got.Expires)
		})
	}
}
