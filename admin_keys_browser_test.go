package main

import (
	"strconv"
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/oauth2provider"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/signingkey"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// The signing keys page lists the active keys (each algorithm's current
// key, badged) and the retired ones with when they are removed; a
// provider's form pins a retired key (the algorithm follows it and is
// locked), which the keys page then shows kept and pinned by the
// provider; back to automatic, the key's removal time returns.
func TestBrowserAdminSigningKeys(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	ctx := viewer.SystemContext(t.Context())
	db := srv.app.db.Ent
	retired := db.SigningKey.Query().Where(signingkey.AlgorithmEQ(enum.SigningAlgorithmES256)).OnlyX(ctx)
	// The rotation job's run with every key due: new current keys, the
	// first ones retired.
	_, _, err := srv.app.signingKeys.Rotate(t.Context(), 0)
	require.NoError(t, err)
	api := srv.browser()
	require.True(t, api.login("admin", adminPassword).Completed)
	var flow struct{ CreateFlow struct{ ID string } }
	api.must(`mutation { createFlow(input: {slug: "e2e-consent", name: "Consent", title: "Consent", designation: AUTHORIZATION}) { id } }`, nil, &flow)
	api.must(`mutation($f: ID!) { createOAuth2Provider(input: {name: "legacy-rp", redirectUris: [{url: "https://legacy.example.com/cb"}], authorizationFlowID: $f}) { provider { id } } }`,
		map[string]any{"f": flow.CreateFlow.ID}, nil)

	u := newUI(t, srv, browsertest.Options{})
	u.login("admin", adminPassword)
	u.visit("/if/admin/#/providers")
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Signing keys", Exact: new(true)}))
	u.at(`/if/admin/#/signing-keys$`)
	active := u.GetByTestId("active-keys").GetByTestId("signing-key-row")
	require.NoError(t, u.expect.Locator(active).ToHaveCount(2))
	require.NoError(t, u.expect.Locator(u.GetByTestId("active-keys").GetByTestId("current")).ToHaveCount(2))
	oldRows := u.GetByTestId("retired-keys").GetByTestId("signing-key-row")
	require.NoError(t, u.expect.Locator(oldRows).ToHaveCount(2))
	row := u.Locator(`[data-testid="signing-key-row"][data-kid="` + retired.Kid + `"]`)
	require.NoError(t, u.expect.Locator(row).ToContainText("ES256"))
	require.NoError(t, u.expect.Locator(row.GetByTestId("expires")).Not().ToHaveText("Kept while pinned"))
	require.NoError(t, u.expect.Locator(row.GetByTestId("pinned-by")).ToHaveText("None"))
	u.Screenshot("signing-keys")

	// Pin the retired key on the provider's page.
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Providers", Exact: new(true)}))
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "legacy-rp", Exact: new(true)}))
	form := u.GetByTestId("provider-form")
	field := func(label string) playwright.Locator {
		return form.GetByLabel(label, playwright.LocatorGetByLabelOptions{Exact: new(true)})
	}
	require.NoError(t, u.expect.Locator(field("Signing key")).ToHaveValue(""))
	require.NoError(t, u.expect.Locator(field("Signing algorithm")).ToHaveValue("RS256"))
	require.NoError(t, u.expect.Locator(field("Signing key").Locator("option", playwright.LocatorLocatorOptions{HasText: retired.Kid})).ToHaveCount(1))
	_, err = field("Signing key").SelectOption(playwright.SelectOptionValues{Values: &[]string{strconv.Itoa(retired.ID)}})
	require.NoError(t, err)
	require.NoError(t, u.expect.Locator(field("Signing algorithm")).ToHaveValue("ES256"))
	require.NoError(t, u.expect.Locator(field("Signing algorithm")).ToBeDisabled())
	u.Screenshot("provider-signing-key")
	u.click(u.button("Save provider"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The provider legacy-rp was saved."))
	p := db.OAuth2Provider.Query().Where(oauth2provider.Name("legacy-rp")).OnlyX(ctx)
	require.NotNil(t, p.SigningKeyID)
	require.Equal(t, retired.ID, *p.SigningKeyID)
	require.Equal(t, enum.SigningAlgorithmES256, p.SigningAlgorithm)

	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Signing keys", Exact: new(true)}))
	require.NoError(t, u.expect.Locator(row.GetByTestId("expires")).ToHaveText("Kept while pinned"))
	require.NoError(t, u.expect.Locator(row.GetByTestId("pinned-by")).ToHaveText("legacy-rp"))
	u.Screenshot("signing-keys-pinned")

	// Back to automatic: the key's clock runs again.
	u.click(row.GetByRole(*playwright.AriaRoleLink, playwright.LocatorGetByRoleOptions{Name: "legacy-rp"}))
	u.at(`/if/admin/#/providers/\d+$`)
	require.NoError(t, u.expect.Locator(field("Signing key")).ToHaveValue(strconv.Itoa(retired.ID)))
	_, err = field("Signing key").SelectOption(playwright.SelectOptionValues{Values: &[]string{""}})
	require.NoError(t, err)
	require.NoError(t, u.expect.Locator(field("Signing algorithm")).ToBeEnabled())
	u.click(u.button("Save provider"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The provider legacy-rp was saved."))
	p = db.OAuth2Provider.GetX(ctx, p.ID)
	require.Nil(t, p.SigningKeyID)
	require.Equal(t, enum.SigningAlgorithmES256, p.SigningAlgorithm, "the algorithm stays")
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Signing keys", Exact: new(true)}))
	require.NoError(t, u.expect.Locator(row.GetByTestId("pinned-by")).ToHaveText("None"))
	require.NoError(t, u.expect.Locator(row.GetByTestId("expires")).Not().ToHaveText("Kept while pinned"))
}
