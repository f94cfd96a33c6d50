package jobs_test

import (
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/jobs"
	"github.com/gatehouse-id/gatehouse/notify"
	"github.com/gatehouse-id/gatehouse/seal"
)

// storedSecret reads transport id's webhook_secret column as stored.
func (b *notifyBundle) storedSecret(t *testing.T, id int) string {
	t.Helper()
	q := `SELECT webhook_secret FROM notification_transports WHERE id = $1`
	if b.db.Dialect == "sqlite3" {
		q = `SELECT webhook_secret FROM notification_transports WHERE id = ?`
	}
	var stored string
	require.NoError(t, b.db.SQL.QueryRowContext(systemContext(t), q, id).Scan(&stored))
	return stored
}

// requireUnreadable checks that the delivery of args failed before any
// call, marking transport id with the unreadable-secret error.
func (b *notifyBundle) requireUnreadable(t *testing.T, recv *receiver, id int) {
	t.Helper()
	require.Empty(t, recv.got(), "never sent unsigned")
	marked, err := b.db.Ent.NotificationTransport.Get(systemContext(t), id)
	require.NoError(t, err)
	require.True(t, marked.Failing)
	require.Equal(t, "the webhook secret cannot be opened (was GATEHOUSE_SECRET_KEY changed?): set it again", marked.LastError)
}

func TestNotifyWebhookSecretSealedAtRest(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := notifySetup(t, d, true)
			recv := newReceiver(t)
			hook := b.transport(t, enum.NotificationTransportModeWebhook, recv.URL, true)
			stored := b.storedSecret(t, hook.ID)
			require.NotEmpty(t, stored)
			require.NotContains(t, stored, "hook-secret", "the database never holds the secret readable")
			ctx := systemContext(t)

			// A sealed secret copied to another transport does not open there.
			other := b.transport(t, enum.NotificationTransportModeWebhook, recv.URL, true)
			other, err := b.db.Ent.NotificationTransport.UpdateOne(other).SetWebhookSecret(stored).Save(ctx)
			require.NoError(t, err)
			args := only(t, b.match(t, b.loginFailed(t, "192.0.2.7")), other)
			require.ErrorIs(t, b.deliverAttempt(ctx, args, 1), notify.ErrSecretUnreadable)
			b.requireUnreadable(t, recv, other.ID)

			// Its own transport opens it and signs with it.
			args = only(t, b.match(t, b.loginFailed(t, "192.0.2.8")), hook)
			require.NoError(t, b.deliverAttempt(ctx, args, 1))
			calls := recv.got()
			require.Len(t, calls, 1)
			require.Equal(t, notify.Sign("hook-secret", calls[0].body), calls[0].signature)
		})
	}
}

func TestNotifyWebhookSecretUnreadableAfterKeyChange(t *testing.T) {
	t.Parallel()
	b := notifySetup(t, servicetest.Dialects[0], true)
	recv := newReceiver(t)
	hook := b.transport(t, enum.NotificationTransportModeWebhook, recv.URL, true)
	var logs logBuffer
	b.deliver = jobs.NewNotifyDeliverWorker(jobs.Deps{
		Ent: b.db.Ent, Logger: slog.New(slog.NewTextHandler(&logs, nil)), Notify: jobs.NotifyDeps{
			Queue: b.queue, Webhooks: notify.NewWebhookClient(true),
			Secrets: seal.NewKeys("another secret key, 32 characters or more"),
		},
	})
	ctx := systemContext(t)
	args := only(t, b.match(t, b.loginFailed(t, "192.0.2.7")), hook)
	err := b.deliverAttempt(ctx, args, 1)
	require.ErrorIs(t, err, notify.ErrSecretUnreadable, "the attempt fails, so River retries (the secret may be set again)")
	require.NotContains(t, err.Error(), "hook-secret")
	b.requireUnreadable(t, recv, hook.ID)
	require.NotContains(t, logs.take(), "hook-secret")

	// Without any secret key, likewise: nothing goes out unsigned.
	b.deliver = jobs.NewNotifyDeliverWorker(jobs.Deps{
		Ent: b.db.Ent, Notify: jobs.NotifyDeps{Queue: b.queue, Webhooks: notify.NewWebhookClient(true)},
	})
	require.ErrorIs(t, b.deliverAttempt(ctx, args, 2), notify.ErrSecretUnreadable)
	require.Empty(t, recv.got())
}

func TestNotifyWebhookWithoutSecretIsUnsigned(t *testing.T) {
	t.Parallel()
	b := notifySetup(t, servicetest.Dialects[0], true)
	recv := newReceiver(t)
	hook := b.transport(t, enum.NotificationTransportModeWebhook, recv.URL, true)
	ctx := systemContext(t)
	hook, err := b.db.Ent.NotificationTransport.UpdateOne(hook).SetWebhookSecret("").Save(ctx)
	require.NoError(t, err)
	require.Empty(t, hook.WebhookSecret)
	args := only(t, b.match(t, b.loginFailed(t, "192.0.2.7")), hook)
	require.NoError(t, b.deliverAttempt(ctx, args, 1))
	calls := recv.got()
	require.Len(t, calls, 1)
	require.Empty(t, calls[0].signature, "no secret, no signature header")
	require.Equal(t, notify.DeliveryID(args.EventID, hook.ID, 0), calls[0].delivery)
}
