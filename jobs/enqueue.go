package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"entgo.io/ent/dialect"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/gatehouse-id/gatehouse/database"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
	"github.com/gatehouse-id/gatehouse/seal"
)

// MailPurpose is the seal purpose of a mail job's data (links, codes).
const MailPurpose = "mail-job-data"

// sendMailMaxAttempts caps a mail's deliveries: with River's backoff
// (attempt⁴ seconds) the last comes about six minutes after the first
// failure, well within a link's validity.
const sendMailMaxAttempts = 5

// Enqueuer queues jobs in the transaction of the write that causes them:
// River's InsertTx joined to an ent transaction (package database's
// Native), on PostgreSQL and SQLite alike. It implements executor.Mailer.
// It is safe for concurrent use.
type Enqueuer struct {
	insert func(ctx context.Context, native any, args river.JobArgs, opts *river.InsertOpts) (bool, error)
	box    *seal.Box
	ready  error
}

// NewEnqueuer returns an enqueuer on db. Mail data is sealed with
// secrets; ready is what Ready reports (nil when mail can be delivered,
// mail.ErrNotConfigured when no SMTP server is configured in production).
func NewEnqueuer(db *database.DB, secrets *seal.Keys, ready error) (*Enqueuer, error) {
	box, err := secrets.Box(MailPurpose)
	if err != nil {
		return nil, fmt.Errorf("enqueuer: %w", err)
	}
	e := &Enqueuer{box: box, ready: ready}
	// An insert-only client: no workers, never started.
	switch db.Dialect {
	case dialect.Postgres:
		c, err := river.NewClient(riverpgxv5.New(db.Pool), &river.Config{})
		if err != nil {
			return nil, fmt.Errorf("enqueuer: %w", err)
		}
		e.insert = inserter[pgx.Tx](c)
	case dialect.SQLite:
		c, err := river.NewClient(riversqlite.New(db.RiverSQL), &river.Config{})
		if err != nil {
			return nil, fmt.Errorf("enqueuer: %w", err)
		}
		e.insert = inserter[*sql.Tx](c)
	default:
		return nil, fmt.Errorf("enqueuer: unsupported database dialect %q", db.Dialect)
	}
	return e, nil
}

// inserter returns an insert function over River's client for the
// driver's transaction type TTx.
func inserter[TTx any](c *river.Client[TTx]) func(context.Context, any, river.JobArgs, *river.InsertOpts) (bool, error) {
	return func(ctx context.Context, native any, args river.JobArgs, opts *river.InsertOpts) (bool, error) {
		tx, ok := native.(TTx)
		if !ok {
			return false, fmt.Errorf("enqueue %s: transaction is %T", args.Kind(), native)
		}
		res, err := c.InsertTx(ctx, tx, args, opts)
		if err != nil {
			return false, fmt.Errorf("enqueue %s: %w", args.Kind(), err)
		}
		return !res.UniqueSkippedAsDuplicate, nil
	}
}

// Ready implements executor.Mailer.
func (e *Enqueuer) Ready() error { return e.ready }

// EnqueueTx implements executor.Mailer: it seals data into m and queues
// the mail in tx. A mail whose Key was queued before (by an earlier
// attempt of the same request, or the same token) is not queued again.
func (e *Enqueuer) EnqueueTx(ctx context.Context, tx *ent.Tx, m jobargs.SendMail, data map[string]string) error {
	if tx == nil {
		return errors.New("enqueue mail: no transaction")
	}
	if m.Key == "" || m.To == "" || m.Template == "" {
		return errors.New("enqueue mail: key, recipient and template are required")
	}
	plain, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("enqueue mail: %w", err)
	}
	m.Sealed, err = e.box.Seal(plain, []byte(m.Key))
	if err != nil {
		return fmt.Errorf("enqueue mail: %w", err)
	}
	native, err := database.Native(tx.DriverTx())
	if err != nil {
		return fmt.Errorf("enqueue mail: %w", err)
	}
	_, err = e.insert(ctx, native, m, &river.InsertOpts{
		MaxAttempts: sendMailMaxAttempts,
		UniqueOpts:  river.UniqueOpts{ByArgs: true},
	})
	return err
}
