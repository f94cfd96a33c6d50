package main

import (
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// The console's user page sends the user a recovery link, after a
// confirmation, and says where it went.
func TestBrowserAdminSendsRecoveryLink(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	admin := srv.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "grace", email: "grace@example.com"}, password: "Cobol-Compiler-1959") { id } }`, nil, nil)

	u := newUI(t, srv, browsertest.Options{})
	u.login("admin", adminPassword)
	u.visit("/if/admin/#/users/" + userID(t, srv, "grace"))
	asked := make(chan string, 1)
	u.OnDialog(func(d playwright.Dialog) {
		select {
		case asked <- d.Message():
		default:
		}
		_ = d.Accept()
	})
	box := u.GetByTestId("send-recovery-link")
	u.click(box.GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Send recovery link"}))
	require.NoError(t, u.expect.Locator(box.GetByRole(*playwright.AriaRoleStatus)).ToHaveText("Sent to g***@example.com"))
	require.Contains(t, <-asked, "grace", "the confirmation names the user")
	mails := srv.mail.Mails()
	require.Len(t, mails, 1)
	require.Equal(t, "grace@example.com", mails[0].Args.To)
	require.Equal(t, "recovery", mails[0].Args.Template)
	u.Screenshot("recovery-link-sent")
}
