package graph_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/notify"
	"github.com/gatehouse-id/gatehouse/seal"
)

// createTransport creates a notification transport as the admin and returns its ID.
func (b *testBundle) createTransport(t *testing.T, in map[string]any) string {
	t.Helper()
	var out struct{ CreateNotificationTransport struct{ ID string } }
	b.mustDo(t, b.admin, `mutation($in: CreateNotificationTransportInput!) { createNotificationTransport(input: $in) { id } }`,
		map[string]any{"in": in}, &out)
	return out.CreateNotificationTransport.ID
}

func TestNotificationRulesAndTransports(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		hook := b.createTransport(t, map[string]any{
			"name": "ops hook", "mode": "WEBHOOK", "webhookUrl": "https://hooks.example.com/gatehouse",
			"webhookSecret": "s3cret-value", "sendOnce": true,
		})
		local := b.createTransport(t, map[string]any{"name": "bell", "mode": "LOCAL"})

		// The secret is write-only: only whether it is set shows.
		var transports struct {
			NotificationTransports struct {
				Edges []struct {
					Node map[string]any
				}
			}
		}
		b.mustDo(t, b.admin, `{ notificationTransports(orderBy: {field: NAME}) { edges { node {
			id name mode webhookUrl webhookSecretSet sendOnce webhookTimeout failing lastError lastFailureAt } } } }`, nil, &transports)
		require.Len(t, transports.NotificationTransports.Edges, 2)
		require.Equal(t, map[string]any{
			"id": local, "name": "bell", "mode": "LOCAL", "webhookUrl": "", "webhookSecretSet": false, "sendOnce": false,
			"webhookTimeout": float64(10), "failing": false, "lastError": "", "lastFailureAt": nil,
		}, transports.NotificationTransports.Edges[0].Node)
		require.Equal(t, true, transports.NotificationTransports.Edges[1].Node["webhookSecretSet"])
		resp := b.do(t, b.admin, `{ notificationTransports { edges { node { webhookSecret } } } }`, nil)
		require.NotEmpty(t, resp.Errors, "there is no field to read the secret")
		require.NotContains(t, string(resp.Data), "s3cret-value")

		// A webhook needs a URL; a URL must be http(s).
		requireCode(t, b.do(t, b.admin, `mutation { createNotificationTransport(input: {name: "x", mode: WEBHOOK}) { id } }`, nil), "VALIDATION_FAILED")
		requireCode(t, b.do(t, b.admin, `mutation { createNotificationTransport(input: {name: "x", mode: WEBHOOK, webhookUrl: "ftp://a.example.com"}) { id } }`, nil), "VALIDATION_FAILED")
		requireCode(t, b.do(t, b.admin, `mutation { createNotificationTransport(input: {name: "bell", mode: LOCAL}) { id } }`, nil), "CONFLICT")

		var admins struct {
			Groups struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		b.mustDo(t, b.admin, `{ groups(where: {name: "admins"}) { edges { node { id } } } }`, nil, &admins)
		var created struct {
			CreateNotificationRule struct {
				ID               string
				Name             string
				Severity         string
				PolicyEngineMode string
				DestinationGroup struct{ ID string }
				Transports       []struct{ ID string }
			}
		}
		b.mustDo(t, b.admin, `mutation($in: CreateNotificationRuleInput!) { createNotificationRule(input: $in) {
			id name severity policyEngineMode destinationGroup { id } transports { id } } }`,
			map[string]any{"in": map[string]any{
				"name": "failed logins", "severity": "ALERT", "destinationGroupID": admins.Groups.Edges[0].Node.ID,
				"transportIDs": []string{hook}, "policyEngineMode": "ALL",
			}}, &created)
		rule := created.CreateNotificationRule
		require.Equal(t, "ALERT", rule.Severity)
		require.Equal(t, "ALL", rule.PolicyEngineMode)
		require.Equal(t, admins.Groups.Edges[0].Node.ID, rule.DestinationGroup.ID)
		require.Len(t, rule.Transports, 1)

		// The entgql convention: add and remove transports.
		var updated struct {
			UpdateNotificationRule struct{ Transports []struct{ ID string } }
		}
		b.mustDo(t, b.admin, `mutation($id: ID!, $in: UpdateNotificationRuleInput!) { updateNotificationRule(id: $id, input: $in) { transports { id } } }`,
			map[string]any{"id": rule.ID, "in": map[string]any{"addTransportIDs": []string{local}, "removeTransportIDs": []string{hook}}}, &updated)
		require.Equal(t, []struct{ ID string }{{ID: local}}, updated.UpdateNotificationRule.Transports)

		// A rule is a policy binding target, with an event_matcher policy.
		var policy struct{ CreatePolicy struct{ ID string } }
		b.mustDo(t, b.admin, `mutation { createPolicy(input: {name: "failed logins", config: {eventMatcher: {action: LOGIN_FAILED, clientIp: "10.0.0.0/8"}}}) { id } }`, nil, &policy)
		var binding struct {
			CreatePolicyBinding struct {
				NotificationRule struct{ Name string }
			}
		}
		b.mustDo(t, b.admin, `mutation($in: CreatePolicyBindingInput!) { createPolicyBinding(input: $in) { notificationRule { name } } }`,
			map[string]any{"in": map[string]any{"notificationRuleID": rule.ID, "policyID": policy.CreatePolicy.ID, "negate": true}}, &binding)
		require.Equal(t, "failed logins", binding.CreatePolicyBinding.NotificationRule.Name)
		var readBack struct {
			Node struct {
				PolicyBindings struct{ TotalCount int }
			}
		}
		b.mustDo(t, b.admin, `query($id: ID!) { node(id: $id) { ... on NotificationRule { policyBindings { totalCount } } } }`,
			map[string]any{"id": rule.ID}, &readBack)
		require.Equal(t, 1, readBack.Node.PolicyBindings.TotalCount)
		requireCode(t, b.do(t, b.admin, `mutation { createPolicy(input: {name: "bad", config: {eventMatcher: {clientIp: "10.0.0.0/33"}}}) { id } }`, nil), "VALIDATION_FAILED")

		// Writes are audited like other models.
		n, err := b.client.Event.Query().Where(event.ActionEQ(enum.EventActionModelCreated)).All(viewer.SystemContext(t.Context()))
		require.NoError(t, err)
		models := map[string]int{}
		for _, ev := range n {
			model, _ := ev.Context["model"].(string)
			models[model]++
		}
		require.Equal(t, 2, models["notification_transport"])
		require.Equal(t, 1, models["notification_rule"])

		// Deleting the rule deletes its bindings; the transport goes too.
		b.mustDo(t, b.admin, `mutation($id: ID!) { deleteNotificationRule(id: $id) }`, map[string]any{"id": rule.ID}, nil)
		b.mustDo(t, b.admin, `mutation($id: ID!) { deleteNotificationTransport(id: $id) }`, map[string]any{"id": hook}, nil)
		left, err := b.client.PolicyBinding.Query().Count(viewer.SystemContext(t.Context()))
		require.NoError(t, err)
		require.Zero(t, left)
	})
}

func TestNotificationRulesAreForSuperusers(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite3")
	transport := b.createTransport(t, map[string]any{"name": "bell", "mode": "LOCAL"})
	for _, q := range []string{
		`{ notificationTransports { edges { node { id } } } }`,
		`{ notificationRules { edges { node { id } } } }`,
		`mutation { createNotificationTransport(input: {name: "x", mode: LOCAL}) { id } }`,
		`mutation { createNotificationRule(input: {name: "x"}) { id } }`,
		`mutation { updateNotificationTransport(id: "` + transport + `", input: {name: "y"}) { id } }`,
		`mutation { deleteNotificationTransport(id: "` + transport + `") }`,
	} {
		requireCode(t, b.do(t, b.alice, q, nil), "FORBIDDEN")
		requireCode(t, b.do(t, b.anonymous, q, nil), "UNAUTHENTICATED")
	}
}

func TestViewerNotifications(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		ctx := viewer.SystemContext(t.Context())
		now := time.Now()
		var ids []string
		for i, who := range []int{b.alice.UserID, b.alice.UserID, b.admin.UserID} {
			n, err := b.client.Notification.Create().SetUserID(who).SetKey("k" + itoa(i)).SetEventID(i + 1).
				SetRule("failed logins").SetSeverity(enum.NotificationSeverityAlert).SetAction(enum.EventActionLoginFailed).
				SetBody("LOGIN_FAILED by bob").SetEvent(map[string]any{"action": "LOGIN_FAILED"}).
				SetCreatedAt(now.Add(time.Duration(i) * time.Second)).Save(ctx)
			require.NoError(t, err)
			ids = append(ids, itoa(n.ID))
		}
		type page struct {
			Viewer struct {
				Notifications struct {
					TotalCount int
					Edges      []struct {
						Node struct {
							ID, Rule, Severity, Action, Body string
							Seen                             bool
						}
					}
				}
			}
		}
		var all page
		b.mustDo(t, b.alice, `{ viewer { notifications(first: 10) { totalCount edges { node { id rule severity action body seen } } } } }`, nil, &all)
		require.Equal(t, 2, all.Viewer.Notifications.TotalCount, "only alice's own")
		require.Equal(t, ids[1], all.Viewer.Notifications.Edges[0].Node.ID, "newest first")
		require.Equal(t, "ALERT", all.Viewer.Notifications.Edges[0].Node.Severity)
		require.Equal(t, "LOGIN_FAILED", all.Viewer.Notifications.Edges[0].Node.Action)

		var marked struct{ MarkNotificationsSeen []struct{ ID string } }
		b.mustDo(t, b.alice, `mutation($ids: [ID!]!) { markNotificationsSeen(ids: $ids) { id } }`,
			map[string]any{"ids": []string{ids[0], ids[2]}}, &marked)
		require.Equal(t, []struct{ ID string }{{ID: ids[0]}}, marked.MarkNotificationsSeen, "someone else's is ignored")
		seen, err := b.client.Notification.Get(ctx, mustAtoi(t, ids[2]))
		require.NoError(t, err)
		require.False(t, seen.Seen, "the admin's notification was not touched")

		var unseen page
		b.mustDo(t, b.alice, `{ viewer { notifications(first: 10, unseenOnly: true) { totalCount edges { node { id } } } } }`, nil, &unseen)
		require.Equal(t, 1, unseen.Viewer.Notifications.TotalCount)
		require.Equal(t, ids[1], unseen.Viewer.Notifications.Edges[0].Node.ID)

		var anon page
		b.mustDo(t, b.anonymous, `{ viewer { notifications { totalCount } } }`, nil, &anon)
		require.Zero(t, anon.Viewer.Notifications.TotalCount)
		requireCode(t, b.do(t, b.anonymous, `mutation { markNotificationsSeen(ids: ["1"]) { id } }`, nil), "UNAUTHENTICATED")
	})
}

func TestNotificationCreatedSubscription(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite3")
	ctx := viewer.SystemContext(t.Context())
	stream := b.subscribe(t, b.alice, `subscription { notificationCreated { rule body } }`)
	// SSE does not say when the subscription is live: each notification
	// announced is a fresh chance, until the deadline. Another user's
	// notification, announced first each time, never reaches alice.
	deadline := time.After(30 * time.Second)
	for i := 0; ; i++ {
		for _, who := range []int{b.admin.UserID, b.alice.UserID} {
			n, err := b.client.Notification.Create().SetUserID(who).SetKey("k" + itoa(i) + "-" + itoa(who)).SetEventID(1).
				SetRule("rule for " + itoa(who)).SetSeverity(enum.NotificationSeverityNotice).SetAction(enum.EventActionLogin).
				SetBody("LOGIN by alice").SetEvent(map[string]any{}).Save(ctx)
			require.NoError(t, err)
			require.NoError(t, b.broker.Publish(ctx, notify.Topic, []byte(itoa(n.ID))))
		}
		select {
		case r, ok := <-stream:
			require.True(t, ok, "the stream ended")
			require.Empty(t, r.Errors)
			require.JSONEq(t, `{"notificationCreated": {"rule": "rule for `+itoa(b.alice.UserID)+`", "body": "LOGIN by alice"}}`, string(r.Data))
			return
		case <-time.After(200 * time.Millisecond):
		case <-deadline:
			t.Fatal("no notification arrived")
		}
	}
}

// requireFieldError asserts that resp failed validation on field.
func requireFieldError(t *testing.T, resp response, field string) {
	t.Helper()
	e := requireCode(t, resp, "VALIDATION_FAILED")
	require.Equal(t, field, e.Extensions["field"], "errors: %+v", resp.Errors)
}

func TestNotificationTransportWebhookSecretSealed(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		ctx := viewer.SystemContext(t.Context())
		secrets, err := notify.NewSecrets(seal.NewKeys(testSecretKey))
		require.NoError(t, err)
		id := b.createTransport(t, map[string]any{
			"name": "siem", "mode": "WEBHOOK", "webhookUrl": "https://hooks.example.com/in", "webhookSecret": "s3cret-value",
		})
		row := func() *ent.NotificationTransport {
			t.Helper()
			tr, err := b.client.NotificationTransport.Get(ctx, mustAtoi(t, id))
			require.NoError(t, err)
			return tr
		}
		secretSet := func() bool {
			t.Helper()
			var out struct {
				Node struct{ WebhookSecretSet bool }
			}
			b.mustDo(t, b.admin, `query($id: ID!) { node(id: $id) { ... on NotificationTransport { webhookSecretSet } } }`,
				map[string]any{"id": id}, &out)
			return out.Node.WebhookSecretSet
		}
		update := func(in map[string]any) response {
			t.Helper()
			return b.do(t, b.admin, `mutation($id: ID!, $in: UpdateNotificationTransportInput!) { updateNotificationTransport(id: $id, input: $in) { id } }`,
				map[string]any{"id": id, "in": in})
		}
		created := row()
		require.NotEmpty(t, created.WebhookSecret)
		require.NotContains(t, created.WebhookSecret, "s3cret-value", "the database never holds the secret readable")
		opened, err := secrets.Open(created)
		require.NoError(t, err)
		require.Equal(t, "s3cret-value", opened)
		require.True(t, secretSet())

		// Other fields leave it alone; a new one is sealed to the same row.
		require.Empty(t, update(map[string]any{"webhookTimeout": 5}).Errors)
		require.Equal(t, created.WebhookSecret, row().WebhookSecret)
		require.Empty(t, update(map[string]any{"webhookSecret": "rotated-value"}).Errors)
		rotated := row()
		require.NotContains(t, rotated.WebhookSecret, "rotated-value")
		require.Equal(t, created.SecretBinding, rotated.SecretBinding)
		opened, err = secrets.Open(rotated)
		require.NoError(t, err)
		require.Equal(t, "rotated-value", opened)

		// Refused: too long.
		requireFieldError(t, update(map[string]any{"webhookSecret": strings.Repeat("x", notify.MaxSecretLen+1)}), "webhookSecret")
		require.Equal(t, rotated.WebhookSecret, row().WebhookSecret)

		// Cleared with an empty secret; set again.
		require.Empty(t, update(map[string]any{"webhookSecret": ""}).Errors)
		require.Empty(t, row().WebhookSecret)
		require.False(t, secretSet())
		require.Empty(t, update(map[string]any{"webhookSecret": "again"}).Errors)
		require.True(t, secretSet())
	})
}

func TestNotificationTransportMappingCheckedAtWrite(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		create := `mutation($m: String!) { createNotificationTransport(input: {name: "hook", mode: WEBHOOK,
			webhookUrl: "https://hooks.example.com/in", webhookMapping: $m}) { id webhookMapping } }`
		for _, bad := range []string{`{"text": `, `"not a map"`, `{"text": nosuchvar.rule}`} {
			requireFieldError(t, b.do(t, b.admin, create, map[string]any{"m": bad}), "webhookMapping")
		}
		const good = `body.event.action == "LOGIN_FAILED" ? {"text": body.rule} : {"text": "other"}`
		var out struct {
			CreateNotificationTransport struct{ ID, WebhookMapping string }
		}
		b.mustDo(t, b.admin, create, map[string]any{"m": good}, &out)
		require.Equal(t, good, out.CreateNotificationTransport.WebhookMapping)

		update := `mutation($id: ID!, $m: String!) { updateNotificationTransport(id: $id, input: {webhookMapping: $m}) { webhookMapping } }`
		requireFieldError(t, b.do(t, b.admin, update, map[string]any{"id": out.CreateNotificationTransport.ID, "m": `[1, 2]`}), "webhookMapping")
		tr, err := b.client.NotificationTransport.Get(viewer.SystemContext(t.Context()), mustAtoi(t, out.CreateNotificationTransport.ID))
		require.NoError(t, err)
		require.Equal(t, good, tr.WebhookMapping, "a refused mapping changes nothing")
		b.mustDo(t, b.admin, update, map[string]any{"id": out.CreateNotificationTransport.ID, "m": ""}, nil)
	})
}
