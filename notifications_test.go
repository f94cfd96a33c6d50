package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/bootstrap"
	entevent "github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/notify"
)

// hookCall is one request a test webhook received.
type hookCall struct {
	body      []byte
	signature string
	delivery  string
}

// webhookReceiver records the calls of a webhook; calls carries each.
func webhookReceiver(t *testing.T) (*httptest.Server, <-chan hookCall) {
	t.Helper()
	calls := make(chan hookCall, 16)
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		calls <- hookCall{body: body, signature: r.Header.Get(notify.HeaderSignature), delivery: r.Header.Get(notify.HeaderDelivery)}
	}))
	t.Cleanup(srv.Close)
	return srv, calls
}

// The issue's "done when", through the API: a rule "failed logins from
// outside 10.0.0.0/8 → webhook + email to the admins group", created
// through GraphQL; a failed login through the flow API from outside
// triggers exactly one signed webhook call and one mail per member with an
// address; one from 10.1.2.3 (behind a trusted proxy) triggers none.
func TestFailedLoginNotifiesByWebhookAndMail(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		env := newServerEnv(t, backend)
		peer := withMail(t, env)
		env["GATEHOUSE_WEBHOOK_ALLOW_PRIVATE"] = "true" // the receiver is on loopback
		env["GATEHOUSE_TRUSTED_PROXIES"] = "127.0.0.0/8"
		s := newTestServer(t, env)
		s.startWorker()
		hook, calls := webhookReceiver(t)

		admin := s.browser()
		require.True(t, admin.login("admin", adminPassword).Completed)
		var groups struct {
			Groups struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		admin.must(`query($n: String!) { groups(where: {name: $n}) { edges { node { id } } } }`, map[string]any{"n": bootstrap.AdminsGroup}, &groups)
		adminsID := groups.Groups.Edges[0].Node.ID
		admin.must(`mutation($g: ID!) { createUser(input: {username: "ops", email: "ops@example.com", groupIDs: [$g]}) { id } }`,
			map[string]any{"g": adminsID}, nil)

		var hookOut, mailOut struct{ CreateNotificationTransport struct{ ID string } }
		admin.must(`mutation($u: String!) { createNotificationTransport(input: {name: "siem", mode: WEBHOOK, webhookUrl: $u, webhookSecret: "whsec", sendOnce: true}) { id } }`,
			map[string]any{"u": hook.URL + "/gatehouse"}, &hookOut)
		admin.must(`mutation { createNotificationTransport(input: {name: "mail", mode: EMAIL}) { id } }`, nil, &mailOut)
		var rule struct{ CreateNotificationRule struct{ ID string } }
		admin.must(`mutation($g: ID!, $t: [ID!]) { createNotificationRule(input: {name: "failed logins from outside", severity: WARNING,
			destinationGroupID: $g, transportIDs: $t, policyEngineMode: ALL}) { id } }`,
			map[string]any{"g": adminsID, "t": []string{hookOut.CreateNotificationTransport.ID, mailOut.CreateNotificationTransport.ID}}, &rule)
		var failed, inside struct{ CreatePolicy struct{ ID string } }
		admin.must(`mutation { createPolicy(input: {name: "failed login", config: {eventMatcher: {action: LOGIN_FAILED}}}) { id } }`, nil, &failed)
		admin.must(`mutation { createPolicy(input: {name: "inside", config: {eventMatcher: {clientIp: "10.0.0.0/8"}}}) { id } }`, nil, &inside)
		for _, b := range []map[string]any{
			{"notificationRuleID": rule.CreateNotificationRule.ID, "policyID": failed.CreatePolicy.ID},
			{"notificationRuleID": rule.CreateNotificationRule.ID, "policyID": inside.CreatePolicy.ID, "negate": true},
		} {
			admin.must(`mutation($in: CreatePolicyBindingInput!) { createPolicyBinding(input: $in) { id } }`, map[string]any{"in": b}, nil)
		}

		// From inside 10.0.0.0/8: nothing. Its matching is awaited
		// (the NotifyEvent job completes) before anything is asserted.
		office := s.headless()
		office.header.Set("X-Forwarded-For", "10.1.2.3")
		require.False(t, office.login("admin", "wrong password").Completed)
		insideEvent := s.awaitMatched(t, "10.1.2.3")
		require.Zero(t, s.deliveries(t, insideEvent), "no delivery for a failed login from 10.1.2.3")

		outsider := s.headless()
		outsider.header.Set("X-Forwarded-For", "203.0.113.9")
		require.False(t, outsider.login("admin", "wrong password").Completed)

		var got hookCall
		select {
		case got = <-calls:
		case <-time.After(time.Minute):
			t.Fatal("no webhook call")
		}
		require.Equal(t, notify.Sign("whsec", got.body), got.signature)
		require.NotEmpty(t, got.delivery)
		var body struct {
			Event struct {
				Action, Username, ClientIP string
				Context                    map[string]any
			}
			Rule, Severity string
		}
		require.NoError(t, json.Unmarshal(got.body, &body))
		require.Equal(t, "LOGIN_FAILED", body.Event.Action)
		require.Equal(t, "admin", body.Event.Username)
		require.Equal(t, "203.0.113.9", body.Event.ClientIP)
		require.Equal(t, "failed logins from outside", body.Rule)
		require.Equal(t, "WARNING", body.Severity)
		require.NotContains(t, string(got.body), "wrong password", "the password typed is never sent")

		m := peer.Next(t, time.Minute)
		require.Equal(t, []string{"ops@example.com"}, m.To, "the one member with an address")
		require.Contains(t, m.Text, "LOGIN_FAILED by admin from 203.0.113.9")
		require.NotContains(t, m.Text, "wrong password")

		outsideEvent := s.awaitMatched(t, "203.0.113.9")
		require.Equal(t, 3, s.deliveries(t, outsideEvent), "one webhook call (send_once) and one mail delivery per member (admin has no address: none sent)")
		peer.RequireNone(t)
		select {
		case extra := <-calls:
			t.Fatalf("a second webhook call: %s", extra.body)
		default:
		}
	})
}

// awaitMatched waits until the LOGIN_FAILED event from ip has been matched
// against the rules (its notify_event job completed) and returns its ID.
func (s *testServer) awaitMatched(t *testing.T, ip string) int {
	t.Helper()
	ctx := viewer.SystemContext(t.Context())
	var id int
	require.Eventually(t, func() bool {
		ev, err := s.app.db.Ent.Event.Query().Where(entevent.ActionEQ(enum.EventActionLoginFailed), entevent.ClientIP(ip)).Only(ctx)
		if err != nil {
			return false
		}
		id = ev.ID
		q := "SELECT count(*) FROM river_job WHERE kind = 'notify_event' AND state = 'completed' AND (args->>'event_id')::bigint = $1"
		if s.app.db.Dialect == "sqlite3" {
			q = "SELECT count(*) FROM river_job WHERE kind = 'notify_event' AND state = 'completed' AND json_extract(args, '$.event_id') = ?"
		}
		var n int
		return s.app.db.SQL.QueryRowContext(ctx, q, id).Scan(&n) == nil && n == 1
	}, time.Minute, 20*time.Millisecond, "the event from %s is matched", ip)
	return id
}

// deliveries counts the deliveries queued for event id.
func (s *testServer) deliveries(t *testing.T, id int) int {
	t.Helper()
	q := "SELECT count(*) FROM river_job WHERE kind = 'notify_deliver' AND (args->>'event_id')::bigint = $1"
	if s.app.db.Dialect == "sqlite3" {
		q = "SELECT count(*) FROM river_job WHERE kind = 'notify_deliver' AND json_extract(args, '$.event_id') = ?"
	}
	var n int
	require.NoError(t, s.app.db.SQL.QueryRowContext(t.Context(), q, id).Scan(&n))
	return n
}

// awaitNotifyIdle waits until no notification job (matching an event,
// delivering it, or the mail a delivery queued) is left to run: what has
// not been sent by then will not be.
func (s *testServer) awaitNotifyIdle(t *testing.T) {
	t.Helper()
	const q = "SELECT count(*) FROM river_job WHERE kind IN ('notify_event', 'notify_deliver', 'send_mail') AND state NOT IN ('completed', 'discarded', 'cancelled')"
	require.Eventually(t, func() bool {
		var n int
		return s.app.db.SQL.QueryRowContext(t.Context(), q).Scan(&n) == nil && n == 0
	}, time.Minute, 20*time.Millisecond, "the notification jobs are done")
}
