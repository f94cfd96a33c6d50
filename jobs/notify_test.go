package jobs_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/jobs"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
	"github.com/gatehouse-id/gatehouse/notify"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/policy/builtin"
	"github.com/gatehouse-id/gatehouse/seal"
)

// receiver is a webhook endpoint that records every call and answers
// with the statuses it is given (200 once they run out).
type receiver struct {
	*httptest.Server

	mu       sync.Mutex
	calls    []call
	statuses []int
	// hold, when set, makes the next call wait for release before
	// answering, after signalling held.
	hold    bool
	held    chan struct{}
	release chan struct{}
}

// call is one request the receiver got.
type call struct {
	body      []byte
	signature string
	delivery  string
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	t.Helper()
	r := &receiver{statuses: statuses, held: make(chan struct{}, 1), release: make(chan struct{})}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		hold := r.hold
		r.hold = false
		status := http.StatusOK
		if len(r.statuses) > 0 {
			status, r.statuses = r.statuses[0], r.statuses[1:]
		}
		r.mu.Unlock()
		if hold {
			r.held <- struct{}{}
			select {
			case <-r.release:
			case <-req.Context().Done():
			}
			return // never answered: the caller gave up
		}
		r.mu.Lock()
		r.calls = append(r.calls, call{body: body, signature: req.Header.Get(notify.HeaderSignature), delivery: req.Header.Get(notify.HeaderDelivery)})
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

// got returns the calls answered so far.
func (r *receiver) got() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]call(nil), r.calls...)
}

// notifyBundle is a rule with transports, a group of two members and the
// workers, on one test database.
type notifyBundle struct {
	*testBundle

	queue   *jobs.Queue
	group   *ent.Group
	members []*ent.User
	rule    *ent.NotificationRule
	event   *jobs.NotifyEventWorker
	deliver *jobs.NotifyDeliverWorker
}

// notifySetup builds a notifyBundle whose webhooks may reach loopback
// (the receivers) when allowPrivate is set.
func notifySetup(t *testing.T, d string, allowPrivate bool) *notifyBundle {
	t.Helper()
	b := setup(t, d)
	ctx := systemContext(t)
	queue, err := jobs.NewQueue(b.db, seal.NewKeys(testSecretKey), nil)
	require.NoError(t, err)
	group, err := b.db.Ent.Group.Create().SetName("admins").Save(ctx)
	require.NoError(t, err)
	child, err := b.db.Ent.Group.Create().SetName("night shift").AddParents(group).Save(ctx)
	require.NoError(t, err)
	ann, err := b.db.Ent.User.Create().SetUsername("ann").SetEmail("ann@example.com").AddGroups(group).Save(ctx)
	require.NoError(t, err)
	bob, err := b.db.Ent.User.Create().SetUsername("bob").SetEmail("bob@example.com").AddGroups(child).Save(ctx)
	require.NoError(t, err)
	_, err = b.db.Ent.User.Create().SetUsername("gone").SetEmail("gone@example.com").SetIsActive(false).AddGroups(group).Save(ctx)
	require.NoError(t, err)
	rule, err := b.db.Ent.NotificationRule.Create().SetName("failed logins from outside").
		SetSeverity(enum.NotificationSeverityAlert).SetDestinationGroup(group).
		SetPolicyEngineMode(enum.PolicyEngineModeAll).Save(ctx)
	require.NoError(t, err)
	failed, err := b.db.Ent.PolicyDefinition.Create().SetName("failed login").SetKind("event_matcher").
		SetConfig(json.RawMessage(`{"action": "login_failed"}`)).Save(ctx)
	require.NoError(t, err)
	inside, err := b.db.Ent.PolicyDefinition.Create().SetName("inside").SetKind("event_matcher").
		SetConfig(json.RawMessage(`{"client_ip": "10.0.0.0/8"}`)).Save(ctx)
	require.NoError(t, err)
	_, err = b.db.Ent.PolicyBinding.Create().SetNotificationRule(rule).SetPolicy(failed).Save(ctx)
	require.NoError(t, err)
	_, err = b.db.Ent.PolicyBinding.Create().SetNotificationRule(rule).SetPolicy(inside).SetNegate(true).Save(ctx)
	require.NoError(t, err)
	deps := jobs.Deps{Ent: b.db.Ent, Notify: jobs.NotifyDeps{
		Policies: builtin.All(), PolicyDeps: policy.Deps{}, Queue: queue,
		Webhooks: notify.NewWebhookClient(allowPrivate), Secrets: seal.NewKeys(testSecretKey),
	}}
	return &notifyBundle{
		testBundle: b, queue: queue, group: group, members: []*ent.User{ann, bob}, rule: rule,
		event: jobs.NewNotifyEventWorker(deps), deliver: jobs.NewNotifyDeliverWorker(deps),
	}
}

// transport creates a transport on the bundle's rule, with the webhook
// secret "hook-secret" sealed as the API seals it.
func (b *notifyBundle) transport(t *testing.T, mode enum.NotificationTransportMode, url string, sendOnce bool) *ent.NotificationTransport {
	t.Helper()
	binding := notify.NewSecretBinding()
	tr, err := b.db.Ent.NotificationTransport.Create().SetName(string(mode) + servicetest.UniqueName("-")).SetMode(mode).
		SetWebhookURL(url).SetSecretBinding(binding).SetWebhookSecret(sealSecret(t, testSecretKey, binding, "hook-secret")).
		SetSendOnce(sendOnce).SetWebhookTimeout(5).
		AddRules(b.rule).Save(systemContext(t))
	require.NoError(t, err)
	return tr
}

// sealSecret returns secret sealed under secretKey for the transport whose
// secret_binding is binding.
func sealSecret(t *testing.T, secretKey, binding, secret string) string {
	t.Helper()
	secrets, err := notify.NewSecrets(seal.NewKeys(secretKey))
	require.NoError(t, err)
	sealed, err := secrets.Seal(binding, secret)
	require.NoError(t, err)
	return sealed
}

// loginFailed records a failed login of "mallory" from ip and returns it.
func (b *notifyBundle) loginFailed(t *testing.T, ip string) *ent.Event {
	t.Helper()
	ev, err := b.db.Ent.Event.Create().SetAction(enum.EventActionLoginFailed).SetApp("executor").SetClientIP(ip).
		SetContext(map[string]any{"username": "mallory", "flow": "default-authentication-flow"}).
		SetExpires(time.Now().Add(time.Hour)).Save(systemContext(t))
	require.NoError(t, err)
	return ev
}

// match works the NotifyEvent of ev and returns the deliveries it queued.
func (b *notifyBundle) match(t *testing.T, ev *ent.Event) []jobargs.NotifyDeliver {
	t.Helper()
	ctx := systemContext(t)
	require.NoError(t, b.event.Work(ctx, &river.Job[jobargs.NotifyEvent]{
		JobRow: &rivertype.JobRow{ID: 1, Attempt: 1, Kind: jobargs.KindNotifyEvent}, Args: jobargs.NotifyEvent{EventID: ev.ID},
	}))
	q := "SELECT args FROM river_job WHERE kind = 'notify_deliver' AND (args->>'event_id')::bigint = $1 ORDER BY id"
	if b.db.Dialect == "sqlite3" {
		q = "SELECT json(args) FROM river_job WHERE kind = 'notify_deliver' AND json_extract(args, '$.event_id') = ? ORDER BY id"
	}
	rows, err := b.db.SQL.QueryContext(ctx, q, ev.ID)
	require.NoError(t, err)
	defer rows.Close()
	var out []jobargs.NotifyDeliver
	for rows.Next() {
		var raw []byte
		require.NoError(t, rows.Scan(&raw))
		var a jobargs.NotifyDeliver
		require.NoError(t, json.Unmarshal(raw, &a))
		out = append(out, a)
	}
	require.NoError(t, rows.Err())
	return out
}

// deliver works one attempt of a delivery, as River would.
func (b *notifyBundle) deliverAttempt(ctx context.Context, a jobargs.NotifyDeliver, attempt int) error {
	return b.deliver.Work(ctx, &river.Job[jobargs.NotifyDeliver]{
		JobRow: &rivertype.JobRow{ID: 1, Attempt: attempt, Kind: jobargs.KindNotifyDeliver}, Args: a,
	})
}

func TestNotifyMatchesAndQueuesOneDeliveryPerRecipient(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := notifySetup(t, d, false)
			hook := b.transport(t, enum.NotificationTransportModeWebhook, "https://hooks.example.com/x", true)
			perMember := b.transport(t, enum.NotificationTransportModeWebhook, "https://hooks.example.com/y", false)
			mail := b.transport(t, enum.NotificationTransportModeEmail, "", true)
			local := b.transport(t, enum.NotificationTransportModeLocal, "", false)

			got := b.match(t, b.loginFailed(t, "192.0.2.7"))
			want := map[[2]int]bool{{hook.ID, 0}: true}
			for _, m := range b.members {
				want[[2]int{perMember.ID, m.ID}] = true
				want[[2]int{mail.ID, m.ID}] = true // send_once does not merge mails
				want[[2]int{local.ID, m.ID}] = true
			}
			have := map[[2]int]bool{}
			for _, a := range got {
				require.Equal(t, b.rule.ID, a.RuleID)
				have[[2]int{a.TransportID, a.UserID}] = true
			}
			require.Equal(t, want, have, "every active member (child groups included), once; the webhook with send_once once")
			require.Len(t, got, len(want))

			require.Empty(t, b.match(t, b.loginFailed(t, "10.1.2.3")), "inside 10.0.0.0/8: the negated binding fails")
			ok, err := b.db.Ent.Event.Create().SetAction(enum.EventActionLogin).SetClientIP("192.0.2.7").
				SetExpires(time.Now().Add(time.Hour)).Save(systemContext(t))
			require.NoError(t, err)
			require.Empty(t, b.match(t, ok), "another action")

			// A second rule matching the same event through the same
			// transport adds no delivery: once per event and transport.
			again, err := b.db.Ent.NotificationRule.Create().SetName("everything").AddTransports(hook).Save(systemContext(t))
			require.NoError(t, err)
			anything, err := b.db.Ent.PolicyDefinition.Create().SetName("any event").SetKind("event_matcher").
				SetConfig(json.RawMessage(`{}`)).Save(systemContext(t))
			require.NoError(t, err)
			_, err = b.db.Ent.PolicyBinding.Create().SetNotificationRule(again).SetPolicy(anything).Save(systemContext(t))
			require.NoError(t, err)
			ev := b.loginFailed(t, "192.0.2.8")
			require.Len(t, b.match(t, ev), len(want))
		})
	}
}

func TestNotifyRuleWithoutBindingsMatchesNothing(t *testing.T) {
	t.Parallel()
	b := notifySetup(t, servicetest.Dialects[0], false)
	ctx := systemContext(t)
	b.transport(t, enum.NotificationTransportModeLocal, "", false)
	_, err := b.db.Ent.PolicyBinding.Delete().Exec(ctx)
	require.NoError(t, err)
	require.Empty(t, b.match(t, b.loginFailed(t, "192.0.2.7")))
}

// The mails a notification sends record EMAIL_SENT events, which a rule
// matching every event would notify again, forever: they are never
// notified.
func TestNotifyCannotLoop(t *testing.T) {
	t.Parallel()
	b := notifySetup(t, servicetest.Dialects[0], false)
	ctx := systemContext(t)
	everything, err := b.db.Ent.NotificationRule.Create().SetName("everything").SetDestinationGroup(b.group).Save(ctx)
	require.NoError(t, err)
	mail, err := b.db.Ent.NotificationTransport.Create().SetName("mail").SetMode(enum.NotificationTransportModeEmail).
		AddRules(everything).Save(ctx)
	require.NoError(t, err)
	anything, err := b.db.Ent.PolicyDefinition.Create().SetName("any event").SetKind("event_matcher").SetConfig(json.RawMessage(`{}`)).Save(ctx)
	require.NoError(t, err)
	_, err = b.db.Ent.PolicyBinding.Create().SetNotificationRule(everything).SetPolicy(anything).Save(ctx)
	require.NoError(t, err)

	sent, err := b.db.Ent.Event.Create().SetAction(enum.EventActionEmailSent).
		SetContext(map[string]any{"template": jobargs.TemplateNotification, "to": "ann@example.com"}).
		SetExpires(time.Now().Add(time.Hour)).Save(ctx)
	require.NoError(t, err)
	require.False(t, notify.Notifiable(sent))
	require.Empty(t, b.match(t, sent), "a notification mail's EMAIL_SENT is never notified")
	other, err := b.db.Ent.Event.Create().SetAction(enum.EventActionEmailSent).
		SetContext(map[string]any{"template": jobargs.TemplateRecovery}).SetExpires(time.Now().Add(time.Hour)).Save(ctx)
	require.NoError(t, err)
	got := b.match(t, other)
	require.Len(t, got, len(b.members), "other mails are events like any")
	require.Equal(t, mail.ID, got[0].TransportID)
}

// enqueue queues the NotifyEvent of ev, as the audit recorder does.
func (b *notifyBundle) enqueue(t *testing.T, ev *ent.Event) {
	t.Helper()
	ctx := systemContext(t)
	tx, err := b.db.Ent.Tx(ctx)
	require.NoError(t, err)
	require.NoError(t, b.queue.EnqueueNotifyTx(ctx, tx, jobargs.NotifyEvent{EventID: ev.ID}))
	require.NoError(t, tx.Commit())
}
