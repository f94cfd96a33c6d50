package servicetest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/gatehouse-id/gatehouse/database"
	"github.com/gatehouse-id/gatehouse/ent/migrate/migrations"
)

// PostgresAdminURL is the PostgreSQL server tests use, as a URL of a
// database that always exists: GATEHOUSE_TEST_DATABASE_URL, else the local
// default (trust authentication as postgres).
func PostgresAdminURL() string {
	return envOr("GATEHOUSE_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
}

// Dialects lists the SQL backends every SQL store is tested on.
var Dialects = []string{dialect.SQLite, dialect.Postgres}

// DatabaseURL returns a configuration for a new, migrated database of
// dialect that belongs to this test alone and is removed when it ends.
func DatabaseURL(tb testing.TB, d string) database.Config {
	tb.Helper()
	if d == dialect.SQLite {
		return database.Config{DataDir: tb.TempDir()}
	}
	return database.Config{URL: newPostgresDatabase(tb, true)}
}

// EmptyDatabaseURL returns a configuration for a new database of dialect
// with no tables at all, not even the migrations' bookkeeping, for tests
// of upgrades: they migrate it part of the way, write data the old schema
// allowed, then migrate the rest. It is removed when the test ends.
func EmptyDatabaseURL(tb testing.TB, d string) database.Config {
	tb.Helper()
	if d == dialect.SQLite {
		return database.Config{DataDir: tb.TempDir()}
	}
	return database.Config{URL: newPostgresDatabase(tb, false)}
}

// Database opens (and migrates) a new database of dialect for this test;
// it is closed and removed when the test ends.
func Database(tb testing.TB, d string) *database.DB {
	tb.Helper()
	cfg := DatabaseURL(tb, d)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := database.Open(ctx, cfg)
	if err != nil {
		tb.Fatalf("open %s test database: %v", d, err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate %s test database: %v", d, err)
	}
	return db
}

var (
	templateMu   sync.Mutex
	templateName string
)

// newPostgresDatabase creates a database for the test and returns its URL:
// migrated from a template that holds the current migrations, or empty.
// The template is named after a hash of the migrations, so it is built
// once per schema version and reused by every test process and run.
func newPostgresDatabase(tb testing.TB, migrated bool) string {
	tb.Helper()
	skipShort(tb, "PostgreSQL")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := sql.Open("pgx", PostgresAdminURL())
	if err == nil {
		err = admin.PingContext(ctx)
	}
	if err != nil {
		Unavailable(tb, "PostgreSQL at "+PostgresAdminURL(), err)
	}
	defer admin.Close()

	name := UniqueName("gatehouse_test_")
	template := ""
	if migrated {
		templateMu.Lock()
		defer templateMu.Unlock()
		template = " TEMPLATE " + migratedTemplate(ctx, tb, admin)
	}
	if _, err := admin.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %s%s", name, template)); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin, err := sql.Open("pgx", PostgresAdminURL())
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return withDatabase(PostgresAdminURL(), name)
}

// migratedTemplate returns the name of the migrated template database,
// built once per process. The caller holds templateMu.
func migratedTemplate(ctx context.Context, tb testing.TB, admin *sql.DB) string {
	tb.Helper()
	if templateName == "" {
		name, err := ensureTemplate(ctx, admin)
		if err != nil {
			tb.Fatalf("prepare postgres template database: %v", err)
		}
		templateName = name
	}
	return templateName
}

// ensureTemplate returns the name of the migrated template database,
// creating it under an advisory lock if no process has yet.
func ensureTemplate(ctx context.Context, admin *sql.DB) (string, error) {
	hash, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := "gatehouse_template_" + hash
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(7243)"); err != nil {
		return "", err
	}
	defer func() { _, _ = conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(7243)") }()
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_building"
	if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	db, err := database.Open(ctx, database.Config{URL: withDatabase(PostgresAdminURL(), building)})
	if err != nil {
		return "", err
	}
	err = db.Migrate(ctx)
	_ = db.Close()
	if err != nil {
		return "", err
	}
	// Rename once complete, so a crash half-way never leaves a bad template.
	for _, stmt := range []string{
		"ALTER DATABASE " + building + " RENAME TO " + name,
		"ALTER DATABASE " + name + " WITH IS_TEMPLATE true",
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return "", err
		}
	}
	return name, nil
}

// migrationsHash identifies the PostgreSQL migrations' content.
func migrationsHash() (string, error) {
	fsys, err := migrations.FS(dialect.Postgres)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	err = fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.Base(path), len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

// withDatabase returns base with its database name replaced by name.
func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

// The pgx database/sql driver registers itself as "pgx" when imported.
var _ = stdlib.GetDefaultDriver
