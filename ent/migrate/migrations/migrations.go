// Package migrations embeds Gatehouse's versioned SQL migrations, one
// directory per dialect, in golang-migrate's file format. The files are
// written by `make migration name=<what>` (ent/migrate/migdiff) from the ent
// schema and committed; `make verify` fails when the schema has changes that
// no migration covers. Never edit an applied migration: add a new one.
package migrations

import (
	"embed"
	"fmt"
	"io/fs"
)

//go:embed postgres/*.sql sqlite/*.sql
var files embed.FS

// FS returns the migrations for dialect ("postgres" or "sqlite3", as in
// entgo.io/ent/dialect).
func FS(dialect string) (fs.FS, error) {
	switch dialect {
	case "postgres":
		return fs.Sub(files, "postgres")
	case "sqlite3":
		return fs.Sub(files, "sqlite")
	default:
		return nil, fmt.Errorf("no migrations for dialect %q", dialect)
	}
}
