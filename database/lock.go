package database

import (
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// LockForUpdate is a query modifier (Where(…, LockForUpdate)) that locks
// the rows the query reads until the transaction ends, where the dialect
// can: PostgreSQL's SELECT … FOR UPDATE. SQLite has no row locks and needs
// none: Open starts its transactions IMMEDIATE, so they run one at a time.
// Outside a transaction the lock ends with the statement.
func LockForUpdate(s *entsql.Selector) {
	if s.Dialect() == dialect.Postgres {
		s.ForUpdate()
	}
}
