package userwrite_test

import (
	"context"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/userwrite"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
)

// errEmailTaken is the stage's answer to an address another user has.
var errEmailTaken = executor.FieldError{Field: "email", Message: "That email address is taken.", Code: "taken"}

func TestEmailTaken(t *testing.T) {
	t.Parallel()
	stagetest.Dialects(t, setup, map[string]func(t *testing.T, b *testBundle){
		"CreateWithAnothersAddress": func(t *testing.T, b *testBundle) {
			b.env.User(t, "pat", "pat@example.com", "")
			req := b.request(t, `{"username": "newcomer", "email": "PAT@Example.com"}`, nil)
			res := b.run(t, `{}`, req)
			require.Equal(t, executor.ResultRetry, res.Kind(), "a field error, which the executor shows as a denial")
			require.Equal(t, []executor.FieldError{errEmailTaken}, res.Errors())
			require.Equal(t, 1, b.userCount(t))
			_, ok := req.Execution.Context.PendingUserID()
			require.False(t, ok)
			require.Empty(t, b.env.Auditor.Events())
		},

		"ChangeToAnothersAddress": func(t *testing.T, b *testBundle) {
			b.env.User(t, "pat", "pat@example.com", "")
			rose := b.env.User(t, "rose", "rose@example.com", "")
			res := b.run(t, `{}`, b.request(t, `{"email": "Pat@EXAMPLE.com", "name": "Rose"}`, rose))
			require.Equal(t, []executor.FieldError{errEmailTaken}, res.Errors())
			u := b.env.Client.User.GetX(b.env.Ctx, rose.ID)
			require.Equal(t, "rose@example.com", u.Email)
			require.Empty(t, u.Name, "nothing was written")
		},

		"OwnAddressInAnotherCase": func(t *testing.T, b *testBundle) {
			rose := b.env.User(t, "rose", "rose@example.com", "")
			res := b.run(t, `{}`, b.request(t, `{"email": "ROSE@example.com"}`, rose))
			require.Equal(t, executor.ResultNext, res.Kind(), "%v", res.Errors())
			require.Equal(t, "ROSE@example.com", b.env.Client.User.GetX(b.env.Ctx, rose.ID).Email)
		},
	})
}

// TestEmailRaceLost: another write takes the address after the stage's
// checks and before its insert. The database's unique index refuses the
// stage's write, and the stage answers as if it had seen the clash first.
// (PostgreSQL: SQLite write transactions take the write lock at BEGIN, so
// there the checks always see the other write.)
func TestEmailRaceLost(t *testing.T) {
	t.Parallel()
	b := setup(t, dialect.Postgres)
	ctx := b.env.Ctx
	other, err := b.env.Client.Tx(ctx)
	require.NoError(t, err)
	defer other.Rollback() //nolint:errcheck // after Commit: a no-op
	other.User.Create().SetUsername("quick").SetEmail("race@example.com").SaveX(ctx)

	s := b.env.Runner(t, userwrite.Kind, `{}`)
	req := b.request(t, `{"username": "slow", "email": "RACE@example.com"}`, nil)
	type outcome struct {
		res executor.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := s.Run(ctx, req)
		done <- outcome{res, err}
	}()
	waitForLockWait(ctx, t, b)
	require.NoError(t, other.Commit())
	got := <-done
	require.NoError(t, got.err)
	require.Equal(t, []executor.FieldError{errEmailTaken}, got.res.Errors())
	n, err := b.env.Client.User.Query().Where(user.Username("slow")).Count(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
}

// waitForLockWait polls until a session of the test's PostgreSQL database
// waits on a lock.
func waitForLockWait(ctx context.Context, t *testing.T, b *testBundle) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		rows, err := b.env.Client.QueryContext(ctx,
			"SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
		require.NoError(t, err)
		var n int
		require.True(t, rows.Next())
		require.NoError(t, rows.Scan(&n))
		require.NoError(t, rows.Close())
		if n > 0 {
			return
		}
		<-time.After(10 * time.Millisecond)
	}
	t.Fatal("no session started waiting on a lock")
}
