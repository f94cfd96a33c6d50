package database_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/gatehouse-id/gatehouse/database"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/migrate/migrations"
	"github.com/gatehouse-id/gatehouse/ent/schema/emailkey"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/problem"
)

// numbered matches PostgreSQL's numbered placeholders.
var numbered = regexp.MustCompile(`\$[0-9]+`)

// exec runs a statement written with $1, $2… (in order) on db's dialect.
func exec(t *testing.T, db *database.DB, query string, args ...any) (sql.Result, error) {
	t.Helper()
	if db.Dialect == dialect.SQLite {
		query = numbered.ReplaceAllString(query, "?")
	}
	return db.SQL.ExecContext(context.Background(), query, args...)
}

// insertUser writes a user row the way a server older than the
// user_email_key migration (or any client bypassing ent) would, without an
// email_key, and returns its ID.
func insertUser(t *testing.T, db *database.DB, username, email string) int {
	t.Helper()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err := exec(t, db, "INSERT INTO users (created_at, updated_at, username, email, attributes) VALUES ($1, $2, $3, $4, $5)",
		now, now, username, email, "{}")
	require.NoError(t, err, "insert user %s", username)
	return userID(t, db, username)
}

func userID(t *testing.T, db *database.DB, username string) int {
	t.Helper()
	q := "SELECT id FROM users WHERE username = $1"
	if db.Dialect == dialect.SQLite {
		q = "SELECT id FROM users WHERE username = ?"
	}
	var id int
	require.NoError(t, db.SQL.QueryRowContext(context.Background(), q, username).Scan(&id))
	return id
}

// keyOf returns the stored email_key of user id; "" for NULL.
func keyOf(t *testing.T, db *database.DB, id int) string {
	t.Helper()
	u, err := db.Ent.User.Get(viewer.SystemContext(context.Background()), id)
	require.NoError(t, err)
	if u.EmailKey == nil {
		return ""
	}
	require.NotEmpty(t, *u.EmailKey, "an empty key is stored as NULL")
	return *u.EmailKey
}

// isUniqueViolation reports whether err is the driver's unique-constraint
// error (SQLSTATE 23505, SQLITE_CONSTRAINT_UNIQUE).
func isUniqueViolation(err error) bool {
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		return pgErr.Code == "23505"
	}
	if liteErr, ok := errors.AsType[*sqlite.Error](err); ok {
		return liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
	}
	return false
}

// TestEmailKeyUniqueInDatabase: the database itself refuses two users with
// one normalised address, whatever the ent hook's check saw.
func TestEmailKeyUniqueInDatabase(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := servicetest.Database(t, d)
			ctx := viewer.SystemContext(context.Background())
			ann := db.Ent.User.Create().SetUsername("ann").SetEmail("Ann@Example.com").SaveX(ctx)
			require.Equal(t, "ann@example.com", keyOf(t, db, ann.ID))

			// A raw insert, no hook at all.
			key := emailkey.Of("ANN@example.COM")
			_, err := exec(t, db, "INSERT INTO users (created_at, updated_at, username, email, email_key, attributes) VALUES ($1, $2, $3, $4, $5, $6)",
				time.Now(), time.Now(), "mallory", "ANN@example.COM", key, "{}")
			require.Error(t, err)
			require.True(t, isUniqueViolation(err), "refused by the unique index: %v", err)

			// A bulk update: the hook keys every row but checks none (it
			// could only check one), so the index decides.
			bob := db.Ent.User.Create().SetUsername("bob").SetEmail("bob@example.com").SaveX(ctx)
			carl := db.Ent.User.Create().SetUsername("carl").SaveX(ctx)
			err = db.Ent.User.Update().Where(user.IDIn(bob.ID, carl.ID)).SetEmail("Shared@example.com").Exec(ctx)
			require.True(t, ent.IsConstraintError(err), "%v", err)
			require.True(t, isUniqueViolation(err), "%v", err)
			require.Equal(t, "bob@example.com", keyOf(t, db, bob.ID))
			require.Empty(t, keyOf(t, db, carl.ID))

			// Many users may have no address.
			db.Ent.User.Create().SetUsername("dora").SaveX(ctx)
			db.Ent.User.UpdateOneID(bob.ID).SetEmail("").ExecX(ctx)
			require.Empty(t, keyOf(t, db, bob.ID))
			n, err := db.Ent.User.Query().Where(user.Email("")).Count(ctx)
			require.NoError(t, err)
			require.Equal(t, 3, n)

			// The hook names the clash in the common case.
			_, err = db.Ent.User.Create().SetUsername("eve").SetEmail("ann@EXAMPLE.com").Save(ctx)
			var conflict *problem.ConflictError
			require.ErrorAs(t, err, &conflict)
			require.Equal(t, "email", conflict.Field)
			_, err = db.Ent.User.UpdateOneID(carl.ID).SetEmail("ANN@example.com").Save(ctx)
			require.ErrorAs(t, err, &conflict)

			// email_key is derived, never written.
			_, err = db.Ent.User.UpdateOneID(carl.ID).SetEmailKey("x@example.com").Save(ctx)
			require.ErrorContains(t, err, "derived from email")
		})
	}
}

// TestConcurrentCreatesOneWins: two transactions create users with one
// address in different case; each hook's check runs before the other
// commits, so both pass it, and the unique index refuses the second.
// (PostgreSQL only: SQLite write transactions take the write lock at BEGIN,
// so the second would start after the first committed and its check would
// see the first.)
func TestConcurrentCreatesOneWins(t *testing.T) {
	t.Parallel()
	db := servicetest.Database(t, dialect.Postgres)
	ctx := viewer.SystemContext(context.Background())

	first, err := db.Ent.Tx(ctx)
	require.NoError(t, err)
	defer first.Rollback() //nolint:errcheck // after Commit: a no-op
	first.User.Create().SetUsername("ann").SetEmail("ann@example.com").SaveX(ctx)

	second := make(chan error, 1)
	go func() {
		tx, err := db.Ent.Tx(ctx)
		if err != nil {
			second <- err
			return
		}
		_, err = tx.User.Create().SetUsername("ann2").SetEmail("ANN@example.com").Save(ctx)
		if err != nil {
			_ = tx.Rollback()
			second <- err
			return
		}
		second <- tx.Commit()
	}()
	// Readiness: the second insert waits on the first's uncommitted index entry.
	waitForLockWait(t, db)
	require.NoError(t, first.Commit())
	err = <-second
	require.True(t, ent.IsConstraintError(err), "the index refused the second create: %v", err)
	require.True(t, isUniqueViolation(err), "%v", err)
	n, err := db.Ent.User.Query().Where(user.EmailKey("ann@example.com")).Count(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
}

// waitForLockWait polls until a session of db's PostgreSQL database waits
// on a lock.
func waitForLockWait(t *testing.T, db *database.DB) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		require.NoError(t, db.SQL.QueryRowContext(context.Background(),
			"SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").Scan(&n))
		if n > 0 {
			return
		}
		<-time.After(10 * time.Millisecond)
	}
	t.Fatal("no session started waiting on a lock")
}

// migrationBefore returns the version of the migration that precedes the
// one whose name ends in suffix.
func migrationBefore(t *testing.T, d, suffix string) uint {
	t.Helper()
	fsys, err := migrations.FS(d)
	require.NoError(t, err)
	ups, err := fs.Glob(fsys, "*.up.sql")
	require.NoError(t, err)
	slices.Sort(ups)
	i := slices.IndexFunc(ups, func(name string) bool { return strings.HasSuffix(name, suffix) })
	require.Positive(t, i, "a migration %s with one before it", suffix)
	version, _, _ := strings.Cut(ups[i-1], "_")
	v, err := strconv.ParseUint(version, 10, 64)
	require.NoError(t, err)
	return uint(v)
}

// databaseBefore opens an empty database of dialect d migrated up to the
// migration before the one whose name ends in suffix: a database as an
// older release left it, for upgrade tests.
func databaseBefore(t *testing.T, d, suffix string) *database.DB {
	t.Helper()
	db, err := database.Open(viewer.SystemContext(context.Background()), servicetest.EmptyDatabaseURL(t, d))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	require.NoError(t, db.MigrateTo(migrationBefore(t, d, suffix)))
	return db
}

// TestUpgradeWithDuplicateEmails upgrades a database written before email
// addresses were unique, holding the duplicates the old code let in:
// nothing is lost, each address is the key of exactly one account (the
// oldest), and the others keep their address text without a key.
func TestUpgradeWithDuplicateEmails(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx := viewer.SystemContext(context.Background())
			db := databaseBefore(t, d, "_user_email_key.up.sql")

			rows := []struct{ username, email, key string }{
				{"dup1", "Dup@Example.com", "dup@example.com"}, // the oldest keeps the key
				{"dup2", "dup@example.com", ""},
				{"dup3", "DUP@EXAMPLE.COM", ""},
				{"none1", "", ""},
				{"none2", "", ""},
				{"solo", "Solo@example.com", "solo@example.com"},
				// Non-ASCII: SQL cannot lower É everywhere or compose
				// accents; the Go pass at the end of Migrate keys them.
				{"emile1", "ÉMILE@example.fr", "émile@example.fr"},
				{"emile2", "E\u0301mile@example.fr", ""},
				{"emile3", "émile@example.fr", ""},
				{"jose", "José@Example.com", "josé@example.com"},
			}
			ids := make([]int, len(rows))
			for i, r := range rows {
				ids[i] = insertUser(t, db, r.username, r.email)
			}
			// Rows that point at users must survive the upgrade too.
			now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			_, err := exec(t, db, "INSERT INTO groups (created_at, updated_at, name, attributes) VALUES ($1, $2, $3, $4)", now, now, "staff", "{}")
			require.NoError(t, err)
			var groupID int
			require.NoError(t, db.SQL.QueryRowContext(ctx, "SELECT id FROM groups").Scan(&groupID))
			_, err = exec(t, db, "INSERT INTO group_users (group_id, user_id) VALUES ($1, $2)", groupID, ids[1])
			require.NoError(t, err)
			_, err = exec(t, db, "INSERT INTO tokens (created_at, updated_at, identifier, key_hash, expiring, user_id) VALUES ($1, $2, $3, $4, $5, $6)",
				now, now, "dup2-token", "hash", false, ids[1])
			require.NoError(t, err)

			require.NoError(t, db.Migrate(ctx), "the upgrade succeeds despite the duplicates")

			for i, r := range rows {
				u, err := db.Ent.User.Get(ctx, ids[i])
				require.NoError(t, err, r.username)
				require.Equal(t, r.username, u.Username)
				require.Equal(t, r.email, u.Email, "%s keeps its address as written", r.username)
				require.Equal(t, r.key, keyOf(t, db, ids[i]), r.username)
			}
			n, err := db.Ent.User.Query().Count(ctx)
			require.NoError(t, err)
			require.Len(t, rows, n)
			members, err := db.Ent.Group.Query().QueryUsers().IDs(ctx)
			require.NoError(t, err)
			require.Equal(t, []int{ids[1]}, members)
			tokens, err := db.Ent.Token.Query().Count(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, tokens)

			// Every spelling of an address now names exactly its keeper.
			for typed, want := range map[string]int{"dUP@example.COM": ids[0], "Émile@EXAMPLE.fr": ids[6], "JOSÉ@example.com": ids[9]} {
				got, err := db.Ent.User.Query().Where(user.EmailKey(emailkey.Of(typed))).OnlyID(ctx)
				require.NoError(t, err, typed)
				require.Equal(t, want, got, typed)
			}
			// And no one else can take it.
			_, err = db.Ent.User.Create().SetUsername("late").SetEmail("dup@EXAMPLE.com").Save(ctx)
			var conflict *problem.ConflictError
			require.ErrorAs(t, err, &conflict)

			require.NoError(t, db.Migrate(ctx), "migrating again changes nothing")
			for i, r := range rows {
				require.Equal(t, r.key, keyOf(t, db, ids[i]), r.username)
			}
		})
	}
}

// TestMigrateReconcilesEmailKeys: Migrate repairs keys that a writer
// bypassing the hook left wrong (as a server older than the user_email_key
// migration does during a rolling upgrade), and never takes a key from the
// account that holds it.
func TestMigrateReconcilesEmailKeys(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := servicetest.Database(t, d)
			ctx := viewer.SystemContext(context.Background())
			holder := db.Ent.User.Create().SetUsername("holder").SetEmail("taken@example.com").SaveX(ctx)
			moved := db.Ent.User.Create().SetUsername("moved").SetEmail("old@example.com").SaveX(ctx)
			cleared := db.Ent.User.Create().SetUsername("cleared").SetEmail("gone@example.com").SaveX(ctx)
			// What an old server writes: addresses without keys.
			_, err := exec(t, db, "UPDATE users SET email = $1 WHERE id = $2", "New@Example.com", moved.ID)
			require.NoError(t, err)
			_, err = exec(t, db, "UPDATE users SET email = '' WHERE id = $1", cleared.ID)
			require.NoError(t, err)
			unkeyed := insertUser(t, db, "unkeyed", "Fresh@example.com")
			second := insertUser(t, db, "second", "fresh@EXAMPLE.com")
			clash := insertUser(t, db, "clash", "TAKEN@example.com")

			require.NoError(t, db.Migrate(ctx))
			for id, want := range map[int]string{
				holder.ID: "taken@example.com", moved.ID: "new@example.com", cleared.ID: "",
				unkeyed: "fresh@example.com", second: "", clash: "",
			} {
				require.Equal(t, want, keyOf(t, db, id), "user %d", id)
			}
		})
	}
}
