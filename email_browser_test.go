package main

import (
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// A forgotten password in Chromium: "Forgot username or password?" on the
// login page, "check your mail", the link opened in another browser (the
// phone), which asks to continue and then for the new password, and is
// signed in; the laptop's page is told at once that the flow went on
// elsewhere, without being signed in.
func TestBrowserRecovery(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	admin := srv.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation($p: String!) { createUser(input: {username: "grace", name: "Grace Hopper", email: "grace@example.com"}, password: $p) { id } }`,
		map[string]any{"p": graceOld}, nil)

	laptop := newUI(t, srv, browsertest.Options{})
	laptop.visit("/")
	laptop.challenge("IdentificationChallenge")
	laptop.click(laptop.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Forgot username or password?"}))
	laptop.at(`/if/flow/default-recovery-flow/`)
	laptop.challenge("IdentificationChallenge")
	laptop.fill("Username or email", "grace@example.com")
	laptop.click(laptop.button("Continue"))
	laptop.challenge("EmailChallenge")
	laptop.see("g***@example.com")
	laptop.Screenshot("check-your-mail")

	phone := openMailedLink(t, srv, browsertest.Options{Width: 375, Height: 740})
	phone.click(phone.button("Continue"))
	phone.challenge("PromptChallenge")
	phone.Screenshot("new-password")

	laptop.challenge("AccessDeniedChallenge")
	laptop.see("This flow continued on another device")
	laptop.Screenshot("continued-elsewhere")

	phone.fill("New password", graceNew)
	phone.fill("New password (repeat)", graceNew)
	phone.click(phone.button("Continue"))
	phone.at(`/if/user/$`)
	require.NoError(t, phone.expect.Locator(phone.GetByTestId("signed-in-as")).ToHaveText("grace"))

	require.Empty(t, srv.browser().viewer())
	require.True(t, srv.headless().login("grace", graceNew).Completed, "the new password works")
}

// openMailedLink opens the one link srv mailed in a new browser (another
// device) and waits for its continue page.
func openMailedLink(t *testing.T, srv *testServer, o browsertest.Options) *ui {
	t.Helper()
	mails := srv.mail.Mails()
	require.Len(t, mails, 1)
	return openLinkUI(t, newUI(t, srv, o), mails[0].Data["link"])
}

// openLinkUI opens a mailed link's path and query on u and waits for its
// continue page.
func openLinkUI(t *testing.T, u *ui, link string) *ui {
	t.Helper()
	u.visit(mustURL(t, link).RequestURI())
	u.challenge("EmailContinueChallenge")
	u.Screenshot("continue-from-link")
	return u
}
