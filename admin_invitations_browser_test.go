package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/invitation"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// The console's Invitations page creates an invitation for the default
// enrollment flow with fixed data, shows its link once (the link carries
// a token only the link holds), lists it, and deletes it.
func TestBrowserAdminInvitations(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	u := newUI(t, srv, browsertest.Options{})
	u.login("admin", adminPassword)
	u.visit("/if/admin/#/flows")
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Invitations", Exact: new(true)}))
	u.at(`/if/admin/#/invitations$`)

	form := u.GetByTestId("invitation-form")
	require.NoError(t, form.GetByLabel("Name", playwright.LocatorGetByLabelOptions{Exact: new(true)}).Fill("new-hire"))
	require.NoError(t, u.expect.Locator(form.GetByLabel("Enrollment flow", playwright.LocatorGetByLabelOptions{Exact: new(true)})).ToHaveValue(regexpAny))
	require.NoError(t, form.GetByLabel("Fixed data (JSON)", playwright.LocatorGetByLabelOptions{Exact: new(true)}).Fill(`not json`))
	u.click(u.button("Create invitation"))
	require.NoError(t, u.expect.Locator(form).ToContainText("Enter a JSON object"))
	require.NoError(t, form.GetByLabel("Fixed data (JSON)", playwright.LocatorGetByLabelOptions{Exact: new(true)}).Fill(`{"email": "hire@example.com"}`))
	u.click(u.button("Create invitation"))

	link := u.GetByTestId("client-secret")
	require.NoError(t, u.expect.Locator(link).ToHaveValue(regexpFlowLink))
	value, err := link.InputValue()
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(value, srv.url+"/if/flow/default-enrollment-flow/?itoken="), value)
	row := u.Locator(`[data-testid="invitation-row"][data-name="new-hire"]`)
	require.NoError(t, u.expect.Locator(row.GetByTestId("uses")).ToHaveText("Single use, unused"))
	u.Screenshot("invitations")

	ctx := viewer.SystemContext(t.Context())
	inv := srv.app.db.Ent.Invitation.Query().Where(invitation.Name("new-hire")).OnlyX(ctx)
	require.Equal(t, map[string]any{"email": "hire@example.com"}, inv.FixedData)
	require.NotContains(t, inv.KeyHash, value[strings.Index(value, "itoken=")+len("itoken="):], "only a hash is stored")

	u.click(u.button("I have stored it; hide the secret"))
	require.NoError(t, u.expect.Locator(link).ToHaveCount(0), "the link is shown once")
	u.OnDialog(func(d playwright.Dialog) { _ = d.Accept() })
	u.click(row.GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Delete new-hire"}))
	require.NoError(t, u.expect.Locator(row).ToHaveCount(0))
	require.Zero(t, srv.app.db.Ent.Invitation.Query().CountX(ctx))
}

var (
	regexpAny      = regexp.MustCompile(`.+`)
	regexpFlowLink = regexp.MustCompile(`/if/flow/default-enrollment-flow/\?itoken=[A-Za-z0-9_-]{32,}$`)
)
