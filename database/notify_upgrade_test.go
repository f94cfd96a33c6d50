package database_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/notificationtransport"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

// TestUpgradeKeepsNotificationRules upgrades a database written before
// webhook secrets were sealed and notifications expired: every rule keeps
// its transports (on SQLite the migration must not rebuild
// notification_transports, which notification_rule_transports
// references), each transport gets a binding of its own, a plaintext
// secret is replaced by one that does not open, and each notification
// expires with its event (or a year after it was stored, its event gone).
func TestUpgradeKeepsNotificationRules(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx := viewer.SystemContext(context.Background())
			db := databaseBefore(t, d, "_notify_seal_retention.up.sql")

			now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			for _, tr := range []struct{ name, mode, secret string }{{"siem", "webhook", "plaintext"}, {"mail", "email", ""}} {
				_, err := exec(t, db, "INSERT INTO notification_transports (created_at, updated_at, name, mode, webhook_url, webhook_secret) VALUES ($1, $2, $3, $4, $5, $6)",
					now, now, tr.name, tr.mode, "https://siem.example.com/in", tr.secret)
				require.NoError(t, err)
			}
			_, err := exec(t, db, "INSERT INTO notification_rules (created_at, updated_at, name) VALUES ($1, $2, $3)", now, now, "failed logins")
			require.NoError(t, err)
			_, err = exec(t, db, "INSERT INTO notification_rule_transports (notification_rule_id, notification_transport_id) SELECT r.id, t.id FROM notification_rules r, notification_transports t")
			require.NoError(t, err)
			user := insertUser(t, db, "ops", "ops@example.com")
			eventExpires := now.Add(90 * 24 * time.Hour)
			_, err = exec(t, db, "INSERT INTO events (action, context, created_at, expires) VALUES ($1, $2, $3, $4)", "login_failed", "{}", now, eventExpires)
			require.NoError(t, err)
			var eventID int
			require.NoError(t, db.SQL.QueryRowContext(ctx, "SELECT id FROM events").Scan(&eventID))
			for key, event := range map[string]int{"kept": eventID, "orphan": eventID + 1000} {
				_, err = exec(t, db, `INSERT INTO notifications (key, event_id, rule, severity, action, body, event, created_at, user_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
					key, event, "failed logins", "warning", "login_failed", "LOGIN_FAILED by admin", "{}", now, user)
				require.NoError(t, err)
			}

			require.NoError(t, db.Migrate(ctx))

			rule, err := db.Ent.NotificationRule.Query().WithTransports().Only(ctx)
			require.NoError(t, err)
			require.Len(t, rule.Edges.Transports, 2, "the rule keeps both transports")
			siem := db.Ent.NotificationTransport.Query().Where(notificationtransport.Name("siem")).OnlyX(ctx)
			mail := db.Ent.NotificationTransport.Query().Where(notificationtransport.Name("mail")).OnlyX(ctx)
			require.NotEmpty(t, siem.SecretBinding)
			require.NotEmpty(t, mail.SecretBinding)
			require.NotEqual(t, siem.SecretBinding, mail.SecretBinding)
			require.Equal(t, "plaintext-removed", siem.WebhookSecret, "the plaintext is gone")
			require.Empty(t, mail.WebhookSecret)

			notifications := db.Ent.Notification.Query().AllX(ctx)
			require.Len(t, notifications, 2)
			for _, n := range notifications {
				want := eventExpires
				if n.EventID != eventID {
					want = now.AddDate(0, 0, 365)
				}
				require.True(t, want.Equal(n.Expires), "notification of event %d expires %s, not %s", n.EventID, n.Expires, want)
			}
		})
	}
}
