package migrations_test

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/migrate/migrations"
)

// allowMarker lets a reviewed migration drop data on purpose; the line must
// say why.
const allowMarker = "-- gatehouse:allow-data-loss:"

var (
	dropTable  = regexp.MustCompile("(?i)DROP TABLE (?:IF EXISTS )?[`\"]?(\\w+)[`\"]?")
	dropColumn = regexp.MustCompile(`(?i)DROP COLUMN`)
)

// TestUpgradesKeepData refuses up-migrations that lose data: a dropped
// column, or a dropped table whose rows were not first copied into its
// replacement (Atlas rebuilds SQLite tables as new_<t>, copies, drops <t>,
// renames). Down migrations are for development only and not checked.
func TestUpgradesKeepData(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"postgres", "sqlite3"} {
		fsys, err := migrations.FS(dialect)
		require.NoError(t, err)
		ups, err := fs.Glob(fsys, "*.up.sql")
		require.NoError(t, err)
		require.NotEmpty(t, ups)
		for _, name := range ups {
			b, err := fs.ReadFile(fsys, name)
			require.NoError(t, err)
			sql := string(b)
			if strings.Contains(sql, allowMarker) {
				continue
			}
			require.False(t, dropColumn.MatchString(sql), "%s/%s drops a column", dialect, name)
			for _, m := range dropTable.FindAllStringSubmatchIndex(sql, -1) {
				table := sql[m[2]:m[3]]
				copied := regexp.MustCompile("(?i)INSERT INTO [`\"]?new_" + regexp.QuoteMeta(table) + "[`\"]?[^;]*FROM [`\"]?" + regexp.QuoteMeta(table) + "[`\"]?")
				require.True(t, copied.MatchString(sql[:m[0]]),
					"%s/%s drops table %s without copying its rows first; add a data-preserving step or %q with the reason", dialect, name, table, allowMarker)
			}
		}
	}
}

// TestSQLiteKeepsReferencingRows refuses SQLite up-migrations that drop a
// table other tables reference, as Atlas does to rebuild a table it cannot
// ALTER (a new column with an index, a changed column). golang-migrate runs
// each migration in a transaction, where PRAGMA foreign_keys = off is a
// no-op, so the DROP TABLE deletes the rows first and the foreign keys
// cascade (or restrict): copying the table's own rows does not save the
// rows that point at it. Write such a change as ALTER TABLE ... ADD COLUMN
// plus CREATE INDEX instead (20261202012535_user_email_key does).
func TestSQLiteKeepsReferencingRows(t *testing.T) {
	t.Parallel()
	fsys, err := migrations.FS("sqlite3")
	require.NoError(t, err)
	ups, err := fs.Glob(fsys, "*.up.sql")
	require.NoError(t, err)
	references := regexp.MustCompile("(?i)REFERENCES [`\"]?(\\w+)[`\"]?")
	referenced := map[string]bool{}
	texts := map[string]string{}
	for _, name := range ups {
		b, err := fs.ReadFile(fsys, name)
		require.NoError(t, err)
		texts[name] = string(b)
		for _, m := range references.FindAllStringSubmatch(string(b), -1) {
			referenced[m[1]] = true
		}
	}
	require.True(t, referenced["users"], "the check sees foreign keys")
	for _, name := range ups {
		sql := texts[name]
		if strings.Contains(sql, allowMarker) {
			continue
		}
		for _, m := range dropTable.FindAllStringSubmatch(sql, -1) {
			require.False(t, referenced[m[1]],
				"sqlite/%s drops table %s, which other tables reference: inside golang-migrate's transaction the foreign keys stay on and the rows that point at it are deleted", name, m[1])
		}
	}
}

// TestDialectsInStep requires the same migration versions for every dialect.
func TestDialectsInStep(t *testing.T) {
	t.Parallel()
	versions := func(dialect string) []string {
		fsys, err := migrations.FS(dialect)
		require.NoError(t, err)
		ups, err := fs.Glob(fsys, "*.up.sql")
		require.NoError(t, err)
		return ups
	}
	require.Equal(t, versions("postgres"), versions("sqlite3"))
}
