package audit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

func TestStats(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 3, 10, 30, 0, 0, time.UTC)
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339Nano, s)
		require.NoError(t, err)
		return v
	}
	const (
		login  = enum.EventActionLogin
		failed = enum.EventActionLoginFailed
		logout = enum.EventActionLogout
	)
	seeded := []struct {
		action enum.EventAction
		at     string
	}{
		{login, "2026-12-03T08:29:59.999999Z"},     // before since: not counted
		{login, "2026-12-03T08:30:00Z"},            // exactly since: counted
		{login, "2026-12-03T08:59:59.999Z"},        // the last instant of 08:00
		{login, "2026-12-03T09:00:00Z"},            // exactly on a boundary: 09:00
		{login, "2026-12-03T09:59:59Z"},            //
		{login, "2026-12-03T11:00:00+01:00"},       // 10:00 UTC
		{failed, "2026-12-03T09:15:00Z"},           //
		{failed, "2026-12-03T10:29:00.5Z"},         //
		{logout, "2026-12-03T09:30:00Z"},           // another action: never counted
		{failed, "2026-12-02T01:30:00+02:00"},      // 2026-12-01 23:30 UTC
		{failed, "2026-12-01T23:59:59.999999999Z"}, // the last instant of 12-01
		{failed, "2026-12-02T00:00:00Z"},           // the first of 12-02
		{enum.EventActionModelCreated, "2026-12-02T00:00:00Z"},
	}
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			client := servicetest.Database(t, d).Ent
			ctx := viewer.SystemContext(t.Context())
			for _, e := range seeded {
				_, err := client.Event.Create().SetAction(e.action).SetCreatedAt(at(e.at)).SetExpires(now.Add(time.Hour)).Save(ctx)
				require.NoError(t, err)
			}

			hours, err := audit.Stats(ctx, client, audit.StatsQuery{
				Actions: []enum.EventAction{login, failed}, Since: at("2026-12-03T08:30:00Z"), Size: audit.Hour,
			}, now)
			require.NoError(t, err)
			require.Equal(t, []*audit.Bucket{
				{Start: at("2026-12-03T08:00:00Z"), Action: login, Count: 2},
				{Start: at("2026-12-03T09:00:00Z"), Action: login, Count: 2},
				{Start: at("2026-12-03T09:00:00Z"), Action: failed, Count: 1},
				{Start: at("2026-12-03T10:00:00Z"), Action: login, Count: 1},
				{Start: at("2026-12-03T10:00:00Z"), Action: failed, Count: 1},
			}, hours)

			days, err := audit.Stats(ctx, client, audit.StatsQuery{
				Actions: []enum.EventAction{failed}, Since: at("2026-11-03T10:30:00Z"), Size: audit.Day,
			}, now)
			require.NoError(t, err)
			require.Equal(t, []*audit.Bucket{
				{Start: at("2026-12-01T00:00:00Z"), Action: failed, Count: 2},
				{Start: at("2026-12-02T00:00:00Z"), Action: failed, Count: 1},
				{Start: at("2026-12-03T00:00:00Z"), Action: failed, Count: 2},
			}, days)

			none, err := audit.Stats(ctx, client, audit.StatsQuery{
				Actions: []enum.EventAction{enum.EventActionEmailSent}, Since: at("2026-12-01T00:00:00Z"), Size: audit.Day,
			}, now)
			require.NoError(t, err)
			require.Empty(t, none, "empty buckets are left out")
			require.NotNil(t, none)
		})
	}
}

func TestStatsRefusesBadQueries(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 3, 10, 30, 0, 0, time.UTC)
	login := []enum.EventAction{enum.EventActionLogin}
	tests := []struct {
		name, field, message string
		q                    audit.StatsQuery
	}{
		{"no action", "actions", "at least one", audit.StatsQuery{Since: now, Size: audit.Hour}},
		{"unknown action", "actions", `"nope" is not an event action`, audit.StatsQuery{Actions: []enum.EventAction{"nope"}, Since: now, Size: audit.Hour}},
		{"unknown size", "bucket", "hour or day", audit.StatsQuery{Actions: login, Since: now, Size: "week"}},
		{"hours too far back", "since", "at most 31 days ago for hour buckets", audit.StatsQuery{Actions: login, Since: now.Add(-audit.MaxHourSpan - time.Second), Size: audit.Hour}},
		{"days too far back", "since", "at most 400 days ago for day buckets", audit.StatsQuery{Actions: login, Since: now.Add(-audit.MaxDaySpan - time.Second), Size: audit.Day}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Refused before any query: no client is needed.
			_, err := audit.Stats(t.Context(), nil, tt.q, now)
			var qe *audit.StatsQueryError
			require.ErrorAs(t, err, &qe)
			require.Equal(t, tt.field, qe.Argument)
			require.Contains(t, qe.Message, tt.message)
		})
	}
	for _, ok := range []audit.StatsQuery{
		{Actions: login, Since: now.Add(-audit.MaxHourSpan), Size: audit.Hour},
		{Actions: login, Since: now.Add(-audit.MaxDaySpan), Size: audit.Day},
	} {
		require.NoError(t, ok.Validate(now), "the bound itself is allowed")
	}
}

func TestTopApplications(t *testing.T) {
	t.Parallel()
	now := time.Now()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			client := servicetest.Database(t, d).Ent
			ctx := viewer.SystemContext(t.Context())
			seed := func(action enum.EventAction, data map[string]any, ago time.Duration, n int) {
				for range n {
					_, err := client.Event.Create().SetAction(action).SetContext(data).SetCreatedAt(now.Add(-ago)).SetExpires(now.Add(time.Hour)).Save(ctx)
					require.NoError(t, err)
				}
			}
			authorize := enum.EventActionAuthorizeApplication
			seed(authorize, map[string]any{"application": "wiki", "client_id": "w"}, time.Hour, 3)
			seed(authorize, map[string]any{"application": "crm"}, time.Hour, 5)
			seed(authorize, map[string]any{"application": "boards"}, time.Hour, 3)
			seed(authorize, map[string]any{"application": "mail"}, time.Hour, 1)
			seed(authorize, map[string]any{"application": "crm"}, 48*time.Hour, 9) // before since
			seed(authorize, map[string]any{"client_id": "no-app"}, time.Hour, 7)   // no application
			seed(enum.EventActionLogin, map[string]any{"application": "crm"}, time.Hour, 4)

			got, err := audit.TopApplications(ctx, client, now.Add(-24*time.Hour), 3, now)
			require.NoError(t, err)
			require.Equal(t, []*audit.AppUse{{Slug: "crm", Count: 5}, {Slug: "boards", Count: 3}, {Slug: "wiki", Count: 3}}, got)

			_, err = audit.TopApplications(ctx, client, now, 0, now)
			var qe *audit.StatsQueryError
			require.ErrorAs(t, err, &qe)
			require.Equal(t, "first", qe.Argument)
		})
	}
}
