// Package sqlstore keeps sessions in Gatehouse's SQL database (the ent
// Session table): the session.Store of the embedded mode, on SQLite, and
// usable on PostgreSQL.
//
// A row holds the whole session as JSON in data, which is what Get returns,
// and copies of the fields that queries need in indexed columns: key_hash
// (ID.Key, unique; the ID itself is never stored), user_id (NULL while
// anonymous; a foreign key to users, so deleting a user deletes its
// sessions), expires_at and idle_expires_at (for DeleteExpired).
//
// Update reads, runs fn and writes in one transaction. On PostgreSQL the
// read locks the row (SELECT … FOR UPDATE), so concurrent updates queue
// and fn runs once. On SQLite the database opens write transactions with
// BEGIN IMMEDIATE (package database's _txlock=immediate), which serialises
// them. Either way no update is lost.
//
// The store compares sessions with its NowFunc clock; rows stay until
// DeleteExpired removes them. Expiry columns are rounded up to whole
// microseconds (PostgreSQL's precision) and DeleteExpired's cut-off down,
// so a sweep never removes a session that is still live.
package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/gatehouse-id/gatehouse/database"
	"github.com/gatehouse-id/gatehouse/ent"
	entsession "github.com/gatehouse-id/gatehouse/ent/session"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/session"
)

// Options configure a Store. The zero value is usable.
type Options struct {
	// NowFunc returns the current time; nil means time.Now.
	NowFunc func() time.Time
}

// Store is a session.Store on the ent Session table. It is safe for
// concurrent use, also by several processes sharing the database. It acts
// as the system (viewer.SystemContext), which the table's privacy policy
// requires; callers need not.
type Store struct {
	client *ent.Client
	now    func() time.Time
}

var _ session.Store = (*Store)(nil)

// New returns a Store on client. opts may be nil.
func New(client *ent.Client, opts *Options) *Store {
	s := &Store{client: client, now: time.Now}
	if opts != nil && opts.NowFunc != nil {
		s.now = opts.NowFunc
	}
	return s
}

// Create implements session.Store. Creating a session of a user that does
// not exist fails (foreign key), with an error other than ErrAlreadyExists.
func (s *Store) Create(ctx context.Context, id session.ID, sess *session.Session) error {
	data, err := json.Marshal(sess)
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	create := s.client.Session.Create().
		SetKeyHash(id.Key()).
		SetScope(sess.Scope).
		SetCreatedAt(sess.CreatedAt.UTC()).
		SetLastSeenAt(sess.LastSeenAt.UTC()).
		SetIdleTimeoutSeconds(int64(sess.IdleTimeout / time.Second)).
		SetExpiresAt(ceilMicro(sess.ExpiresAt)).
		SetIdleExpiresAt(ceilMicro(sess.LastSeenAt.Add(sess.IdleTimeout))).
		SetClientIP(sess.ClientIP).
		SetUserAgent(sess.UserAgent).
		SetData(data)
	if sess.UserID != 0 {
		create.SetUserID(sess.UserID)
	}
	if err := create.Exec(viewer.SystemContext(ctx)); err != nil {
		if ent.IsConstraintError(err) && uniqueViolation(err) {
			return session.ErrAlreadyExists
		}
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// Get implements session.Store.
func (s *Store) Get(ctx context.Context, id session.ID) (*session.Session, error) {
	row, err := s.client.Session.Query().
		Where(entsession.KeyHash(id.Key())).
		Only(viewer.SystemContext(ctx))
	if err != nil {
		return nil, notFound(err, "get session")
	}
	sess, err := decode(row.Data)
	if err != nil {
		return nil, err
	}
	if sess.Expired(s.now()) {
		return nil, session.ErrNotFound
	}
	return sess, nil
}

// Update implements session.Store. fn runs once per call: the row is
// locked (PostgreSQL) or the database is (SQLite) until the write commits.
func (s *Store) Update(ctx context.Context, id session.ID, fn func(*session.Session) error) (err error) {
	ctx = viewer.SystemContext(ctx)
	tx, err := s.client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("update session: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	row, err := tx.Session.Query().
		Where(entsession.KeyHash(id.Key()), database.LockForUpdate).
		Only(ctx)
	if err != nil {
		return notFound(err, "update session")
	}
	old, err := decode(row.Data)
	if err != nil {
		return err
	}
	if old.Expired(s.now()) {
		return session.ErrNotFound
	}
	next := *old
	if err := fn(&next); err != nil {
		return err
	}
	if next.Scope != old.Scope || !next.CreatedAt.Equal(old.CreatedAt) {
		return session.ErrImmutable
	}
	data, err := json.Marshal(&next)
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	update := tx.Session.UpdateOneID(row.ID).
		SetLastSeenAt(next.LastSeenAt.UTC()).
		SetIdleTimeoutSeconds(int64(next.IdleTimeout / time.Second)).
		SetExpiresAt(ceilMicro(next.ExpiresAt)).
		SetIdleExpiresAt(ceilMicro(next.LastSeenAt.Add(next.IdleTimeout))).
		SetClientIP(next.ClientIP).
		SetUserAgent(next.UserAgent).
		SetData(data)
	if next.UserID != 0 {
		update.SetUserID(next.UserID)
	} else {
		update.ClearUserID()
	}
	if err := update.Exec(ctx); err != nil {
		return fmt.Errorf("update session: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("update session: commit: %w", err)
	}
	return nil
}

// Delete implements session.Store.
func (s *Store) Delete(ctx context.Context, id session.ID) error {
	return s.deleteByKey(ctx, id.Key())
}

// DeleteByKey implements session.Store.
func (s *Store) DeleteByKey(ctx context.Context, key string) error {
	return s.deleteByKey(ctx, key)
}

func (s *Store) deleteByKey(ctx context.Context, key string) error {
	ctx = viewer.SystemContext(ctx)
	row, err := s.client.Session.Query().Where(entsession.KeyHash(key)).Only(ctx)
	if err != nil {
		return notFound(err, "delete session")
	}
	n, err := s.client.Session.Delete().Where(entsession.ID(row.ID)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	if n == 0 { // deleted concurrently
		return session.ErrNotFound
	}
	if sess, err := decode(row.Data); err == nil && sess.Expired(s.now()) {
		return session.ErrNotFound
	}
	return nil
}

// ListByUser implements session.Store.
func (s *Store) ListByUser(ctx context.Context, userID int) (map[string]*session.Session, error) {
	out := map[string]*session.Session{}
	if userID == 0 {
		return out, nil
	}
	now := s.now()
	cutoff := floorMicro(now)
	rows, err := s.client.Session.Query().
		Where(
			entsession.UserID(userID),
			entsession.ExpiresAtGT(cutoff),
			entsession.IdleExpiresAtGT(cutoff),
		).
		All(viewer.SystemContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("list sessions of user %d: %w", userID, err)
	}
	for _, row := range rows {
		sess, err := decode(row.Data)
		if err != nil {
			return nil, err
		}
		if !sess.Expired(now) {
			out[row.KeyHash] = sess
		}
	}
	return out, nil
}

// CountActive implements session.Store: one COUNT over the indexed
// expiry columns of signed-in rows.
func (s *Store) CountActive(ctx context.Context) (int, error) {
	cutoff := floorMicro(s.now())
	n, err := s.client.Session.Query().
		Where(
			entsession.UserIDNotNil(),
			entsession.ExpiresAtGT(cutoff),
			entsession.IdleExpiresAtGT(cutoff),
		).
		Count(viewer.SystemContext(ctx))
	if err != nil {
		return 0, fmt.Errorf("count active sessions: %w", err)
	}
	return n, nil
}

// DeleteExpired implements session.Store.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) (int, error) {
	cutoff := floorMicro(now)
	n, err := s.client.Session.Delete().
		Where(entsession.Or(
			entsession.ExpiresAtLTE(cutoff),
			entsession.IdleExpiresAtLTE(cutoff),
		)).
		Exec(viewer.SystemContext(ctx))
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return n, nil
}

// notFound maps ent's not-found error to session.ErrNotFound and wraps
// anything else.
func notFound(err error, op string) error {
	if ent.IsNotFound(err) {
		return session.ErrNotFound
	}
	return fmt.Errorf("%s: %w", op, err)
}

// uniqueViolation reports whether err is a unique-constraint violation, by
// SQLSTATE (PostgreSQL) or extended result code (SQLite); a foreign-key
// violation (no such user) is not one.
func uniqueViolation(err error) bool {
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		return pgErr.Code == "23505"
	}
	if liteErr, ok := errors.AsType[*sqlite.Error](err); ok {
		code := liteErr.Code()
		return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// ceilMicro is t in UTC rounded up to a whole microsecond, for expiry
// columns: a stored expiry is never earlier than the real one.
func ceilMicro(t time.Time) time.Time {
	f := t.UTC().Truncate(time.Microsecond)
	if f.Before(t) {
		f = f.Add(time.Microsecond)
	}
	return f
}

// floorMicro is t in UTC rounded down to a whole microsecond, for expiry
// cut-offs: a sweep never looks later than now.
func floorMicro(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}

func decode(data []byte) (*session.Session, error) {
	var sess session.Session
	if err := json.Unmarshal(data, &sess); err != nil {
		return nil, fmt.Errorf("decode session: %w", err)
	}
	return &sess, nil
}
