// Package database opens Gatehouse's database — PostgreSQL when a
// postgres:// URL is configured, else the embedded SQLite file in the data
// directory — applies the migrations (Gatehouse's and River's), and hands out
// the ent client and the raw pools that River needs.
//
// On PostgreSQL one pgx pool serves both ent (through database/sql) and
// River, so they can share transactions. On SQLite, ent gets a small pool and
// River a single connection to the same file, as River's SQLite driver
// requires; WAL mode and a busy timeout let them take turns.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/gatehouse-id/gatehouse/ent"
	// The runtime package registers the schema's hooks and privacy policies.
	_ "github.com/gatehouse-id/gatehouse/ent/runtime"
)

// SQLiteFile is the name of the embedded database file in the data directory.
const SQLiteFile = "gatehouse.db"

// Config says which database to open.
type Config struct {
	// URL selects PostgreSQL when it starts with postgres:// or
	// postgresql://; empty selects the SQLite file in DataDir.
	URL string
	// DataDir holds the SQLite file; used only when URL is empty.
	DataDir string
	// Logger receives migration progress; nil discards.
	Logger *slog.Logger
}

// DB is an open database with the handles each user of it needs.
type DB struct {
	// Dialect is dialect.Postgres or dialect.SQLite.
	Dialect string
	// Ent is the ent client over SQL.
	Ent *ent.Client
	// SQL is the database/sql handle under Ent.
	SQL *sql.DB
	// Pool is the pgx pool (PostgreSQL only), shared by Ent and River.
	Pool *pgxpool.Pool
	// RiverSQL is River's single-connection handle (SQLite only).
	RiverSQL *sql.DB
	// Location describes the database for logs, without credentials.
	Location string

	sqliteDSN string
	connCfg   *pgxpool.Config
	logger    *slog.Logger
}

// Open connects to the database that cfg selects. It does not migrate;
// call Migrate before using Ent.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	switch {
	case cfg.URL == "":
		return openSQLite(ctx, filepath.Join(cfg.DataDir, SQLiteFile), logger)
	case strings.HasPrefix(cfg.URL, "postgres://"), strings.HasPrefix(cfg.URL, "postgresql://"):
		return openPostgres(ctx, cfg.URL, logger)
	default:
		return nil, errors.New("database URL must start with postgres:// or postgresql:// (leave it unset for the embedded SQLite file)")
	}
}

func openPostgres(ctx context.Context, rawURL string, logger *slog.Logger) (*DB, error) {
	pcfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", redactErr(err, rawURL))
	}
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres pool: %w", redactErr(err, rawURL))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres at %s: %w", redactURL(rawURL), redactErr(err, rawURL))
	}
	sqlDB := stdlib.OpenDBFromPool(pool)
	return &DB{
		Dialect:  dialect.Postgres,
		Ent:      ent.NewClient(ent.Driver(newPGDriver(sqlDB))),
		SQL:      sqlDB,
		Pool:     pool,
		Location: redactURL(rawURL),
		connCfg:  pcfg,
		logger:   logger,
	}, nil
}

// sqliteDSN is the modernc DSN Gatehouse uses for path: foreign keys on,
// WAL, a generous busy timeout, and write transactions that take the write
// lock at BEGIN so they queue instead of failing on upgrade.
func sqliteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// entSQLiteDSN adds, for ent's connections, one fixed time format in UTC.
// SQLite has no time type: times are text and compare as text, so every
// stored time must share one zone and layout or expiry checks go wrong.
// (River's connection keeps the driver defaults River is tested with.)
func entSQLiteDSN(path string) string {
	return sqliteDSN(path) + "&_timezone=UTC&_time_format=sqlite"
}

func openSQLite(ctx context.Context, path string, logger *slog.Logger) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	dsn := sqliteDSN(path)
	sqlDB, err := sql.Open("sqlite", entSQLiteDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sqlDB.SetMaxOpenConns(4)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	riverDB, err := sql.Open("sqlite", dsn)
	if err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open sqlite %s for jobs: %w", path, err)
	}
	riverDB.SetMaxOpenConns(1)
	return &DB{
		Dialect:   dialect.SQLite,
		Ent:       ent.NewClient(ent.Driver(entsql.OpenDB(dialect.SQLite, sqlDB))),
		SQL:       sqlDB,
		RiverSQL:  riverDB,
		Location:  path,
		sqliteDSN: dsn,
		logger:    logger,
	}, nil
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.SQL.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", db.Dialect, err)
	}
	return nil
}

// Close releases every handle.
func (db *DB) Close() error {
	errs := []error{db.Ent.Close()}
	if db.RiverSQL != nil {
		errs = append(errs, db.RiverSQL.Close())
	}
	if db.Pool != nil {
		db.Pool.Close()
	}
	return errors.Join(errs...)
}

// redactURL returns rawURL without its password.
func redactURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// redactErr replaces any occurrence of rawURL's password in err's text.
func redactErr(err error, rawURL string) error {
	u, perr := url.Parse(rawURL)
	if perr != nil || u.User == nil {
		return err
	}
	pw, ok := u.User.Password()
	if !ok || pw == "" || !strings.Contains(err.Error(), pw) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), pw, "xxxxx"))
}
