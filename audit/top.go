package audit

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqljson"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
)

// MaxTopApplications is the most applications TopApplications returns.
const MaxTopApplications = 50

// AppUse is how often users were sent to one application after logging in
// (its AUTHORIZE_APPLICATION events, which name the application's slug).
type AppUse struct {
	// Slug is the application's slug at the time.
	Slug string
	// Count is how many times; never 0.
	Count int
}

// TopApplications returns the first applications users were sent to most
// often since since, most used first (ties by slug), counted by one
// aggregate query over the AUTHORIZE_APPLICATION events (GROUP BY the
// slug in their context). first must be 1 to MaxTopApplications and since
// at most MaxDaySpan before now, else a *StatsQueryError. The query goes
// through client's privacy rules.
func TopApplications(ctx context.Context, client *ent.Client, since time.Time, first int, now time.Time) ([]*AppUse, error) {
	if first < 1 || first > MaxTopApplications {
		return nil, badQuery("first", "must be 1 to %d", MaxTopApplications)
	}
	if now.Sub(since) > MaxDaySpan {
		return nil, badQuery("since", "must be at most %d days ago", int(MaxDaySpan.Hours()/24))
	}
	var rows []struct {
		Action enum.EventAction `json:"action"`
		Slug   string           `json:"app_slug"`
		Count  int              `json:"app_count"`
	}
	err := client.Event.Query().
		Where(
			event.ActionEQ(enum.EventActionAuthorizeApplication),
			event.CreatedAtGTE(since.UTC()),
			func(s *sql.Selector) { s.Where(sqljson.HasKey(event.FieldContext, sqljson.Path("application"))) },
		).
		Limit(first).
		GroupBy(event.FieldAction).
		Aggregate(appSlug, func(s *sql.Selector) string {
			s.OrderBy(sql.Desc("app_count"), sql.Asc("app_slug"))
			return sql.As(sql.Count("*"), "app_count")
		}).
		Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("top applications: %w", err)
	}
	out := make([]*AppUse, 0, len(rows))
	for _, r := range rows {
		out = append(out, &AppUse{Slug: r.Slug, Count: r.Count})
	}
	return out, nil
}

// appSlug is an aggregate that selects the slug an event's context names,
// as app_slug, and groups by it as well (ent's GroupBy adds the action,
// the same for every row).
func appSlug(s *sql.Selector) string {
	col := s.C(event.FieldContext)
	expr := fmt.Sprintf("(json_extract(%s, '$.application'))", col)
	if s.Dialect() == dialect.Postgres {
		expr = fmt.Sprintf("(%s->>'application')", col)
	}
	s.GroupBy(expr)
	return sql.As(expr, "app_slug")
}
