package main

import (
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/oauth2provider"
	"github.com/gatehouse-id/gatehouse/ent/scopemapping"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// Custom scopes through the console: a scope mapping is created (a bad
// expression first refused on its field), tested for a user (the claims,
// the reserved claims left out, then a failing expression's error), picked
// in a provider's scopes, and then cannot be deleted while the provider
// lists it.
func TestBrowserAdminScopes(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	api := srv.browser()
	require.True(t, api.login("admin", adminPassword).Completed)
	api.must(`mutation { createUser(input: {username: "grace", name: "Grace Hopper", attributes: {department: "Navy"}}) { id } }`, nil, nil)
	var flow struct{ CreateFlow struct{ ID string } }
	api.must(`mutation { createFlow(input: {slug: "e2e-consent", name: "Consent", title: "Consent", designation: AUTHORIZATION}) { id } }`, nil, &flow)
	api.must(`mutation($f: ID!) { createOAuth2Provider(input: {name: "e2e-erp", redirectUris: [{url: "https://erp.example.com/cb"}], authorizationFlowID: $f}) { provider { id } } }`,
		map[string]any{"f": flow.CreateFlow.ID}, nil)

	u := newUI(t, srv, browsertest.Options{})
	u.OnDialog(func(d playwright.Dialog) { _ = d.Accept() }) // the delete confirmation
	u.login("admin", adminPassword)

	u.visit("/if/admin/#/scopes")
	u.see("There are no custom scopes yet.")
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "New scope"}))
	u.at(`/if/admin/#/scopes/new$`)
	form := u.GetByTestId("scope-form")
	field := func(label string) playwright.Locator {
		return form.GetByLabel(label, playwright.LocatorGetByLabelOptions{Exact: new(true)})
	}
	require.NoError(t, field("Name").Fill("ERP"))
	require.NoError(t, field("Scope").Fill("erp"))
	require.NoError(t, field("Description").Fill("Your department in the ERP"))
	require.NoError(t, field("Claims expression (CEL)").Fill(`user.username == "grace"`))
	u.click(u.button("Create scope"))
	require.NoError(t, u.expect.Locator(field("Claims expression (CEL)")).ToHaveAttribute("aria-invalid", "true"))
	require.NoError(t, u.expect.Locator(form.Locator(".field__error")).ToContainText("must evaluate to a map of claims"))
	u.Screenshot("scope-bad-expression")
	require.NoError(t, field("Claims expression (CEL)").Fill(`{"department": user.attributes.department, "sub": "x"}`))
	u.click(u.button("Create scope"))
	u.at(`/if/admin/#/scopes/\d+$`)
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The scope erp was created."))

	db := srv.app.db.Ent
	ctx := viewer.SystemContext(t.Context())
	stored := db.ScopeMapping.Query().Where(scopemapping.ScopeName("erp")).OnlyX(ctx)
	require.Equal(t, "Your department in the ERP", stored.Description)

	// Tested for grace: her claims, sub left out.
	test := u.GetByTestId("scope-test")
	require.NoError(t, test.GetByLabel("Test for user: search", playwright.LocatorGetByLabelOptions{Exact: new(true)}).Fill("grace"))
	u.click(test.GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Choose grace"}))
	u.click(test.GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Test for grace"}))
	result := u.GetByTestId("scope-test-result")
	require.NoError(t, u.expect.Locator(result).ToHaveAttribute("data-failed", "false"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("scope-test-claims")).ToContainText(`"department": "Navy"`))
	require.NoError(t, u.expect.Locator(u.GetByTestId("scope-test-dropped")).ToHaveText("Reserved claims left out: sub."))
	u.Screenshot("scope-test")

	// An expression that fails for her shows CEL's error.
	require.NoError(t, field("Claims expression (CEL)").Fill(`{"cost_center": user.attributes.cost_center}`))
	u.click(u.button("Save scope"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The scope erp was saved."))
	u.click(test.GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Test for grace"}))
	require.NoError(t, u.expect.Locator(result).ToHaveAttribute("data-failed", "true"))
	require.NoError(t, u.expect.Locator(result).ToContainText("no such key: cost_center"))

	// The provider form offers the custom scope beside the built-in ones.
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Providers", Exact: new(true)}))
	u.click(u.Locator(`[data-testid="provider-row"][data-provider-name="e2e-erp"]`).GetByRole(*playwright.AriaRoleLink))
	providerForm := u.GetByTestId("provider-form")
	custom := providerForm.GetByLabel("erp (Your department in the ERP)", playwright.LocatorGetByLabelOptions{Exact: new(true)})
	require.NoError(t, custom.Check())
	u.Screenshot("provider-custom-scope")
	u.click(u.button("Save provider"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The provider e2e-erp was saved."))
	p := db.OAuth2Provider.Query().Where(oauth2provider.Name("e2e-erp")).OnlyX(ctx)
	require.Equal(t, []string{"openid", "profile", "email", "erp"}, p.Scopes)

	// Listed by the provider, the scope cannot be deleted.
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Scopes", Exact: new(true)}))
	row := u.Locator(`[data-testid="scope-row"][data-scope-name="erp"]`)
	require.NoError(t, u.expect.Locator(row).ToContainText("Your department in the ERP"))
	u.click(row.GetByRole(*playwright.AriaRoleLink))
	u.click(u.button("Delete scope"))
	require.NoError(t, u.expect.Locator(u.GetByRole(*playwright.AriaRoleAlert)).ToContainText("e2e-erp"))
	require.True(t, db.ScopeMapping.Query().Where(scopemapping.ScopeName("erp")).ExistX(ctx))
}
