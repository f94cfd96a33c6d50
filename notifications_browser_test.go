package main

import (
	"strconv"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/notification"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
	"github.com/gatehouse-id/gatehouse/notify"
)

// The header's bell shows a user's unseen notifications, counts a new one
// live, lists them newest first when opened and marks them seen.
func TestBrowserNotificationBell(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	ctx := viewer.SystemContext(t.Context())
	db := srv.app.db.Ent
	api := srv.browser()
	require.True(t, api.login("admin", adminPassword).Completed)
	api.must(`mutation { createUser(input: {username: "nora"}, password: "Night-Shift-Pager-7") { id } }`, nil, nil)
	nora := db.User.Query().Where(user.Username("nora")).OnlyX(ctx)
	admin := db.User.Query().Where(user.Username("admin")).OnlyX(ctx)
	notifyOf := func(who *ent.User, key, rule, body string, severity enum.NotificationSeverity) *ent.Notification {
		n, err := db.Notification.Create().SetUserID(who.ID).SetKey(key).SetEventID(1).SetRule(rule).SetSeverity(severity).
			SetAction(enum.EventActionLoginFailed).SetBody(body).SetEvent(map[string]any{}).Save(ctx)
		require.NoError(t, err)
		require.NoError(t, srv.app.broker.Publish(ctx, notify.Topic, []byte(strconv.Itoa(n.ID))))
		return n
	}
	notifyOf(nora, "old", "Failed logins", "LOGIN_FAILED by nora from 203.0.113.9", enum.NotificationSeverityWarning)
	notifyOf(admin, "other", "Admin only", "not for nora", enum.NotificationSeverityAlert)

	u := newUI(t, srv, browsertest.Options{})
	u.login("nora", "Night-Shift-Pager-7")
	count := u.GetByTestId("notification-count")
	require.NoError(t, u.expect.Locator(count).ToHaveText("1"), "her own unseen notification, not the admin's")

	// A new one counts at once, live. When the server has registered the
	// page's subscription is not observable: each announcement is a fresh
	// chance, a few times.
	var live *ent.Notification
	for i := 0; ; i++ {
		live = notifyOf(nora, "new-"+strconv.Itoa(i), "Password changes", "PASSWORD_SET for nora", enum.NotificationSeverityNotice)
		err := u.expect.Locator(count).ToHaveText(strconv.Itoa(2+i), playwright.LocatorAssertionsToHaveTextOptions{Timeout: new(3000.0)})
		if err == nil {
			break
		}
		require.Less(t, i, 4, "a new notification reaches the bell live: %v", err)
	}

	u.click(u.GetByTestId("notification-bell"))
	items := u.GetByTestId("notification")
	require.NoError(t, u.expect.Locator(items.First()).ToContainText("Password changes"), "newest first")
	require.NoError(t, u.expect.Locator(items.Last()).ToContainText("LOGIN_FAILED by nora from 203.0.113.9"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("notification-panel")).Not().ToContainText("not for nora"))
	require.NoError(t, u.expect.Locator(count).ToHaveCount(0), "opened: nothing unseen")
	u.Screenshot("notification-bell")
	require.Eventually(t, func() bool {
		return !db.Notification.Query().Where(notification.UserID(nora.ID), notification.Seen(false)).ExistX(ctx)
	}, 15*time.Second, 20*time.Millisecond, "marked seen in the database")
	require.True(t, db.Notification.GetX(ctx, live.ID).Seen)

	u.visit("/if/user/")
	require.NoError(t, u.expect.Locator(u.GetByTestId("notification-bell")).ToBeVisible())
	require.NoError(t, u.expect.Locator(count).ToHaveCount(0), "still seen after a reload")
}
