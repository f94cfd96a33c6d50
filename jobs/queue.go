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
	"github.com/riverqueue/river/rivertype"

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

// Queue is River's job queue as the rest of Gatehouse sees it: jobs
// enqueued in the transaction of the write that causes them (River's
// InsertTx joined to an ent transaction through package database's
// Native, on PostgreSQL and SQLite alike), and the admin's view (list,
// retry, cancel). It implements executor.Mailer. It is safe for concurrent
// use, and works whether or not this process runs the workers.
type Queue struct {
	river riverClient
	box   *seal.Box
	ready error
}

// riverClient is River's client with its transaction type hidden: a
// transaction is passed as what database.Native returns, and a nil one
// runs the operation on its own.
type riverClient interface {
	insertTx(ctx context.Context, native any, args river.JobArgs, opts *river.InsertOpts) (bool, error)
	retry(ctx context.Context, native any, id int64) (*rivertype.JobRow, error)
	cancel(ctx context.Context, native any, id int64) (*rivertype.JobRow, error)
	list(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
}

// typedClient is a riverClient over River's client for the driver's
// transaction type TTx (pgx.Tx on PostgreSQL, *sql.Tx on SQLite). This is
// the only place that knows it.
type typedClient[TTx any] struct{ c *river.Client[TTx] }

func (t typedClient[TTx]) tx(native any) (TTx, error) {
	tx, ok := native.(TTx)
	if !ok {
		return tx, fmt.Errorf("jobs: transaction is %T", native)
	}
	return tx, nil
}

func (t typedClient[TTx]) insertTx(ctx context.Context, native any, args river.JobArgs, opts *river.InsertOpts) (bool, error) {
	tx, err := t.tx(native)
	if err != nil {
		return false, err
	}
	res, err := t.c.InsertTx(ctx, tx, args, opts)
	if err != nil {
		return false, fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return !res.UniqueSkippedAsDuplicate, nil
}

func (t typedClient[TTx]) retry(ctx context.Context, native any, id int64) (*rivertype.JobRow, error) {
	if native == nil {
		return t.c.JobRetry(ctx, id) //nolint:wrapcheck // wrapped by adminError
	}
	tx, err := t.tx(native)
	if err != nil {
		return nil, err
	}
	return t.c.JobRetryTx(ctx, tx, id) //nolint:wrapcheck // wrapped by adminError
}

func (t typedClient[TTx]) cancel(ctx context.Context, native any, id int64) (*rivertype.JobRow, error) {
	if native == nil {
		return t.c.JobCancel(ctx, id) //nolint:wrapcheck // wrapped by adminError
	}
	tx, err := t.tx(native)
	if err != nil {
		return nil, err
	}
	return t.c.JobCancelTx(ctx, tx, id) //nolint:wrapcheck // wrapped by adminError
}

func (t typedClient[TTx]) list(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error) {
	return t.c.JobList(ctx, params) //nolint:wrapcheck // wrapped by ListJobs
}

// NewQueue returns the queue on db. Mail data is sealed with
// secrets; ready is what Ready reports (nil when mail can be delivered,
// mail.ErrNotConfigured when no SMTP server is configured in production).
func NewQueue(db *database.DB, secrets *seal.Keys, ready error) (*Queue, error) {
	box, err := secrets.Box(MailPurpose)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	e := &Queue{box: box, ready: ready}
	// An insert-only client: no workers, never started.
	switch db.Dialect {
	case dialect.Postgres:
		c, err := river.NewClient(riverpgxv5.New(db.Pool), &river.Config{})
		if err != nil {
			return nil, fmt.Errorf("queue: %w", err)
		}
		e.river = typedClient[pgx.Tx]{c}
	case dialect.SQLite:
		c, err := river.NewClient(riversqlite.New(db.RiverSQL), &river.Config{})
		if err != nil {
			return nil, fmt.Errorf("queue: %w", err)
		}
		e.river = typedClient[*sql.Tx]{c}
	default:
		return nil, fmt.Errorf("queue: unsupported database dialect %q", db.Dialect)
	}
	return e, nil
}

// Ready implements executor.Mailer.
func (e *Queue) Ready() error { return e.ready }

// EnqueueTx implements executor.Mailer: it seals data into m and queues
// the mail in tx. A mail whose Key was queued before (by an earlier
// attempt of the same request, or the same token) is not queued again.
func (e *Queue) EnqueueTx(ctx context.Context, tx *ent.Tx, m jobargs.SendMail, data map[string]string) error {
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
	_, err = e.river.insertTx(ctx, native, m, &river.InsertOpts{
		MaxAttempts: sendMailMaxAttempts,
		UniqueOpts:  river.UniqueOpts{ByArgs: true},
	})
	return err
}

// EnqueueNotifyTx implements notify.Enqueuer: it queues the matching of
// one event in tx, the event's own transaction. An event is queued once.
func (e *Queue) EnqueueNotifyTx(ctx context.Context, tx *ent.Tx, args jobargs.NotifyEvent) error {
	_, err := e.insert(ctx, tx, args, &river.InsertOpts{
		MaxAttempts: notifyDeliverMaxAttempts,
		UniqueOpts:  river.UniqueOpts{ByArgs: true},
	})
	return err
}

// enqueueDeliverTx queues one delivery in tx; false when the same event,
// transport and recipient were queued before (another rule matched too).
func (e *Queue) enqueueDeliverTx(ctx context.Context, tx *ent.Tx, args jobargs.NotifyDeliver) (bool, error) {
	return e.insert(ctx, tx, args, &river.InsertOpts{
		MaxAttempts: notifyDeliverMaxAttempts,
		UniqueOpts:  river.UniqueOpts{ByArgs: true},
	})
}

// insert queues args in tx.
func (e *Queue) insert(ctx context.Context, tx *ent.Tx, args river.JobArgs, opts *river.InsertOpts) (bool, error) {
	if tx == nil {
		return false, fmt.Errorf("enqueue %s: no transaction", args.Kind())
	}
	native, err := database.Native(tx.DriverTx())
	if err != nil {
		return false, fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return e.river.insertTx(ctx, native, args, opts)
}
