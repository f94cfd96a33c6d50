package jobs_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/notification"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/internal/smtptest"
	"github.com/gatehouse-id/gatehouse/jobs"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
	"github.com/gatehouse-id/gatehouse/notify"
	"github.com/gatehouse-id/gatehouse/policy/builtin"
	"github.com/gatehouse-id/gatehouse/seal"
)

// only returns the single delivery of transport t among got.
func only(t *testing.T, got []jobargs.NotifyDeliver, transport *ent.NotificationTransport) jobargs.NotifyDeliver {
	t.Helper()
	var out []jobargs.NotifyDeliver
	for _, a := range got {
		if a.TransportID == transport.ID {
			out = append(out, a)
		}
	}
	require.Len(t, out, 1)
	return out[0]
}

func TestNotifyWebhookSignedAndRetriedWithTheSameDelivery(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := notifySetup(t, d, true)
			recv := newReceiver(t, http.StatusInternalServerError)
			hook := b.transport(t, enum.NotificationTransportModeWebhook, recv.URL+"/hook", true)
			ev := b.loginFailed(t, "192.0.2.7")
			args := only(t, b.match(t, ev), hook)
			ctx := systemContext(t)

			require.Error(t, b.deliverAttempt(ctx, args, 1), "a 500 fails the attempt, so River retries")
			failing, err := b.db.Ent.NotificationTransport.Get(ctx, hook.ID)
			require.NoError(t, err)
			require.True(t, failing.Failing)
			require.Equal(t, "webhook answered HTTP 500", failing.LastError)
			require.NotNil(t, failing.LastFailureAt)
			require.LessOrEqual(t, jobs.NotifyRetryDelay(1), 30*time.Second, "the first retry comes within 30 s")

			require.NoError(t, b.deliverAttempt(ctx, args, 2))
			require.NoError(t, b.deliverAttempt(ctx, args, 3), "a retry after success sends nothing")
			calls := recv.got()
			require.Len(t, calls, 2)
			require.Equal(t, calls[0].delivery, calls[1].delivery, "the delivery ID is stable across retries")
			require.Equal(t, notify.DeliveryID(ev.ID, hook.ID, 0), calls[0].delivery)
			for _, c := range calls {
				require.Equal(t, notify.Sign("hook-secret", c.body), c.signature, "HMAC-SHA256 of the raw body under the secret")
				require.True(t, strings.HasPrefix(c.signature, "sha256="))
			}
			var body struct {
				Event struct {
					Action, Username, ClientIP, CreatedAt string
					Context                               map[string]any
				}
				Rule, Severity string
			}
			require.NoError(t, json.Unmarshal(calls[1].body, &body))
			require.Equal(t, "LOGIN_FAILED", body.Event.Action)
			require.Equal(t, "mallory", body.Event.Username, "the typed identifier of a failed login")
			require.Equal(t, "192.0.2.7", body.Event.ClientIP)
			require.Equal(t, "default-authentication-flow", body.Event.Context["flow"])
			_, err = time.Parse(time.RFC3339Nano, body.Event.CreatedAt)
			require.NoError(t, err)
			require.Equal(t, "failed logins from outside", body.Rule)
			require.Equal(t, "ALERT", body.Severity)

			cleared, err := b.db.Ent.NotificationTransport.Get(ctx, hook.ID)
			require.NoError(t, err)
			require.False(t, cleared.Failing, "a success clears failing")
		})
	}
}

func TestNotifyWebhookKilledMidSendSendsOnce(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := notifySetup(t, d, true)
			recv := newReceiver(t)
			hook := b.transport(t, enum.NotificationTransportModeWebhook, recv.URL, true)
			args := only(t, b.match(t, b.loginFailed(t, "192.0.2.7")), hook)
			ctx := systemContext(t)

			// The worker is killed while the receiver holds the request:
			// it never answered, so the retry must call again.
			recv.mu.Lock()
			recv.hold = true
			recv.mu.Unlock()
			killCtx, kill := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- b.deliverAttempt(killCtx, args, 1) }()
			select {
			case <-recv.held:
			case <-time.After(30 * time.Second):
				t.Fatal("the call never reached the receiver")
			}
			kill()
			require.Error(t, <-done, "the killed attempt fails, so River retries")
			close(recv.release)
			require.Empty(t, recv.got())

			require.NoError(t, b.deliverAttempt(ctx, args, 2))
			require.NoError(t, b.deliverAttempt(ctx, args, 3), "a retry after the call went out sends nothing")
			require.Len(t, recv.got(), 1, "one answered call across every attempt")
		})
	}
}

func TestNotifyWebhookRefusesPrivateTargetsAndForeignRedirects(t *testing.T) {
	t.Parallel()
	b := notifySetup(t, servicetest.Dialects[0], false)
	recv := newReceiver(t)
	hook := b.transport(t, enum.NotificationTransportModeWebhook, recv.URL, true)
	args := only(t, b.match(t, b.loginFailed(t, "192.0.2.7")), hook)
	ctx := systemContext(t)
	require.Error(t, b.deliverAttempt(ctx, args, 1))
	require.Empty(t, recv.got(), "loopback is refused by default")
	marked, err := b.db.Ent.NotificationTransport.Get(ctx, hook.ID)
	require.NoError(t, err)
	require.True(t, marked.Failing)
	require.Contains(t, marked.LastError, "loopback, private or link-local")
	require.Contains(t, marked.LastError, "GATEHOUSE_WEBHOOK_ALLOW_PRIVATE")
	require.NotContains(t, marked.LastError, recv.URL, "no URL in the error (it may carry a token)")

	// Allowed explicitly, a redirect to another host is still not followed.
	open := notifySetup(t, servicetest.Dialects[0], true)
	elsewhere := newReceiver(t)
	redirect := newReceiver(t)
	redirect.Config.Handler = http.RedirectHandler(elsewhere.URL+"/stolen", http.StatusTemporaryRedirect)
	moved := open.transport(t, enum.NotificationTransportModeWebhook, redirect.URL, true)
	args = only(t, open.match(t, open.loginFailed(t, "192.0.2.7")), moved)
	require.Error(t, open.deliverAttempt(ctx, args, 1))
	require.Empty(t, elsewhere.got(), "the other host is never called")
	marked, err = open.db.Ent.NotificationTransport.Get(ctx, moved.ID)
	require.NoError(t, err)
	require.Equal(t, "webhook call failed: "+notify.ErrRedirectElsewhere.Error(), marked.LastError)
}

func TestNotifyWebhookMapping(t *testing.T) {
	t.Parallel()
	b := notifySetup(t, servicetest.Dialects[0], true)
	recv := newReceiver(t)
	hook := b.transport(t, enum.NotificationTransportModeWebhook, recv.URL, true)
	ctx := systemContext(t)
	_, err := b.db.Ent.NotificationTransport.UpdateOne(hook).
		SetWebhookMapping(`{"text": body.rule + ": " + body.event.action + " by " + body.event.username}`).Save(ctx)
	require.NoError(t, err)
	args := only(t, b.match(t, b.loginFailed(t, "192.0.2.7")), hook)
	require.NoError(t, b.deliverAttempt(ctx, args, 1))
	calls := recv.got()
	require.Len(t, calls, 1)
	require.JSONEq(t, `{"text": "failed logins from outside: LOGIN_FAILED by mallory"}`, string(calls[0].body))
	require.Equal(t, notify.Sign("hook-secret", calls[0].body), calls[0].signature, "the mapped body is what is signed")
}

func TestNotifyLocalStoresOneNotificationPerMember(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := notifySetup(t, d, false)
			local := b.transport(t, enum.NotificationTransportModeLocal, "", false)
			ctx := systemContext(t)
			ev, err := b.db.Ent.Event.Create().SetAction(enum.EventActionLoginFailed).SetClientIP("192.0.2.7").
				SetContext(map[string]any{"username": "mallory", "password": "hunter2", "nested": map[string]any{"otp_code": "123456", "ok": "yes"}}).
				SetExpires(time.Now().Add(time.Hour)).Save(ctx)
			require.NoError(t, err)
			got := b.match(t, ev)
			require.Len(t, got, 2)
			for _, a := range got {
				require.Equal(t, local.ID, a.TransportID)
				require.NoError(t, b.deliverAttempt(ctx, a, 1))
				require.NoError(t, b.deliverAttempt(ctx, a, 2), "a second attempt stores nothing more")
			}
			stored, err := b.db.Ent.Notification.Query().Order(notification.ByUserID()).All(ctx)
			require.NoError(t, err)
			require.Len(t, stored, 2)
			for i, n := range stored {
				require.Equal(t, b.members[i].ID, n.UserID)
				require.Equal(t, "failed logins from outside", n.Rule)
				require.Equal(t, enum.NotificationSeverityAlert, n.Severity)
				require.Equal(t, "LOGIN_FAILED by mallory from 192.0.2.7", n.Body)
				require.WithinDuration(t, ev.Expires, n.Expires, time.Millisecond, "a notification expires with its event")
				raw, err := json.Marshal(n.Event)
				require.NoError(t, err)
				require.NotContains(t, string(raw), "hunter2", "keys naming secrets are never copied")
				require.NotContains(t, string(raw), "123456")
				require.Contains(t, string(raw), `"ok":"yes"`)
			}
		})
	}
}

func TestNotifyEmailOneMailPerMember(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := notifySetup(t, d, false)
			peer := smtptest.Start(t)
			b.transport(t, enum.NotificationTransportModeEmail, "", true)
			_, err := b.db.Ent.Brand.Create().SetDomain("login.example.com").SetIsDefault(true).SetBrandingTitle("Acme").Save(systemContext(t))
			require.NoError(t, err)
			var runner *jobs.Runner
			runner, err = jobs.Start(t.Context(), jobs.Config{
				DB: b.db, CleanupInterval: time.Hour, Auditor: recorder{},
				Mail:   jobs.MailDeps{Sender: smtpSender(t, peer), Secrets: seal.NewKeys(testSecretKey), MessageIDDomain: "login.example.com"},
				Notify: jobs.NotifyDeps{Policies: builtin.All(), Queue: b.queue},
			})
			require.NoError(t, err)
			t.Cleanup(func() { require.NoError(t, runner.Stop(context.Background())) })
			ev := b.loginFailed(t, "192.0.2.7")
			b.enqueue(t, ev)

			var to []string
			for range b.members {
				m := peer.Next(t, 30*time.Second)
				to = append(to, m.To...)
				require.Equal(t, "Acme notification", m.Subject)
				require.Contains(t, m.Text, `"failed logins from outside" (alert) matched`)
				require.Contains(t, m.Text, "LOGIN_FAILED by mallory from 192.0.2.7")
				require.Contains(t, m.HTML, "LOGIN_FAILED by mallory from 192.0.2.7")
			}
			require.ElementsMatch(t, []string{"ann@example.com", "bob@example.com"}, to, "one mail per active member")
		})
	}
}
