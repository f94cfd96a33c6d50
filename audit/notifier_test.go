package audit_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

// notifier is an audit.Notifier that records what it was asked to queue.
type notifier struct {
	wanted bool
	fail   error

	mu     sync.Mutex
	queued []int
	inTx   []bool
}

func (n *notifier) Wanted(context.Context, enum.EventAction) bool { return n.wanted }

func (n *notifier) EnqueueTx(_ context.Context, tx *ent.Tx, ev *ent.Event) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.queued = append(n.queued, ev.ID)
	n.inTx = append(n.inTx, tx != nil)
	return n.fail
}

func TestRecordQueuesTheNotificationInTheEventsTransaction(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := servicetest.Database(t, d)
			ctx := viewer.SystemContext(t.Context())

			quiet := &notifier{}
			ev, err := (&audit.Recorder{Notifier: quiet}).Record(ctx, db.Ent, enum.EventActionLoginFailed, nil)
			require.NoError(t, err)
			require.NotZero(t, ev.ID)
			require.Empty(t, quiet.queued, "no rule: nothing queued")

			n := &notifier{wanted: true}
			rec := &audit.Recorder{Notifier: n}
			ev, err = rec.Record(ctx, db.Ent, enum.EventActionLoginFailed, map[string]any{"username": "mallory"})
			require.NoError(t, err)
			require.Equal(t, []int{ev.ID}, n.queued)
			require.Equal(t, []bool{true}, n.inTx, "a transaction is opened for the event and its job")

			// Inside the caller's transaction, the job joins it.
			tx, err := db.Ent.Tx(ctx)
			require.NoError(t, err)
			ev, err = rec.Record(ent.NewTxContext(ctx, tx), tx.Client(), enum.EventActionLoginFailed, nil)
			require.NoError(t, err)
			require.NoError(t, tx.Rollback())
			require.Equal(t, ev.ID, n.queued[1])
			_, err = db.Ent.Event.Get(ctx, ev.ID)
			require.True(t, ent.IsNotFound(err), "rolled back with its caller")

			// An event whose job cannot be queued is not written either.
			failing := &notifier{wanted: true, fail: errors.New("queue down")}
			_, err = (&audit.Recorder{Notifier: failing}).Record(ctx, db.Ent, enum.EventActionLoginFailed, nil)
			require.ErrorContains(t, err, "queue down")
			_, err = db.Ent.Event.Get(ctx, failing.queued[0])
			require.True(t, ent.IsNotFound(err))
		})
	}
}
