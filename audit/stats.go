package audit

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
)

// BucketSize is how much time one bucket of Stats spans.
type BucketSize string

// The bucket sizes. Buckets start on the hour or at midnight, UTC.
const (
	Hour BucketSize = "hour"
	Day  BucketSize = "day"
)

// Bounds on how far back Stats looks, per bucket size: a day's buckets reach
// a little over a year back (the default retention), an hour's a month (744
// buckets per action at most).
const (
	MaxDaySpan  = 400 * 24 * time.Hour
	MaxHourSpan = 31 * 24 * time.Hour
)

// StatsQuery selects what Stats counts: events of Actions created at or
// after Since, in buckets of Size.
type StatsQuery struct {
	Actions []enum.EventAction
	Since   time.Time
	Size    BucketSize
}

// Bucket is the number of events of one action whose creation time falls in
// [Start, Start + the bucket size).
type Bucket struct {
	// Start is when the bucket begins, in UTC.
	Start time.Time
	// Action is the events' action.
	Action enum.EventAction
	// Count is how many there are; never 0 (empty buckets are left out).
	Count int
}

// Stats counts the events q selects per bucket and action with one
// aggregate query (GROUP BY bucket, action) that the (action, created_at)
// index answers: events are never fetched. Buckets are in UTC; empty ones
// are not returned (the caller fills zeros), and the result is ordered by
// Start, then Action. The first bucket is the one Since falls in, counting
// only the events at or after Since.
//
// An invalid query (no action, an unknown size, Since further back than
// MaxDaySpan or MaxHourSpan before now) is a *StatsQueryError. The
// query goes through client's privacy rules: the audit log is the admins'.
func Stats(ctx context.Context, client *ent.Client, q StatsQuery, now time.Time) ([]*Bucket, error) {
	if err := q.Validate(now); err != nil {
		return nil, err
	}
	var rows []struct {
		Action enum.EventAction `json:"action"`
		Start  int64            `json:"bucket_start"`
		Count  int              `json:"bucket_count"`
	}
	err := client.Event.Query().
		Where(event.ActionIn(q.Actions...), event.CreatedAtGTE(q.Since.UTC())).
		GroupBy(event.FieldAction).
		Aggregate(bucketStart(q.Size), func(*sql.Selector) string { return sql.As(sql.Count("*"), "bucket_count") }).
		Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("event stats: %w", err)
	}
	out := make([]*Bucket, 0, len(rows))
	for _, r := range rows {
		out = append(out, &Bucket{Start: time.Unix(r.Start, 0).UTC(), Action: r.Action, Count: r.Count})
	}
	slices.SortFunc(out, func(a, b *Bucket) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Action, b.Action))
	})
	return out, nil
}

// StatsQueryError refuses a StatsQuery: Argument names what is wrong
// (actions, bucket, since), Message how. The API answers it BAD_USER_INPUT.
type StatsQueryError struct {
	Argument, Message string
}

// Error implements error.
func (e *StatsQueryError) Error() string {
	return "invalid argument " + e.Argument + ": " + e.Message
}

func badQuery(arg, format string, args ...any) error {
	return &StatsQueryError{Argument: arg, Message: fmt.Sprintf(format, args...)}
}

// Validate reports, as a *StatsQueryError, what makes q unacceptable at
// now (see Stats); nil if nothing does.
func (q *StatsQuery) Validate(now time.Time) error {
	if len(q.Actions) == 0 {
		return badQuery("actions", "must name at least one action")
	}
	for _, a := range q.Actions {
		if err := event.ActionValidator(a); err != nil {
			return badQuery("actions", "%q is not an event action", a)
		}
	}
	limit := MaxDaySpan
	switch q.Size {
	case Day:
	case Hour:
		limit = MaxHourSpan
	default:
		return badQuery("bucket", "must be hour or day")
	}
	if now.Sub(q.Since) > limit {
		return badQuery("since", "must be at most %d days ago for %s buckets", int(limit.Hours()/24), q.Size)
	}
	return nil
}

// bucketStart is an aggregate that selects the Unix time (seconds) at which
// an event's bucket starts, as bucket_start, and groups by it as well (ent's
// GroupBy adds the action). Unix seconds read the same on both dialects,
// where a time column would come back as text from SQLite.
func bucketStart(size BucketSize) func(*sql.Selector) string {
	return func(s *sql.Selector) string {
		col := s.C(event.FieldCreatedAt)
		var expr string
		if s.Dialect() == dialect.Postgres {
			// date_trunc on the UTC wall-clock time; EXTRACT(EPOCH) of a
			// timestamp without time zone reads it as UTC.
			expr = fmt.Sprintf("CAST(EXTRACT(EPOCH FROM date_trunc('%s', %s AT TIME ZONE 'UTC')) AS BIGINT)", size, col)
		} else {
			// Times are stored as UTC text (database.entSQLiteDSN); Unix
			// time has no leap seconds, so a UTC hour or day starts at a
			// multiple of its length.
			n := int64(time.Hour / time.Second)
			if size == Day {
				n *= 24
			}
			expr = fmt.Sprintf("(CAST(strftime('%%s', %s) AS INTEGER) / %d * %d)", col, n, n)
		}
		s.GroupBy(expr)
		return sql.As(expr, "bucket_start")
	}
}
