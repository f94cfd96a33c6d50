package audit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

// benchEvents is how many events BenchmarkStats seeds: spread evenly over
// 30 days, 7 in 10 logins, 1 in 10 failed logins, the rest model changes.
const benchEvents = 100_000

// BenchmarkStats runs the dashboard's two queries over benchEvents events
// on each backend: logins and failed logins per hour over the last 24
// hours, and per day over 30 days (BENCHMARKS.md).
func BenchmarkStats(b *testing.B) {
	now := time.Date(2026, 12, 3, 10, 30, 0, 0, time.UTC)
	actions := []enum.EventAction{enum.EventActionLogin, enum.EventActionLoginFailed}
	for _, d := range servicetest.Dialects {
		b.Run(d, func(b *testing.B) {
			client := servicetest.Database(b, d).Ent
			ctx := viewer.SystemContext(b.Context())
			step := 30 * 24 * time.Hour / benchEvents
			const batch = 1000
			for i := 0; i < benchEvents; i += batch {
				creates := make([]*ent.EventCreate, 0, batch)
				for j := i; j < i+batch; j++ {
					action := enum.EventActionModelUpdated
					switch {
					case j%10 < 7:
						action = enum.EventActionLogin
					case j%10 == 7:
						action = enum.EventActionLoginFailed
					}
					creates = append(creates, client.Event.Create().SetAction(action).
						SetCreatedAt(now.Add(-time.Duration(j)*step)).SetExpires(now.Add(time.Hour)))
				}
				require.NoError(b, client.Event.CreateBulk(creates...).Exec(ctx))
			}
			for _, q := range []struct {
				name  string
				query audit.StatsQuery
				want  int
			}{
				{"hours-24h", audit.StatsQuery{Actions: actions, Since: now.Add(-24 * time.Hour), Size: audit.Hour}, 2 * 25},
				{"days-30d", audit.StatsQuery{Actions: actions, Since: now.Add(-30 * 24 * time.Hour), Size: audit.Day}, 2 * 31},
			} {
				b.Run(q.name, func(b *testing.B) {
					for b.Loop() {
						got, err := audit.Stats(ctx, client, q.query, now)
						require.NoError(b, err)
						require.Len(b, got, q.want)
					}
				})
			}
		})
	}
}
