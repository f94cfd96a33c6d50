package main

import (
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/ent/staticdevice"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// Deleting the last second factor on the settings page: the server asks
// for a fresh one (MFA_REQUIRED), the page runs the confirmation flow in
// place, and once a recovery code is confirmed it deletes the set, still
// signed in.
func TestBrowserDeletingTheLastSecondFactor(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	admin := srv.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "grace", name: "Grace Hopper"}, password: "Cobol-Compiler-1959") { id } }`, nil, nil)

	u := newUI(t, srv, browsertest.Options{})
	u.login("grace", "Cobol-Compiler-1959")
	u.visit("/if/flow/" + blueprints.AuthenticatorStaticSetupFlow + "/")
	u.challenge("AuthenticatorStaticChallenge")
	codes, err := u.GetByTestId("recovery-codes").Locator("code").AllInnerTexts()
	require.NoError(t, err)
	u.click(u.button("I have saved these codes"))
	u.at(`/if/user/$`)
	u.see("10 unused")

	u.OnDialog(func(d playwright.Dialog) { _ = d.Accept() })
	u.click(u.button("Delete Recovery codes"))
	confirm := u.GetByTestId("mfa-confirmation")
	require.NoError(t, u.expect.Locator(confirm).ToBeVisible())
	u.see("confirm it's you to delete it")
	ctx := viewer.SystemContext(t.Context())
	require.Equal(t, 1, srv.app.db.Ent.StaticDevice.Query().CountX(ctx), "nothing is deleted yet")
	u.Screenshot("mfa-confirmation")

	u.fill("Recovery code", codes[0])
	u.click(confirm.GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Verify"}))
	u.see("The device was deleted.")
	u.see("You have no second factor yet.")
	require.False(t, srv.app.db.Ent.StaticDevice.Query().Where(staticdevice.NameEQ("Recovery codes")).ExistX(ctx))
	require.NoError(t, u.expect.Locator(u.GetByTestId("signed-in-as")).ToHaveText("grace"), "still signed in")
}
