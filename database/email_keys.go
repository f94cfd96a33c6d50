package database

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"

	"entgo.io/ent/dialect"

	"github.com/gatehouse-id/gatehouse/ent/schema/emailkey"
)

// emailKeyCandidates selects, per dialect, the users whose email_key may
// differ from emailkey.Of(email): an address with no key (an account that
// lost the migration's tie-break, or written by a server older than the
// user_email_key migration during a rolling upgrade), a key that is not
// the address with A-Z lowered (a stale key), every address with
// non-ASCII characters (SQL cannot compute their key), and a key without
// an address. Everything else is known to be right, so the scan returns
// nothing on a database that needs no fix.
var emailKeyCandidates = map[string]string{
	dialect.Postgres: `SELECT "id", "email", "email_key" FROM "users"
		WHERE ("email" <> '' AND ("email_key" IS NULL
			OR "email_key" <> translate("email", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
			OR octet_length("email") <> char_length("email")))
		OR ("email" = '' AND "email_key" IS NOT NULL)
		ORDER BY "id"`,
	dialect.SQLite: "SELECT `id`, `email`, `email_key` FROM `users`" + `
		WHERE (email <> '' AND (email_key IS NULL
			OR email_key <> lower(email)
			OR length(CAST(email AS BLOB)) <> length(email)))
		OR (email = '' AND email_key IS NOT NULL)
		ORDER BY id`,
}

// reconcileEmailKeys makes every user's email_key emailkey.Of(email), as
// the ent hook keeps it, where the user_email_key migration could not (it
// computes keys in SQL, right for ASCII addresses only) or a server that
// predates it wrote the address. A key another account already holds is
// never taken from it: the account being fixed is left without a key
// (its address is kept, but it cannot log in by email). It runs at every
// start, after the migrations, and changes nothing when nothing is wrong.
func (db *DB) reconcileEmailKeys(ctx context.Context) error {
	query, ok := emailKeyCandidates[db.Dialect]
	if !ok {
		return fmt.Errorf("reconcile email keys: unknown dialect %q", db.Dialect)
	}
	type candidate struct {
		id    int64
		email string
		key   sql.NullString
	}
	found, err := func() ([]candidate, error) {
		rows, err := db.SQL.QueryContext(ctx, query)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var found []candidate
		for rows.Next() {
			var c candidate
			if err := rows.Scan(&c.id, &c.email, &c.key); err != nil {
				return nil, err
			}
			found = append(found, c)
		}
		return found, rows.Err()
	}()
	if err != nil {
		return fmt.Errorf("find email keys to reconcile: %w", err)
	}
	fixed := 0
	for _, c := range found {
		want := emailkey.Of(c.email)
		if c.key.Valid && c.key.String == want {
			continue
		}
		changed, err := db.setEmailKey(ctx, c.id, want, c.key.Valid)
		if err != nil {
			return fmt.Errorf("reconcile email key of user %d: %w", c.id, err)
		}
		if changed {
			fixed++
		}
	}
	if fixed > 0 {
		db.logger.InfoContext(ctx, "email keys reconciled", "users", fixed)
	}
	return nil
}

// setEmailKey gives user id the key want ("": none) unless another user
// holds it; then, if the user has a key (hasKey), it is removed. It
// reports whether the row changed.
func (db *DB) setEmailKey(ctx context.Context, id int64, want string, hasKey bool) (bool, error) {
	if want != "" {
		res, err := db.SQL.ExecContext(ctx, db.placeholders(
			`UPDATE users SET email_key = $1 WHERE id = $2 AND NOT EXISTS (SELECT 1 FROM users WHERE email_key = $3)`),
			want, id, want)
		if err != nil {
			return false, err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return n > 0, err
		}
	}
	if !hasKey {
		return false, nil
	}
	_, err := db.SQL.ExecContext(ctx, db.placeholders(`UPDATE users SET email_key = NULL WHERE id = $1`), id)
	return err == nil, err
}

// numbered matches PostgreSQL's numbered placeholders.
var numbered = regexp.MustCompile(`\$[0-9]+`)

// placeholders turns a query written with $1, $2… (used in order, each
// once) into the dialect's form.
func (db *DB) placeholders(query string) string {
	if db.Dialect == dialect.SQLite {
		return numbered.ReplaceAllString(query, "?")
	}
	return query
}
