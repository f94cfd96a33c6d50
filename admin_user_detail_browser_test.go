package main

import (
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// A user's page, opened from the users list, shows the user's sessions
// (ending one logs that client out), consents and latest events — by the
// user or about them (a failed login on the account, the admin's writes).
func TestBrowserAdminUserDetail(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	api := srv.browser()
	require.True(t, api.login("admin", adminPassword).Completed)
	const password = "violet-harbour-71"
	createLoginUser(api, "bob", password)
	phone := srv.headless()
	require.True(t, phone.login("bob", password).Completed)
	require.False(t, srv.headless().login("bob", "a wrong guess").Completed)

	u := newUI(t, srv, browsertest.Options{})
	u.OnDialog(func(d playwright.Dialog) { _ = d.Accept() })
	u.login("admin", adminPassword)
	u.visit("/if/admin/#/users")
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "bob", Exact: new(true)}))
	u.at(`/if/admin/#/users/\d+$`)
	sessions := u.GetByTestId("user-session")
	require.NoError(t, u.expect.Locator(sessions).ToHaveCount(1))
	require.NoError(t, u.expect.Locator(sessions.First()).ToContainText("127.0.0.1"))
	events := u.GetByTestId("user-event")
	require.NoError(t, u.expect.Locator(events.First()).ToContainText("Login failed"), "the newest: a failed login on bob's account, by no one signed in")
	require.NoError(t, u.expect.Locator(events.First()).ToContainText("nobody signed in"))
	require.NoError(t, u.expect.Locator(events.Nth(1)).ToContainText("Login"), "bob's own login")
	require.NoError(t, u.expect.Locator(events.Nth(1)).ToContainText("bob"))
	require.NoError(t, u.expect.Locator(events.Last()).ToContainText("admin"), "the oldest: the admin created bob")
	require.NoError(t, u.expect.Locator(u.GetByText("bob has not consented to any application.")).ToBeVisible())
	u.Screenshot("user-detail")

	u.click(sessions.First().GetByRole(*playwright.AriaRoleButton))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("1 session of bob was ended."))
	require.NoError(t, u.expect.Locator(u.GetByTestId("user-sessions-empty")).ToBeVisible())
	require.Empty(t, phone.viewer(), "the phone's next request is anonymous")
	require.Equal(t, "admin", api.viewer(), "the admin's sessions stay")
}
