// Command migdiff writes Gatehouse's versioned migrations from the ent schema,
// one directory per dialect, and checks that none are missing.
//
//	go run ./ent/migrate/migdiff -name add_thing   # write new migrations
//	go run ./ent/migrate/migdiff -check            # fail if the schema has unmigrated changes
//	go run ./ent/migrate/migdiff -rehash           # rewrite atlas.sum after editing a migration by hand
//
// It replays the existing migrations on an empty dev database of each
// dialect — an in-memory SQLite database, and a temporary database on the
// PostgreSQL server named by GATEHOUSE_TEST_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/postgres) — and asks Atlas for the
// statements that bring it to the ent schema.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	atlasmigrate "ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/sqltool"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"

	"github.com/gatehouse-id/gatehouse/ent/migrate"
)

const migrationsDir = "ent/migrate/migrations"

func main() {
	name := flag.String("name", "", "name of the new migration (snake_case)")
	check := flag.Bool("check", false, "fail when the schema has changes no migration covers; write nothing")
	rehash := flag.Bool("rehash", false, "rewrite each dialect's atlas.sum (after a migration was edited by hand or merged)")
	flag.Parse()
	if *rehash {
		if err := rehashAll(); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *check == (*name != "") {
		log.Fatal("give exactly one of -name NAME or -check")
	}
	if err := run(*name, *check); err != nil {
		log.Fatal(err)
	}
}

func run(name string, check bool) error {
	// Atlas opens dev databases by these driver names.
	sql.Register("sqlite3", &sqlite.Driver{})
	sql.Register("postgres", stdlib.GetDefaultDriver())

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if check {
		name = "pending_changes"
	}
	// One version for every dialect, so the directories stay in step.
	version := time.Now().UTC().Format("20060102150405")
	var stale []string
	for _, d := range []string{dialect.SQLite, dialect.Postgres} {
		dir := filepath.Join(migrationsDir, dirName(d))
		target := dir
		if check {
			tmp, err := copyDir(dir)
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			target = tmp
		}
		added, err := diff(ctx, d, target, name, version)
		if err != nil {
			return fmt.Errorf("%s: %w", d, err)
		}
		for _, f := range added {
			if check {
				stale = append(stale, fmt.Sprintf("%s: %s", d, f))
			} else {
				fmt.Printf("wrote %s\n", filepath.Join(dir, f))
			}
		}
	}
	if len(stale) > 0 {
		return fmt.Errorf("the ent schema has changes that no migration covers; run `make migration name=<what_changed>`:\n  %s",
			strings.Join(stale, "\n  "))
	}
	return nil
}

// rehashAll rewrites the atlas.sum of every dialect's directory.
func rehashAll() error {
	for _, d := range []string{dialect.SQLite, dialect.Postgres} {
		mdir, err := sqltool.NewGolangMigrateDir(filepath.Join(migrationsDir, dirName(d)))
		if err != nil {
			return fmt.Errorf("%s: open migration dir: %w", d, err)
		}
		sum, err := mdir.Checksum()
		if err != nil {
			return fmt.Errorf("%s: checksum migrations: %w", d, err)
		}
		if err := atlasmigrate.WriteSumFile(mdir, sum); err != nil {
			return fmt.Errorf("%s: write atlas.sum: %w", d, err)
		}
	}
	return nil
}

func dirName(d string) string {
	if d == dialect.SQLite {
		return "sqlite"
	}
	return "postgres"
}

// diff writes a migration for the changes between dir and the ent schema into
// dir and returns the names of the files it added.
func diff(ctx context.Context, d, dir, name, version string) ([]string, error) {
	before, err := listSQL(dir)
	if err != nil {
		return nil, err
	}
	mdir, err := sqltool.NewGolangMigrateDir(dir)
	if err != nil {
		return nil, fmt.Errorf("open migration dir: %w", err)
	}
	devURL, cleanup, err := devDatabase(ctx, d)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	err = migrate.NamedDiff(ctx, devURL, name,
		schema.WithDir(mdir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(d),
		schema.WithFormatter(sqltool.GolangMigrateFormatter),
		schema.WithDropColumn(false),
		schema.WithDropIndex(true),
	)
	if err != nil {
		return nil, fmt.Errorf("diff: %w", err)
	}
	after, err := listSQL(dir)
	if err != nil {
		return nil, err
	}
	var added []string
	for _, f := range after {
		if slices.Contains(before, f) {
			continue
		}
		// Atlas stamps its own clock; use the run's shared version instead.
		_, rest, ok := strings.Cut(f, "_")
		if !ok {
			return nil, fmt.Errorf("unexpected migration file name %q", f)
		}
		renamed := version + "_" + rest
		if err := os.Rename(filepath.Join(dir, f), filepath.Join(dir, renamed)); err != nil {
			return nil, err
		}
		added = append(added, renamed)
	}
	if len(added) > 0 {
		sum, err := mdir.Checksum()
		if err != nil {
			return nil, fmt.Errorf("checksum migrations: %w", err)
		}
		if err := atlasmigrate.WriteSumFile(mdir, sum); err != nil {
			return nil, fmt.Errorf("write atlas.sum: %w", err)
		}
	}
	return added, nil
}

// devDatabase returns an Atlas URL of an empty database of dialect d and a
// function that removes it.
func devDatabase(ctx context.Context, d string) (string, func(), error) {
	if d == dialect.SQLite {
		return "sqlite://migdiff?mode=memory&_pragma=foreign_keys(1)", func() {}, nil
	}
	base := os.Getenv("GATEHOUSE_TEST_DATABASE_URL")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	admin, err := sql.Open("postgres", base)
	if err != nil {
		return "", nil, err
	}
	dbName := fmt.Sprintf("gatehouse_migdiff_%d", time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+dbName); err != nil {
		_ = admin.Close()
		return "", nil, fmt.Errorf("create dev database on %s (is PostgreSQL running? `make services`): %w", base, err)
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + dbName
	q := u.Query()
	q.Set("sslmode", "disable")
	u.RawQuery = q.Encode()
	return u.String(), func() {
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+dbName+" WITH (FORCE)")
		_ = admin.Close()
	}, nil
}

func listSQL(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// copyDir copies the files of dir into a new temporary directory.
func copyDir(dir string) (string, error) {
	tmp, err := os.MkdirTemp("", "migdiff-")
	if err != nil {
		return "", err
	}
	err = fs.WalkDir(os.DirFS(dir), ".", func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(filepath.Join(dir, path)) //nolint:gosec // the repository's own migration directory
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(tmp, path), b, 0o600) //nolint:gosec // a copy into our own temporary directory
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	return tmp, nil
}
