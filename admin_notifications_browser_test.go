package main

import (
	"regexp"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/bootstrap"
	entevent "github.com/gatehouse-id/gatehouse/ent/event"
	entgroup "github.com/gatehouse-id/gatehouse/ent/group"
	"github.com/gatehouse-id/gatehouse/ent/notificationrule"
	"github.com/gatehouse-id/gatehouse/ent/notificationtransport"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	entuser "github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
	"github.com/gatehouse-id/gatehouse/notify"
	"github.com/gatehouse-id/gatehouse/seal"
)

// The "done when" in the console, on both backends: an admin
// creates a webhook transport (a field error names its field; the secret
// typed is never shown again, only that one is set) and an email
// transport, a rule "failed logins from outside 10.0.0.0/8" for the admins
// group with both, and binds it an event matcher for LOGIN_FAILED and,
// negated, one for 10.0.0.0/8 under ALL. With the audit log following
// live, a failed login from outside then shows up there without a reload
// and brings exactly one webhook call signed with the secret typed in the
// form and one mail (to the one member with an address); the dashboard
// counts it in its counter and its hourly chart; a failing transport shows
// its error in the list.
func TestBrowserAdminNotifications(t *testing.T) {
	t.Parallel()
	browsertest.Get(t)
	eachBackend(t, testBrowserAdminNotifications)
}

func testBrowserAdminNotifications(t *testing.T, backend string) {
	env := newServerEnv(t, backend)
	peer := withMail(t, env)
	env["GATEHOUSE_WEBHOOK_ALLOW_PRIVATE"] = "true" // the receiver is on loopback
	env["GATEHOUSE_TRUSTED_PROXIES"] = "127.0.0.0/8"
	srv := newTestServer(t, env)
	srv.startWorker()
	hook, calls := webhookReceiver(t)
	ctx := viewer.SystemContext(t.Context())
	db := srv.app.db.Ent

	// The policies themselves (the policy form has its own tests).
	api := srv.browser()
	require.True(t, api.login("admin", adminPassword).Completed)
	var failed, inside struct{ CreatePolicy struct{ ID string } }
	api.must(`mutation { createPolicy(input: {name: "failed login", config: {eventMatcher: {action: LOGIN_FAILED}}}) { id } }`, nil, &failed)
	api.must(`mutation { createPolicy(input: {name: "inside", config: {eventMatcher: {clientIp: "10.0.0.0/8"}}}) { id } }`, nil, &inside)
	// The admins group's one member with an address (admin has none).
	var groups struct {
		Groups struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	api.must(`query($n: String!) { groups(where: {name: $n}) { edges { node { id } } } }`, map[string]any{"n": bootstrap.AdminsGroup}, &groups)
	require.Len(t, groups.Groups.Edges, 1)
	api.must(`mutation($g: ID!) { createUser(input: {username: "ops", email: "ops@example.com", groupIDs: [$g]}) { id } }`,
		map[string]any{"g": groups.Groups.Edges[0].Node.ID}, nil)
	require.Equal(t, 1, db.User.Query().Where(entuser.HasGroupsWith(entgroup.Name(bootstrap.AdminsGroup)), entuser.EmailNEQ("")).CountX(ctx))

	u := newUI(t, srv, browsertest.Options{})
	u.OnDialog(func(d playwright.Dialog) { _ = d.Accept() })
	u.login("admin", adminPassword)
	u.visit("/if/admin/#/scopes")
	link := func(name string) playwright.Locator {
		return u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: name, Exact: new(true)}).First()
	}
	flash := u.GetByTestId("flash")

	// The webhook transport: a bad URL is an error on its field.
	const secret = "whsec-typed-in-the-console"
	u.click(link("Notification transports"))
	u.at(`/if/admin/#/notification-transports$`)
	u.click(link("New notification transport"))
	u.fill("Name", "siem")
	u.fill("Webhook URL", "ftp://siem.example.com/in")
	u.fill("Webhook secret", secret)
	u.click(u.field("Send once"))
	u.click(u.button("Create transport"))
	require.NoError(t, u.expect.Locator(u.field("Webhook URL")).ToHaveAttribute("aria-invalid", "true"))
	require.NoError(t, u.expect.Locator(u.Locator(`[aria-invalid="true"]`)).ToHaveCount(1))
	u.fill("Webhook URL", hook.URL+"/gatehouse")
	u.click(u.button("Create transport"))
	require.NoError(t, u.expect.Locator(flash).ToHaveText("The transport siem was created."))
	u.at(`/if/admin/#/notification-transports/[^/]+$`)
	require.NoError(t, u.expect.Locator(u.GetByTestId("secret-state")).ToHaveText("A webhook secret is set."))
	require.NoError(t, u.expect.Locator(u.field("New webhook secret")).ToHaveValue(""))
	u.Screenshot("notification-transport")

	// Saving without typing a secret keeps it; the page never holds it.
	u.fill("Timeout (seconds)", "5")
	u.click(u.button("Save transport"))
	require.NoError(t, u.expect.Locator(flash).ToHaveText("The transport siem was saved."))
	siem := db.NotificationTransport.Query().Where(notificationtransport.Name("siem")).OnlyX(ctx)
	require.NotContains(t, siem.WebhookSecret, secret, "the database holds the secret sealed")
	secrets, err := notify.NewSecrets(seal.NewKeys(srv.app.secretKey))
	require.NoError(t, err)
	opened, err := secrets.Open(siem)
	require.NoError(t, err)
	require.Equal(t, secret, opened, "it opens to the secret typed in the form")
	require.Equal(t, 5, siem.WebhookTimeout)
	require.True(t, siem.SendOnce)
	require.Equal(t, enum.NotificationTransportModeWebhook, siem.Mode)
	html, err := u.Content()
	require.NoError(t, err)
	require.NotContains(t, html, secret)
	require.NoError(t, u.expect.Locator(u.field("New webhook secret")).ToHaveValue(""))

	// The email transport.
	u.click(link("Notification transports"))
	u.click(link("New notification transport"))
	u.fill("Name", "mail")
	_, err = u.field("Mode").SelectOption(playwright.SelectOptionValues{Values: &[]string{"EMAIL"}})
	require.NoError(t, err)
	require.NoError(t, u.expect.Locator(u.field("Webhook URL")).ToHaveCount(0), "webhook settings only for webhooks")
	u.click(u.button("Create transport"))
	require.NoError(t, u.expect.Locator(flash).ToHaveText("The transport mail was created."))

	// The rule, for the admins group, through both transports.
	u.click(link("Notification rules"))
	u.at(`/if/admin/#/notification-rules$`)
	u.click(link("New notification rule"))
	u.fill("Name", "failed logins from outside")
	_, err = u.field("Severity").SelectOption(playwright.SelectOptionValues{Values: &[]string{"WARNING"}})
	require.NoError(t, err)
	_, err = u.field("Destination group").SelectOption(playwright.SelectOptionValues{Labels: &[]string{bootstrap.AdminsGroup}})
	require.NoError(t, err)
	_, err = u.field("Policy engine mode").SelectOption(playwright.SelectOptionValues{Values: &[]string{"ALL"}})
	require.NoError(t, err)
	require.NoError(t, u.field("siem (Webhook)").Check())
	require.NoError(t, u.field("mail (Email)").Check())
	u.click(u.button("Create rule"))
	require.NoError(t, u.expect.Locator(flash).ToContainText("The rule failed logins from outside was created"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("policy-binding-list-empty")).ToHaveText("Nothing is bound: the rule matches no event."))

	// Its bindings: LOGIN_FAILED, and not from 10.0.0.0/8.
	bind := func(policyID string, negate bool) {
		t.Helper()
		form := u.GetByTestId("add-policy-binding")
		_, err := form.GetByLabel("Bind what").SelectOption(playwright.SelectOptionValues{Values: &[]string{"policy"}})
		require.NoError(t, err)
		_, err = form.GetByLabel("Policy to bind").SelectOption(playwright.SelectOptionValues{Values: &[]string{policyID}})
		require.NoError(t, err)
		if negate {
			require.NoError(t, form.GetByLabel("Negate").Check())
		}
		u.click(form.GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Bind", Exact: new(true)}))
	}
	bind(failed.CreatePolicy.ID, false)
	require.NoError(t, u.expect.Locator(u.GetByTestId("policy-binding")).ToHaveCount(1))
	bind(inside.CreatePolicy.ID, true)
	require.NoError(t, u.expect.Locator(u.GetByTestId("policy-binding")).ToHaveCount(2))
	require.NoError(t, u.expect.Locator(u.GetByTestId("policy-binding").Nth(1)).ToContainText("negated"))
	u.Screenshot("notification-rule")

	rule := db.NotificationRule.Query().Where(notificationrule.Name("failed logins from outside")).
		WithDestinationGroup().WithTransports().WithPolicyBindings().OnlyX(ctx)
	require.Equal(t, enum.NotificationSeverityWarning, rule.Severity)
	require.Equal(t, bootstrap.AdminsGroup, rule.Edges.DestinationGroup.Name)
	require.Len(t, rule.Edges.Transports, 2)
	require.Len(t, rule.Edges.PolicyBindings, 2)
	negated := 0
	for _, b := range rule.Edges.PolicyBindings {
		if b.Negate {
			negated++
		}
	}
	require.Equal(t, 1, negated)

	u.click(link("Notification rules"))
	row := u.Locator(`[data-testid="notification-rule-row"][data-name="failed logins from outside"]`)
	require.NoError(t, u.expect.Locator(row).ToContainText(bootstrap.AdminsGroup))
	require.NoError(t, u.expect.Locator(row.GetByTestId("transports")).ToHaveText("mail, siem"))
	u.Screenshot("notification-rules")

	// The audit log, following failed logins live. The subscription is up
	// a moment after the box is ticked: failed logins from inside
	// 10.0.0.0/8 (which the rule ignores) are made until one shows.
	u.click(link("Audit log"))
	u.at(`/if/admin/#/audit-log$`)
	_, err = u.field("Action").SelectOption(playwright.SelectOptionValues{Values: &[]string{"LOGIN_FAILED"}})
	require.NoError(t, err)
	u.click(u.button("Apply filters"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("no-events")).ToBeVisible())
	u.click(u.GetByLabel("Follow live"))
	_, err = u.Evaluate(`() => { window.__sameDocument = true; }`)
	require.NoError(t, err)
	insiders := followLive(t, srv, u.GetByTestId("event-row"))

	// A failed login from outside 10.0.0.0/8 appears at once, without a
	// reload.
	outsider := srv.headless()
	outsider.header.Set("X-Forwarded-For", "203.0.113.9")
	require.False(t, outsider.login("admin", "wrong password").Completed)
	outside := u.GetByTestId("event-row").Filter(playwright.LocatorFilterOptions{HasText: "203.0.113.9"})
	require.NoError(t, u.expect.Locator(outside).ToHaveCount(1))
	require.NoError(t, u.expect.Locator(u.GetByTestId("event-row").First()).ToContainText("203.0.113.9"), "newest first")
	require.NoError(t, u.expect.Locator(outside).ToContainText("Login failed"))
	require.NoError(t, u.expect.Locator(outside).ToContainText("admin (typed)"))
	same, err := u.Evaluate(`() => window.__sameDocument === true`)
	require.NoError(t, err)
	require.Equal(t, true, same, "the row came without a reload")
	u.Screenshot("audit-log-live")

	// One call, signed with the secret typed in the form, and one mail.
	var got hookCall
	select {
	case got = <-calls:
	case <-time.After(time.Minute):
		t.Fatal("no webhook call")
	}
	require.Equal(t, notify.Sign(secret, got.body), got.signature)
	require.Contains(t, string(got.body), `"rule":"failed logins from outside"`)
	require.Contains(t, string(got.body), `"clientIp":"203.0.113.9"`)
	m := peer.Next(t, time.Minute)
	require.Equal(t, []string{"ops@example.com"}, m.To, "the one member with an address")
	require.Contains(t, m.Text, "LOGIN_FAILED by admin from 203.0.113.9")
	require.NotContains(t, m.Text, "wrong password")
	event := srv.awaitMatched(t, "203.0.113.9")
	require.Equal(t, 3, srv.deliveries(t, event), "one webhook call (send once) and one mail delivery per admin (admin has no address: none sent)")
	for _, ip := range insiders {
		require.Zero(t, srv.deliveries(t, srv.awaitMatched(t, ip)), "no delivery for a failed login from %s", ip)
	}
	srv.awaitNotifyIdle(t)
	peer.RequireNone(t)
	select {
	case extra := <-calls:
		t.Fatalf("a second webhook call: %s", extra.body)
	default:
	}

	// The dashboard counts it: its counter and its hourly chart hold every
	// failed login of the last 24 hours the audit log holds.
	u.click(link("Dashboard"))
	require.NoError(t, u.expect.Locator(u.GetByRole(*playwright.AriaRoleHeading, playwright.PageGetByRoleOptions{Name: "Dashboard"})).ToBeVisible())
	since := time.Now().UTC().Truncate(time.Hour).Add(-23 * time.Hour) // the chart's first hour
	failedLogins := db.Event.Query().Where(entevent.ActionEQ(enum.EventActionLoginFailed), entevent.CreatedAtGTE(since)).CountX(ctx)
	require.Equal(t, len(insiders)+1, failedLogins, "the failed logins this test made")
	expectFailedLogins(t, u, failedLogins)
	u.Screenshot("dashboard")

	// A failing transport shows why in the list (as the delivery worker
	// records it).
	db.NotificationTransport.UpdateOneID(siem.ID).SetFailing(true).SetLastError("webhook answered 503 Service Unavailable").SetLastFailureAt(time.Now()).ExecX(ctx)
	u.click(link("Notification transports"))
	status := u.Locator(`[data-testid="notification-transport-row"][data-name="siem"]`).GetByTestId("status")
	require.NoError(t, u.expect.Locator(status).ToContainText(regexp.MustCompile(`Failing since .*: webhook answered 503 Service Unavailable`)))
	mail := u.Locator(`[data-testid="notification-transport-row"][data-name="mail"]`).GetByTestId("status")
	require.NoError(t, u.expect.Locator(mail).ToHaveText("Working"))
	u.Screenshot("notification-transports")

	// Deleting the rule keeps its transports.
	u.click(link("Notification rules"))
	u.click(row.GetByRole(*playwright.AriaRoleLink, playwright.LocatorGetByRoleOptions{Name: "failed logins from outside", Exact: new(true)}))
	u.click(u.button("Delete"))
	require.NoError(t, u.expect.Locator(flash).ToHaveText("The rule failed logins from outside was deleted."))
	require.Zero(t, db.NotificationRule.Query().CountX(ctx))
	require.Equal(t, 2, db.NotificationTransport.Query().CountX(ctx))

	// A mapping that cannot work is refused on its field when saved; the
	// secret can be removed (calls are then unsigned).
	u.click(link("Notification transports"))
	u.click(u.Locator(`[data-testid="notification-transport-row"][data-name="siem"]`).
		GetByRole(*playwright.AriaRoleLink, playwright.LocatorGetByRoleOptions{Name: "siem", Exact: new(true)}))
	u.fill("Mapping", `"not a map"`)
	u.click(u.button("Save transport"))
	require.NoError(t, u.expect.Locator(u.field("Mapping")).ToHaveAttribute("aria-invalid", "true"))
	require.Empty(t, db.NotificationTransport.GetX(ctx, siem.ID).WebhookMapping)
	u.fill("Mapping", "")
	require.NoError(t, u.field("Remove the webhook secret").Check())
	u.click(u.button("Save transport"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("secret-state")).ToHaveText("No webhook secret is set."))
	require.NoError(t, u.expect.Locator(u.field("Remove the webhook secret")).ToHaveCount(0))
	require.Empty(t, db.NotificationTransport.GetX(ctx, siem.ID).WebhookSecret)
}
