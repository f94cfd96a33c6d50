package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertest"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/database"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

// testBundle is one test's database, seed owners and clock.
type testBundle struct {
	db *database.DB
	// now is the time the workers are told it is. Expiring tokens may only
	// be created with an expiry in the real future (a schema hook checks
	// against time.Now), so now lies two hours ahead and expired expiring
	// tokens are seeded between the real time and now; whole seconds keep
	// "expires == now" exact on PostgreSQL's microsecond timestamps.
	now  time.Time
	user *ent.User
	flow *ent.Flow
}

// setup returns a bundle on a fresh, migrated database of dialect d with a
// user and a flow to hang tokens on.
func setup(t *testing.T, d string) *testBundle {
	t.Helper()
	db := servicetest.Database(t, d)
	ctx := systemContext(t)
	user, err := db.Ent.User.Create().SetUsername("alice").Save(ctx)
	require.NoError(t, err)
	flow, err := db.Ent.Flow.Create().
		SetSlug("recovery").SetName("Recovery").SetTitle("Recover your account").
		SetDesignation(enum.FlowDesignationRecovery).
		Save(ctx)
	require.NoError(t, err)
	return &testBundle{
		db:   db,
		now:  time.Now().Add(2 * time.Hour).Truncate(time.Second),
		user: user,
		flow: flow,
	}
}

// systemContext returns the test's context as the system viewer, which
// the privacy rules let read and write everything.
func systemContext(t *testing.T) context.Context {
	t.Helper()
	return viewer.SystemContext(t.Context())
}

// clock returns a clock stopped at b.now.
func (b *testBundle) clock() func() time.Time {
	now := b.now
	return func() time.Time { return now }
}

// token seeds a token of b.user and returns its ID; expires may be nil
// only when expiring is false.
func (b *testBundle) token(t *testing.T, identifier string, expiring bool, expires *time.Time) int {
	t.Helper()
	tok, err := b.db.Ent.Token.Create().
		SetIdentifier(identifier).
		SetKeyHash(servicetest.UniqueName("key_")).
		SetUser(b.user).
		SetExpiring(expiring).
		SetNillableExpires(expires).
		Save(systemContext(t))
	require.NoError(t, err)
	return tok.ID
}

// flowToken seeds a flow token for b.flow and returns its ID.
func (b *testBundle) flowToken(t *testing.T, expires time.Time) int {
	t.Helper()
	ft, err := b.db.Ent.FlowToken.Create().
		SetFlow(b.flow).
		SetKeyHash(servicetest.UniqueName("key_")).
		SetExecution(json.RawMessage("{}")).
		SetExpires(expires).
		Save(systemContext(t))
	require.NoError(t, err)
	return ft.ID
}

// event seeds an audit event retained until expires and returns its ID.
func (b *testBundle) event(t *testing.T, expires time.Time) int {
	t.Helper()
	ev, err := b.db.Ent.Event.Create().
		SetAction(enum.EventActionModelCreated).
		SetExpires(expires).
		Save(systemContext(t))
	require.NoError(t, err)
	return ev.ID
}

func (b *testBundle) tokenIDs(t *testing.T) []int {
	t.Helper()
	ids, err := b.db.Ent.Token.Query().IDs(systemContext(t))
	require.NoError(t, err)
	return ids
}

func (b *testBundle) flowTokenIDs(t *testing.T) []int {
	t.Helper()
	ids, err := b.db.Ent.FlowToken.Query().IDs(systemContext(t))
	require.NoError(t, err)
	return ids
}

func (b *testBundle) eventIDs(t *testing.T) []int {
	t.Helper()
	ids, err := b.db.Ent.Event.Query().IDs(systemContext(t))
	require.NoError(t, err)
	return ids
}

// work inserts a job with args and works it once through rivertest, with
// the worker newWorker builds around an ent client, then commits River's
// transaction and requires the job to have completed.
//
// On PostgreSQL the worker gets b.db.Ent, as in production. On SQLite it
// gets an ent client on River's own transaction: rivertest keeps that
// transaction open while the worker runs, and it holds the file's write
// lock (Gatehouse's DSN begins transactions IMMEDIATE, and River has
// already inserted the job in it), so a write through ent's separate pool
// would wait for a lock that is only released after the worker returns.
// In production River works a job outside any transaction, which the
// Runner tests cover on both dialects.
func work[T river.JobArgs](t *testing.T, b *testBundle, newWorker func(*ent.Client) river.Worker[T], args T) {
	t.Helper()
	ctx := systemContext(t)
	var res *rivertest.WorkResult
	switch b.db.Dialect {
	case dialect.Postgres:
		tx, err := b.db.Pool.Begin(ctx)
		require.NoError(t, err)
		defer func() { _ = tx.Rollback(ctx) }() // a no-op once committed
		res, err = rivertest.NewWorker(t, riverpgxv5.New(b.db.Pool), &river.Config{}, newWorker(b.db.Ent)).
			Work(ctx, t, tx, args, nil)
		require.NoError(t, err)
		require.NoError(t, tx.Commit(ctx))
	case dialect.SQLite:
		tx, err := b.db.RiverSQL.BeginTx(ctx, nil)
		require.NoError(t, err)
		defer func() { _ = tx.Rollback() }() // a no-op once committed
		txEnt := ent.NewClient(ent.Driver(entsql.NewDriver(dialect.SQLite, entsql.Conn{ExecQuerier: tx})))
		res, err = rivertest.NewWorker(t, riversqlite.New(b.db.RiverSQL), &river.Config{}, newWorker(txEnt)).
			Work(ctx, t, tx, args, nil)
		require.NoError(t, err)
		require.NoError(t, tx.Commit())
	default:
		t.Fatalf("unknown dialect %q", b.db.Dialect)
	}
	require.Equal(t, river.EventKindJobCompleted, res.EventKind)
}

// logBuffer collects log output; it is safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// take returns what was logged since the last take.
func (l *logBuffer) take() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.buf.String()
	l.buf.Reset()
	return s
}
