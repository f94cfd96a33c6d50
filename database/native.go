package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// Native returns the transaction underneath an ent transaction (ent's
// Tx.DriverTx) in the form a library joining it needs: a *sql.Tx on
// SQLite, a pgx.Tx on PostgreSQL. River's InsertTx uses it, so that a job
// is enqueued in the transaction of the write that causes it.
func Native(tx dialect.Tx) (any, error) {
	t, ok := tx.(*entsql.Tx)
	if !ok {
		return nil, fmt.Errorf("database: unexpected ent transaction %T", tx)
	}
	switch native := t.Tx.(type) {
	case *pgNativeTx:
		return native.pgxTx(), nil
	case *sql.Tx:
		return native, nil
	default:
		return nil, fmt.Errorf("database: unexpected driver transaction %T", t.Tx)
	}
}

// pgDriver is ent's driver on PostgreSQL: the pool's database/sql driver,
// except that a transaction runs on a reserved connection whose pgx
// connection is kept, so that pgx-based libraries (River) can write in it.
type pgDriver struct {
	*entsql.Driver

	db *sql.DB
}

// newPGDriver returns ent's driver over db, a database/sql handle on a pgx
// pool (stdlib.OpenDBFromPool).
func newPGDriver(db *sql.DB) *pgDriver {
	return &pgDriver{Driver: entsql.OpenDB(dialect.Postgres, db), db: db}
}

// Tx implements dialect.Driver.
func (d *pgDriver) Tx(ctx context.Context) (dialect.Tx, error) { return d.BeginTx(ctx, nil) }

// BeginTx starts a transaction with options (ent's Client.BeginTx).
func (d *pgDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("reserve a connection: %w", err)
	}
	var native *pgx.Conn
	if err := conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("database: connection is %T, not pgx", dc)
		}
		native = c.Conn()
		return nil
	}); err != nil {
		return nil, errors.Join(err, conn.Close())
	}
	tx, err := conn.BeginTx(ctx, opts)
	if err != nil {
		return nil, errors.Join(err, conn.Close())
	}
	c := d.Conn // keeps the dialect
	c.ExecQuerier = tx
	return &entsql.Tx{Conn: c, Tx: &pgNativeTx{tx: tx, conn: conn, native: native}}, nil
}

// pgNativeTx is a database/sql transaction on a reserved connection, and
// that connection's pgx handle.
type pgNativeTx struct {
	tx     *sql.Tx
	conn   *sql.Conn
	native *pgx.Conn
	// savepoints numbers nested pgx transactions.
	savepoints atomic.Int64
}

// Commit implements driver.Tx and returns the connection to the pool.
func (t *pgNativeTx) Commit() error {
	err := t.tx.Commit()
	return errors.Join(err, t.conn.Close())
}

// Rollback implements driver.Tx and returns the connection to the pool.
func (t *pgNativeTx) Rollback() error {
	err := t.tx.Rollback()
	return errors.Join(err, t.conn.Close())
}

// pgxTx returns the transaction as a pgx.Tx.
func (t *pgNativeTx) pgxTx() pgx.Tx { return &joinedTx{parent: t} }

// errOwned is returned by Commit and Rollback of a joined transaction:
// ent's Tx owns it.
var errOwned = errors.New("database: this transaction belongs to an ent.Tx: commit or roll back that")

// joinedTx is a pgx.Tx over a transaction ent began: statements run in
// it; Commit and Rollback are refused (the ent.Tx ends it); Begin opens a
// savepoint.
type joinedTx struct {
	parent *pgNativeTx
	// savepoint is the savepoint's name; empty for the transaction itself.
	savepoint string
	done      bool
}

// Begin implements pgx.Tx with a savepoint.
func (j *joinedTx) Begin(ctx context.Context) (pgx.Tx, error) {
	name := "gatehouse_sp_" + strconv.FormatInt(j.parent.savepoints.Add(1), 10)
	if _, err := j.parent.native.Exec(ctx, "SAVEPOINT "+name); err != nil {
		return nil, fmt.Errorf("savepoint: %w", err)
	}
	return &joinedTx{parent: j.parent, savepoint: name}, nil
}

// Commit implements pgx.Tx: it releases a savepoint; the transaction
// itself is committed by its ent.Tx.
func (j *joinedTx) Commit(ctx context.Context) error {
	if j.savepoint == "" {
		return errOwned
	}
	if j.done {
		return pgx.ErrTxClosed
	}
	j.done = true
	if _, err := j.parent.native.Exec(ctx, "RELEASE SAVEPOINT "+j.savepoint); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

// Rollback implements pgx.Tx: it rolls back to a savepoint; the
// transaction itself is rolled back by its ent.Tx.
func (j *joinedTx) Rollback(ctx context.Context) error {
	if j.savepoint == "" {
		return errOwned
	}
	if j.done {
		return pgx.ErrTxClosed
	}
	j.done = true
	if _, err := j.parent.native.Exec(ctx, "ROLLBACK TO SAVEPOINT "+j.savepoint); err != nil {
		return fmt.Errorf("roll back to savepoint: %w", err)
	}
	return nil
}

// CopyFrom implements pgx.Tx.
func (j *joinedTx) CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error) {
	return j.parent.native.CopyFrom(ctx, table, columns, src) //nolint:wrapcheck // a pgx.Tx passes pgx's errors on
}

// SendBatch implements pgx.Tx.
func (j *joinedTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	return j.parent.native.SendBatch(ctx, b)
}

// LargeObjects implements pgx.Tx; large objects are not supported in a
// joined transaction (nothing in Gatehouse uses them).
func (j *joinedTx) LargeObjects() pgx.LargeObjects { return pgx.LargeObjects{} }

// Prepare implements pgx.Tx.
func (j *joinedTx) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	return j.parent.native.Prepare(ctx, name, sql) //nolint:wrapcheck // a pgx.Tx passes pgx's errors on
}

// Exec implements pgx.Tx.
func (j *joinedTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return j.parent.native.Exec(ctx, sql, args...) //nolint:wrapcheck // a pgx.Tx passes pgx's errors on
}

// Query implements pgx.Tx.
func (j *joinedTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return j.parent.native.Query(ctx, sql, args...) //nolint:wrapcheck // a pgx.Tx passes pgx's errors on
}

// QueryRow implements pgx.Tx.
func (j *joinedTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return j.parent.native.QueryRow(ctx, sql, args...)
}

// Conn implements pgx.Tx.
func (j *joinedTx) Conn() *pgx.Conn { return j.parent.native }
