package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"entgo.io/ent/dialect"
	"github.com/golang-migrate/migrate/v4"
	gmdatabase "github.com/golang-migrate/migrate/v4/database"
	migratepgx "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	migratesqlite "github.com/golang-migrate/migrate/v4/database/sqlite"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/gatehouse-id/gatehouse/ent/migrate/migrations"
)

// migrationLock is the PostgreSQL advisory lock key held while migrating, so
// that servers starting together migrate one after the other.
const migrationLock = 0x6761746568 // "gateh"

// Migrate brings the schema up to date: Gatehouse's versioned migrations,
// the data fix-ups SQL cannot express (reconcileEmailKeys), then River's.
// It is safe to call from several processes at once, and a
// no-op when nothing is pending. Migrations only ever add or transform; none
// drops data (see ent/migrate/migrations).
func (db *DB) Migrate(ctx context.Context) error {
	if db.Dialect == dialect.Postgres {
		conn, err := db.Pool.Acquire(ctx)
		if err != nil {
			return fmt.Errorf("acquire connection for migration lock: %w", err)
		}
		defer conn.Release()
		if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
			return fmt.Errorf("take migration lock: %w", err)
		}
		defer func() {
			// A fresh context: the lock must be released even if ctx is done.
			_, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock)
		}()
	}
	if err := db.migrateSchema(); err != nil {
		return err
	}
	if err := db.reconcileEmailKeys(ctx); err != nil {
		// Not fatal: the affected accounts cannot log in by email until
		// the next start succeeds; every other use of the database works.
		db.logger.WarnContext(ctx, "email keys not reconciled; retried at the next start", "error", err)
	}
	return db.migrateRiver(ctx)
}

// migrator returns golang-migrate's migrator of ent/migrate/migrations,
// on a handle of its own because golang-migrate closes the handle it is
// given. The caller closes it.
func (db *DB) migrator() (*migrate.Migrate, error) {
	src, err := migrations.FS(db.Dialect)
	if err != nil {
		return nil, err
	}
	source, err := iofs.New(src, ".")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	driver, name, err := db.migrationDriver()
	if err != nil {
		return nil, err
	}
	m, err := migrate.NewWithInstance("iofs", source, name, driver)
	if err != nil {
		_ = driver.Close()
		return nil, fmt.Errorf("prepare %s migrations: %w", db.Dialect, err)
	}
	m.Log = migrateLogger{db.logger}
	return m, nil
}

// migrateSchema applies ent/migrate/migrations through golang-migrate.
func (db *DB) migrateSchema() error {
	m, err := db.migrator()
	if err != nil {
		return err
	}
	defer m.Close()
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("apply migrations: %w", err)
	}
	version, dirty, err := m.Version()
	if err != nil && !errors.Is(err, migrate.ErrNilVersion) {
		return fmt.Errorf("read schema version: %w", err)
	}
	if dirty {
		return fmt.Errorf("schema version %d is dirty: a migration failed half-way; restore a backup", version)
	}
	db.logger.Info("database schema up to date", "dialect", db.Dialect, "version", version)
	return nil
}

// migrationDriver returns golang-migrate's driver for the dialect, on a
// handle of its own (golang-migrate closes the handle it is given), and the
// driver's name.
func (db *DB) migrationDriver() (gmdatabase.Driver, string, error) {
	const table = "gatehouse_migrations"
	var (
		handle *sql.DB
		driver gmdatabase.Driver
		name   string
		err    error
	)
	if db.Dialect == dialect.Postgres {
		handle = stdlib.OpenDB(*db.connCfg.ConnConfig)
		driver, err = migratepgx.WithInstance(handle, &migratepgx.Config{MigrationsTable: table})
		name = "pgx"
	} else {
		if handle, err = sql.Open("sqlite", db.sqliteDSN); err != nil {
			return nil, "", fmt.Errorf("open sqlite for migration: %w", err)
		}
		driver, err = migratesqlite.WithInstance(handle, &migratesqlite.Config{MigrationsTable: table})
		name = "sqlite"
	}
	if err != nil {
		_ = handle.Close()
		return nil, "", fmt.Errorf("prepare %s migrations: %w", db.Dialect, err)
	}
	return driver, name, nil
}

// migrateRiver applies River's own migrations with its driver for the dialect.
func (db *DB) migrateRiver(ctx context.Context) error {
	var res *rivermigrate.MigrateResult
	var err error
	cfg := &rivermigrate.Config{Logger: db.logger}
	if db.Dialect == dialect.Postgres {
		var m *rivermigrate.Migrator[pgx.Tx]
		m, err = rivermigrate.New(riverpgxv5.New(db.Pool), cfg)
		if err == nil {
			res, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		}
	} else {
		var m *rivermigrate.Migrator[*sql.Tx]
		m, err = rivermigrate.New(riversqlite.New(db.RiverSQL), cfg)
		if err == nil {
			res, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		}
	}
	if err != nil {
		return fmt.Errorf("apply job queue migrations: %w", err)
	}
	if len(res.Versions) > 0 {
		db.logger.Info("job queue migrated", "applied", len(res.Versions))
	}
	return nil
}

// migrateLogger adapts slog to golang-migrate's logger.
type migrateLogger struct{ l *slog.Logger }

func (m migrateLogger) Printf(format string, v ...any) {
	m.l.Info("migration", "detail", fmt.Sprintf(format, v...))
}

func (m migrateLogger) Verbose() bool { return false }
