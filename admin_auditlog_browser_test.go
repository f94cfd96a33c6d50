package main

import (
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	entevent "github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// The audit log lists events newest first; the filters (action, user,
// client IP) narrow it; "Follow live" adds a failed login made through the
// flow API while the page is open, and the one made before it followed; an event's page shows its context as a
// key/value table.
func TestBrowserAdminAuditLog(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	ctx := viewer.SystemContext(t.Context())
	db := srv.app.db.Ent
	now := time.Now()
	seed := func(action enum.EventAction, user, ip string, ago time.Duration, data map[string]any) {
		_, err := db.Event.Create().SetAction(action).SetUsername(user).SetClientIP(ip).SetApp("executor").
			SetContext(data).SetCreatedAt(now.Add(-ago)).SetExpires(now.Add(time.Hour)).Save(ctx)
		require.NoError(t, err)
	}
	seed(enum.EventActionLogin, "carol", "10.1.2.3", time.Hour, map[string]any{"auth_method": "password"})
	seed(enum.EventActionLoginFailed, "dave", "192.168.0.9", 2*time.Hour, map[string]any{"username": "dave", "reason": "invalid password", "flow": "default-authentication-flow"})
	seed(enum.EventActionLoginFailed, "erin", "10.9.9.9", 3*time.Hour, map[string]any{"username": "erin"})

	u := newUI(t, srv, browsertest.Options{})
	u.login("admin", adminPassword)
	u.visit("/if/admin/#/flows")
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Audit log", Exact: new(true)}))
	u.at(`/if/admin/#/audit-log$`)
	rows := u.GetByTestId("event-row")
	// Newest first (the admin's login), a page at a time: setting up the
	// server wrote more than a page of events, older than the seeded ones.
	require.NoError(t, u.expect.Locator(rows).ToHaveCount(50))
	require.NoError(t, u.expect.Locator(rows.First()).ToContainText("Login"))
	require.NoError(t, u.expect.Locator(rows.First()).ToContainText("admin"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("event-list")).Not().ToContainText("carol"))
	u.click(u.button("Show older events"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("event-list")).ToContainText("carol"))

	// Failed logins from 192.168.*, by a user whose name has "DAV".
	_, err := u.field("Action").SelectOption(playwright.SelectOptionValues{Values: &[]string{"LOGIN_FAILED"}})
	require.NoError(t, err)
	u.click(u.button("Apply filters"))
	require.NoError(t, u.expect.Locator(rows).ToHaveCount(2))
	require.NoError(t, u.expect.Locator(u.Locator(`[data-testid="event-row"]:not([data-action="LOGIN_FAILED"])`)).ToHaveCount(0))
	u.fill("User", "DAV")
	u.fill("Client IP", "192.168.")
	u.click(u.button("Apply filters"))
	require.NoError(t, u.expect.Locator(rows).ToHaveCount(1))
	require.NoError(t, u.expect.Locator(rows.First()).ToContainText("dave"))
	u.fill("Client IP", "10.")
	u.click(u.button("Apply filters"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("no-events")).ToBeVisible())

	// Follow live: only failed logins, from anyone.
	u.click(u.button("Clear"))
	_, err = u.field("Action").SelectOption(playwright.SelectOptionValues{Values: &[]string{"LOGIN_FAILED"}})
	require.NoError(t, err)
	u.click(u.button("Apply filters"))
	require.NoError(t, u.expect.Locator(rows).ToHaveCount(2))
	// One written before following: no subscription can bring it, only the
	// catch-up that follows the first live event.
	require.False(t, srv.headless().login("admin", "not-the-password").Completed)
	u.click(u.GetByLabel("Follow live"))
	// The subscription is up once the server has it; a failed login made
	// before would be missed, so retry until one shows (each one is a new
	// event; the filter keeps the successful admin login out).
	require.Eventually(t, func() bool {
		if srv.headless().login("admin", "not-the-password").Completed {
			return false
		}
		n, err := rows.Count()
		return err == nil && n > 2
	}, 20*time.Second, 500*time.Millisecond)
	require.NoError(t, u.expect.Locator(rows.First()).ToContainText("Login failed"))
	require.NoError(t, u.expect.Locator(rows.First()).ToContainText("admin (typed)"), "a failed login's caller is anonymous: the identifier typed is shown")
	failed, err := db.Event.Query().Where(entevent.ActionEQ(enum.EventActionLoginFailed)).Count(ctx)
	require.NoError(t, err)
	require.NoError(t, u.expect.Locator(rows).ToHaveCount(failed), "every failed login, the one written before following too")
	u.Screenshot("audit-log-live")

	// The event's page: its facts and its context.
	u.click(u.Locator(`[data-testid="event-row"]`).Filter(playwright.LocatorFilterOptions{HasText: "dave"}).GetByRole(*playwright.AriaRoleLink))
	u.at(`/if/admin/#/audit-log/\d+$`)
	require.NoError(t, u.expect.Locator(u.GetByTestId("event-facts")).ToContainText("192.168.0.9"))
	ctxTable := u.GetByTestId("event-context")
	require.NoError(t, u.expect.Locator(ctxTable.Locator("tbody tr")).ToHaveCount(3))
	require.NoError(t, u.expect.Locator(ctxTable.Locator("tr").Filter(playwright.LocatorFilterOptions{HasText: "reason"})).ToContainText("invalid password"))
	require.NoError(t, u.expect.Locator(ctxTable.Locator("tr").Filter(playwright.LocatorFilterOptions{HasText: "flow"})).ToContainText("default-authentication-flow"))
	u.Screenshot("audit-log-event")
}
