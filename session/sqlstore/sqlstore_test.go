package sqlstore_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/database"
	entsession "github.com/gatehouse-id/gatehouse/ent/session"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/session"
	"github.com/gatehouse-id/gatehouse/session/sessiontest"
	"github.com/gatehouse-id/gatehouse/session/sqlstore"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			sessiontest.Run(t, newStore(d))
		})
	}
}

func TestConcurrency(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			sessiontest.RunConcurrency(t, newStore(d))
		})
	}
}

// inspectedStore lets the suite create users (sessions reference them) and
// read every column of every session row.
type inspectedStore struct {
	*sqlstore.Store

	db *database.DB
}

var (
	_ sessiontest.Inspector = inspectedStore{}
	_ sessiontest.UserMaker = inspectedStore{}
)

func newStore(d string) sessiontest.NewStoreFunc {
	return func(t *testing.T, clock *sessiontest.Clock) session.Store {
		t.Helper()
		db := servicetest.Database(t, d)
		return inspectedStore{
			Store: sqlstore.New(db.Ent, &sqlstore.Options{NowFunc: clock.Now}),
			db:    db,
		}
	}
}

// NewUser implements sessiontest.UserMaker.
func (s inspectedStore) NewUser(t *testing.T) int {
	t.Helper()
	return newUser(t, s.db)
}

var userSeq atomic.Int64

func newUser(t *testing.T, db *database.DB) int {
	t.Helper()
	u, err := db.Ent.User.Create().
		SetUsername("user" + strconv.FormatInt(userSeq.Add(1), 10)).
		Save(viewer.SystemContext(t.Context()))
	require.NoError(t, err)
	return u.ID
}

// StoredText implements sessiontest.Inspector: every column of every
// session row, read with plain SQL rather than through ent's typed fields.
func (s inspectedStore) StoredText(ctx context.Context) ([]string, error) {
	query := "SELECT " + strings.Join(entsession.Columns, ", ") + " FROM " + entsession.Table
	rows, err := s.db.SQL.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		values := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, v := range values {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			out = append(out, fmt.Sprintf("%s=%v", cols[i], v))
		}
	}
	return out, rows.Err()
}

// testBundle is a store on a fresh database of one dialect.
type testBundle struct {
	db    *database.DB
	store *sqlstore.Store
	clock *sessiontest.Clock
	ctx   context.Context
}

func setup(t *testing.T, d string) *testBundle {
	t.Helper()
	db := servicetest.Database(t, d)
	clock := sessiontest.NewRealClock()
	return &testBundle{
		db:    db,
		store: sqlstore.New(db.Ent, &sqlstore.Options{NowFunc: clock.Now}),
		clock: clock,
		ctx:   t.Context(),
	}
}

func (b *testBundle) create(t *testing.T, userID int, idle time.Duration) session.ID {
	t.Helper()
	id, err := session.NewID()
	require.NoError(t, err)
	now := b.clock.Now()
	require.NoError(t, b.store.Create(b.ctx, id, &session.Session{
		UserID: userID, Scope: "scope", CreatedAt: now, LastSeenAt: now,
		IdleTimeout: idle, ExpiresAt: now.Add(24 * time.Hour),
	}))
	return id
}

func (b *testBundle) rows(t *testing.T) int {
	t.Helper()
	n, err := b.db.Ent.Session.Query().Count(viewer.SystemContext(b.ctx))
	require.NoError(t, err)
	return n
}

// forEachDialect runs test as a parallel subtest per dialect.
func forEachDialect(t *testing.T, test func(t *testing.T, b *testBundle)) {
	t.Helper()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			test(t, setup(t, d))
		})
	}
}

func TestDeleteExpiredRemovesRows(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		user := newUser(t, b.db)
		b.create(t, user, time.Minute)
		b.create(t, 0, time.Minute)
		live := b.create(t, user, time.Hour)
		require.Equal(t, 3, b.rows(t))

		n, err := b.store.DeleteExpired(b.ctx, b.clock.Advance(time.Minute))
		require.NoError(t, err)
		require.Equal(t, 2, n)
		require.Equal(t, 1, b.rows(t))
		_, err = b.store.Get(b.ctx, live)
		require.NoError(t, err)
	})
}

func TestExpiryBoundaryBelowMicrosecond(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		// PostgreSQL keeps microseconds: a session whose deadline falls
		// between two must not be swept a nanosecond early.
		b.clock.Advance(1500 * time.Nanosecond)
		id := b.create(t, 0, time.Minute)

		n, err := b.store.DeleteExpired(b.ctx, b.clock.Advance(time.Minute-time.Nanosecond))
		require.NoError(t, err)
		require.Zero(t, n)
		_, err = b.store.Get(b.ctx, id)
		require.NoError(t, err)

		n, err = b.store.DeleteExpired(b.ctx, b.clock.Advance(time.Microsecond))
		require.NoError(t, err)
		require.Equal(t, 1, n)
	})
}

func TestColumnsFollowRecord(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		ctx := viewer.SystemContext(b.ctx)
		user := newUser(t, b.db)
		id := b.create(t, 0, time.Hour)
		row := b.db.Ent.Session.Query().Where(entsession.KeyHash(id.Key())).OnlyX(ctx)
		require.Nil(t, row.UserID)
		require.Equal(t, int64(3600), row.IdleTimeoutSeconds)

		now := b.clock.Advance(time.Minute)
		require.NoError(t, b.store.Update(b.ctx, id, func(s *session.Session) error {
			s.UserID = user
			s.LastSeenAt = now
			s.UserAgent = "agent"
			return nil
		}))
		row = b.db.Ent.Session.Query().Where(entsession.KeyHash(id.Key())).OnlyX(ctx)
		require.NotNil(t, row.UserID)
		require.Equal(t, user, *row.UserID)
		require.Equal(t, "agent", row.UserAgent)
		require.True(t, row.IdleExpiresAt.Equal(now.Add(time.Hour)), "idle_expires_at %v", row.IdleExpiresAt)

		require.NoError(t, b.store.Update(b.ctx, id, func(s *session.Session) error {
			s.UserID = 0
			return nil
		}))
		row = b.db.Ent.Session.Query().Where(entsession.KeyHash(id.Key())).OnlyX(ctx)
		require.Nil(t, row.UserID)
	})
}

func TestCreateForUnknownUser(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		id, err := session.NewID()
		require.NoError(t, err)
		now := b.clock.Now()
		err = b.store.Create(b.ctx, id, &session.Session{
			UserID: 1 << 40, Scope: "scope", CreatedAt: now, LastSeenAt: now,
			IdleTimeout: time.Hour, ExpiresAt: now.Add(time.Hour),
		})
		require.Error(t, err)
		require.NotErrorIs(t, err, session.ErrAlreadyExists)
		require.Zero(t, b.rows(t))
	})
}

func TestDeletingUserDeletesSessions(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		user, other := newUser(t, b.db), newUser(t, b.db)
		id := b.create(t, user, time.Hour)
		otherID := b.create(t, other, time.Hour)
		require.NoError(t, b.db.Ent.User.DeleteOneID(user).Exec(viewer.SystemContext(b.ctx)))

		_, err := b.store.Get(b.ctx, id)
		require.ErrorIs(t, err, session.ErrNotFound)
		_, err = b.store.Get(b.ctx, otherID)
		require.NoError(t, err)
	})
}

// BenchmarkCountActive: the dashboard's active-sessions count, one COUNT
// over 10,000 signed-in and 10,000 anonymous sessions of 100 users.
func BenchmarkCountActive(b *testing.B) {
	for _, d := range servicetest.Dialects {
		b.Run(d, func(b *testing.B) {
			db := servicetest.Database(b, d)
			users := make([]int, 100)
			for i := range users {
				u, err := db.Ent.User.Create().SetUsername("bench" + strconv.Itoa(i)).Save(viewer.SystemContext(b.Context()))
				require.NoError(b, err)
				users[i] = u.ID
			}
			sessiontest.BenchCountActive(b, sqlstore.New(db.Ent, nil), users)
		})
	}
}
