// Package sqlstore keeps counters in the SQL database, the embedded-mode
// backend of counter.Store (the SQLite file; it works on PostgreSQL too).
//
// Each counter is one counters row: key (as given), value and expires_at
// (NULL for a counter that never expires). Rows outlive their expiry until
// DeleteExpired removes them (a periodic job calls it); until then reads
// treat them as 0 and Add restarts them, by the store's clock
// (Options.NowFunc).
//
// Add never loses an increment, on either dialect, without a transaction:
//
//  1. UPDATE counters SET value = CASE WHEN expired THEN delta ELSE value +
//     delta END, expires_at = <by window> WHERE key = ? RETURNING value.
//     It is one statement, so the read of the old value and the write are
//     atomic: PostgreSQL locks the row and, if it had to wait for another
//     writer, recomputes the SET from the row that writer left; SQLite runs
//     one write at a time.
//  2. If no row matched, INSERT ... ON CONFLICT (key) DO NOTHING RETURNING
//     value creates the counter at delta.
//  3. If that inserted nothing, a concurrent Add created the row between 1
//     and 2, so go back to 1 (which will now find it).
//
// Both statements are written once, with $n placeholders, which PostgreSQL
// and SQLite both accept, and run through ent's raw QueryContext: ent's
// builders cannot express the CASE and RETURNING. Raw SQL bypasses ent's
// privacy rules; the store is system code. Get, Delete and DeleteExpired
// use ent's builders as the system viewer (viewer.SystemContext), since
// those rules let nobody else touch counters.
package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/ent"
	entcounter "github.com/gatehouse-id/gatehouse/ent/counter"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

// Options configures a Store; the zero value (or nil) is the default.
type Options struct {
	// NowFunc is the clock that decides what has expired; nil means
	// time.Now.
	NowFunc func() time.Time
}

// Store is a counter.Store over an ent client. It is safe for concurrent
// use.
type Store struct {
	client *ent.Client
	now    func() time.Time
}

var _ counter.Store = (*Store)(nil)

// New returns a Store that keeps counters in client's database.
func New(client *ent.Client, opts *Options) *Store {
	s := &Store{client: client, now: time.Now}
	if opts != nil && opts.NowFunc != nil {
		s.now = opts.NowFunc
	}
	return s
}

// The statements of Add. Identifiers are quoted: key and value are
// keywords in SQL. $1 is the key, $2 now, $3 delta, $4 now+ttl.
const (
	expired = `"expires_at" IS NOT NULL AND "expires_at" <= $2`

	updateSQL = `UPDATE "counters" SET "value" = CASE WHEN ` + expired + ` THEN $3 ELSE "value" + $3 END, ` +
		`"expires_at" = %s WHERE "key" = $1 RETURNING "value"`

	insertSQL = `INSERT INTO "counters" ("key", "value", "expires_at") VALUES ($1, $2, $3) ` +
		`ON CONFLICT ("key") DO NOTHING RETURNING "value"`
)

// updateByWindow is the UPDATE of Add for each window; they differ in the
// expiry they set.
var updateByWindow = map[counter.Window]string{
	// Fixed keeps a live counter's expiry; an expired one restarts.
	counter.Fixed:   fmt.Sprintf(updateSQL, `CASE WHEN `+expired+` THEN $4 ELSE "expires_at" END`),
	counter.Sliding: fmt.Sprintf(updateSQL, `$4`),
	counter.Forever: fmt.Sprintf(updateSQL, `NULL`),
}

// maxAddAttempts bounds Add's update-then-insert loop. A second round is
// needed only when a concurrent Add created the counter; more only when
// concurrent Deletes keep removing it.
const maxAddAttempts = 10

// Add adds delta to key and returns the new value; see counter.Store. It
// returns an error, changing nothing, for an unknown window or a ttl that
// is not positive for Fixed and Sliding.
func (s *Store) Add(ctx context.Context, key string, delta int64, ttl time.Duration, window counter.Window) (int64, error) {
	update, ok := updateByWindow[window]
	if !ok {
		return 0, fmt.Errorf("add to counter: unknown window %d", window)
	}
	now := s.now().UTC()
	updateArgs := []any{key, now, delta}
	var expiresAt any // NULL for Forever
	if window != counter.Forever {
		if ttl <= 0 {
			return 0, fmt.Errorf("add to counter: ttl %s is not positive", ttl)
		}
		expiresAt = now.Add(ttl)
		updateArgs = append(updateArgs, expiresAt)
	}
	for range maxAddAttempts {
		v, ok, err := s.queryValue(ctx, update, updateArgs...)
		if err != nil || ok {
			return v, err
		}
		v, ok, err = s.queryValue(ctx, insertSQL, key, delta, expiresAt)
		if err != nil || ok {
			return v, err
		}
	}
	return 0, fmt.Errorf("add to counter: no stable row after %d attempts", maxAddAttempts)
}

// queryValue runs a statement that returns at most one value and reports
// whether it returned one.
func (s *Store) queryValue(ctx context.Context, query string, args ...any) (int64, bool, error) {
	rows, err := s.client.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, false, fmt.Errorf("add to counter: %w", err)
	}
	defer rows.Close()
	var v int64
	if rows.Next() {
		if err := rows.Scan(&v); err != nil {
			return 0, false, fmt.Errorf("add to counter: %w", err)
		}
		return v, true, rows.Close()
	}
	if err := rows.Err(); err != nil {
		return 0, false, fmt.Errorf("add to counter: %w", err)
	}
	return 0, false, nil
}

// Get returns the value of key, 0 when it is missing or expired.
func (s *Store) Get(ctx context.Context, key string) (int64, error) {
	ctx = viewer.SystemContext(ctx)
	row, err := s.client.Counter.Query().
		Where(
			entcounter.Key(key),
			entcounter.Or(entcounter.ExpiresAtIsNil(), entcounter.ExpiresAtGT(s.now())),
		).
		Only(ctx)
	if ent.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("get counter: %w", err)
	}
	return row.Value, nil
}

// Delete forgets key; deleting a missing key is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	ctx = viewer.SystemContext(ctx)
	if _, err := s.client.Counter.Delete().Where(entcounter.Key(key)).Exec(ctx); err != nil {
		return fmt.Errorf("delete counter: %w", err)
	}
	return nil
}

// DeleteExpired removes the counters whose expiry is at or before now and
// returns how many it removed.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) (int, error) {
	ctx = viewer.SystemContext(ctx)
	n, err := s.client.Counter.Delete().
		Where(entcounter.ExpiresAtNotNil(), entcounter.ExpiresAtLTE(now)).
		Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("delete expired counters: %w", err)
	}
	return n, nil
}
