package userhook_test

import (
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gatehouse-id/gatehouse/database"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/session"
	"github.com/gatehouse-id/gatehouse/session/redisstore"
	"github.com/gatehouse-id/gatehouse/session/sqlstore"
	"github.com/gatehouse-id/gatehouse/session/userhook"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// backend is a database with the hook installed, and sessions in Redis or
// in that database.
type backend struct {
	db       *database.DB
	sessions *session.Manager
}

// backends runs fn on every store a deployment may use: Redis (which has
// no foreign keys to users) and the SQL table of the embedded mode.
func backends(t *testing.T, fn func(t *testing.T, b backend)) {
	t.Helper()
	for _, d := range servicetest.Dialects {
		t.Run(d+"/sql-sessions", func(t *testing.T) {
			t.Parallel()
			db := servicetest.Database(t, d)
			b := backend{db: db, sessions: &session.Manager{Store: sqlstore.New(db.Ent, nil)}}
			userhook.Install(db.Ent, b.sessions, nil)
			fn(t, b)
		})
	}
	t.Run("postgres/redis-sessions", func(t *testing.T) {
		t.Parallel()
		db := servicetest.Database(t, "postgres")
		rdb, prefix := servicetest.Redis(t)
		b := backend{db: db, sessions: &session.Manager{Store: redisstore.New(rdb, prefix, nil)}}
		userhook.Install(db.Ent, b.sessions, nil)
		fn(t, b)
	})
}

var seq atomic.Int64

// userWithSessions creates a user logged in twice.
func (b backend) userWithSessions(t *testing.T) (*ent.User, []session.ID) {
	t.Helper()
	ctx := viewer.SystemContext(t.Context())
	u, err := b.db.Ent.User.Create().SetUsername("u" + strconv.FormatInt(seq.Add(1), 10)).Save(ctx)
	require.NoError(t, err)
	ids := make([]session.ID, 2)
	for i := range ids {
		ids[i], _, err = b.sessions.Login(ctx, "", u.ID, session.LoginOptions{})
		require.NoError(t, err)
	}
	return u, ids
}

// alive counts the sessions of ids that can still be resumed.
func (b backend) alive(t *testing.T, ids []session.ID) int {
	t.Helper()
	n := 0
	for _, id := range ids {
		if _, err := b.sessions.Resume(t.Context(), id); err == nil {
			n++
		} else {
			require.ErrorIs(t, err, session.ErrNotFound)
		}
	}
	return n
}

func TestDeactivatingEndsOnlyThatUsersSessions(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, b backend) {
		ctx := viewer.SystemContext(t.Context())
		u, ids := b.userWithSessions(t)
		_, others := b.userWithSessions(t)

		require.NoError(t, b.db.Ent.User.UpdateOne(u).SetName("renamed").Exec(ctx))
		require.Equal(t, 2, b.alive(t, ids), "an ordinary update keeps sessions")

		require.NoError(t, b.db.Ent.User.UpdateOne(u).SetIsActive(false).Exec(ctx))
		require.Zero(t, b.alive(t, ids))
		require.Equal(t, 2, b.alive(t, others), "another user's sessions stay")

		// Reactivated, the user must log in again: the old sessions are gone.
		require.NoError(t, b.db.Ent.User.UpdateOne(u).SetIsActive(true).Exec(ctx))
		require.Zero(t, b.alive(t, ids))
		listed, err := b.sessions.List(ctx, u.ID)
		require.NoError(t, err)
		require.Empty(t, listed)
	})
}

func TestDeletingEndsSessions(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, b backend) {
		ctx := viewer.SystemContext(t.Context())
		u, ids := b.userWithSessions(t)
		v, vids := b.userWithSessions(t)
		_, others := b.userWithSessions(t)

		require.NoError(t, b.db.Ent.User.DeleteOne(u).Exec(ctx))
		require.Zero(t, b.alive(t, ids))
		n, err := b.db.Ent.User.Delete().Where(user.ID(v.ID)).Exec(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Zero(t, b.alive(t, vids), "bulk deletes end sessions too")
		require.Equal(t, 2, b.alive(t, others))
	})
}

func TestSessionsEndOnlyWhenTheTransactionCommits(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, b backend) {
		ctx := viewer.SystemContext(t.Context())
		u, ids := b.userWithSessions(t)

		deactivate := func() *ent.Tx {
			tx, err := b.db.Ent.Tx(ctx)
			require.NoError(t, err)
			require.NoError(t, tx.User.UpdateOneID(u.ID).SetIsActive(false).Exec(ctx))
			return tx
		}
		tx := deactivate()
		require.Equal(t, 2, b.alive(t, ids), "nothing ends before the commit")
		require.NoError(t, tx.Rollback())
		require.Equal(t, 2, b.alive(t, ids), "a rolled-back deactivation ends nothing")

		tx = deactivate()
		require.NoError(t, tx.Commit())
		require.Zero(t, b.alive(t, ids))
	})
}
