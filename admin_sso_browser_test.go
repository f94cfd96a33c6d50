package main

import (
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/application"
	"github.com/gatehouse-id/gatehouse/ent/oauth2provider"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
	"github.com/gatehouse-id/gatehouse/oidc/clients"
)

// Single sign-on through the console: a confidential OAuth2 provider is
// registered with two redirect URIs, its secret is shown once (and works),
// is gone after leaving the page, a bad redirect URI is refused on its
// row, the secret is rotated, and an application served by the provider
// lets in one group.
func TestBrowserAdminSSO(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	api := srv.browser()
	require.True(t, api.login("admin", adminPassword).Completed)
	// The default install has no flow designated AUTHORIZATION.
	api.must(`mutation { createFlow(input: {slug: "e2e-consent", name: "Consent", title: "Consent", designation: AUTHORIZATION}) { id } }`, nil, nil)
	api.must(`mutation { createGroup(input: {name: "e2e-staff"}) { id } }`, nil, nil)

	u := newUI(t, srv, browsertest.Options{})
	// Accept the confirmations (rotating the secret).
	u.OnDialog(func(d playwright.Dialog) { _ = d.Accept() })
	require.NoError(t, u.Context.GrantPermissions([]string{"clipboard-read", "clipboard-write"}))
	u.login("admin", adminPassword)

	// A confidential provider with two redirect URIs, through the form.
	u.visit("/if/admin/#/providers")
	u.see("There are no providers yet.")
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "New provider"}))
	u.at(`/if/admin/#/providers/new$`)
	form := u.GetByTestId("provider-form")
	field := func(label string) playwright.Locator {
		return form.GetByLabel(label, playwright.LocatorGetByLabelOptions{Exact: new(true)})
	}
	selectLabel := func(l playwright.Locator, label string) {
		t.Helper()
		_, err := l.SelectOption(playwright.SelectOptionValues{Labels: &[]string{label}})
		require.NoError(t, err)
	}
	require.NoError(t, field("Name").Fill("e2e-app"))
	require.NoError(t, u.expect.Locator(field("Client type")).ToHaveValue("CONFIDENTIAL"))
	require.NoError(t, field("Redirect URI 1").Fill("https://app.example.com/cb"))
	u.click(form.GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Add a redirect URI"}))
	require.NoError(t, field("Redirect URI 2").Fill(`https://app\.example\.com/alt/[a-z]+`))
	selectLabel(field("Redirect URI 2 matching"), "Regular expression")
	require.NoError(t, field("groups").Check())
	selectLabel(field("Authorization flow"), "Consent (e2e-consent)")
	require.NoError(t, field("Access token lifetime (seconds)").Fill("900"))
	u.Screenshot("provider-new")
	u.click(u.button("Create provider"))
	u.at(`/if/admin/#/providers/\d+$`)
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The provider e2e-app was created."))

	// The secret, once, with a warning; it copies to the clipboard.
	box := u.GetByTestId("client-secret-box")
	require.NoError(t, u.expect.Locator(box).ToBeVisible())
	require.NoError(t, u.expect.Locator(box).ToContainText("it will not be shown again"))
	secret, err := box.GetByTestId("client-secret").InputValue()
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(secret), clients.MinSecretLength)
	u.Screenshot("provider-secret")
	u.click(box.GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Copy", Exact: new(true)}))
	require.NoError(t, u.expect.Locator(box.GetByRole(*playwright.AriaRoleStatus)).ToHaveText("Copied to the clipboard."))
	copied, err := u.Evaluate(`() => navigator.clipboard.readText()`)
	require.NoError(t, err)
	require.Equal(t, secret, copied)

	// It is the provider's secret, as stored (hashed) with the form's settings.
	db := srv.app.db.Ent
	ctx := viewer.SystemContext(t.Context())
	stored := db.OAuth2Provider.Query().Where(oauth2provider.Name("e2e-app")).OnlyX(ctx)
	require.True(t, clients.VerifySecret(stored, secret), "the secret shown works")
	require.Equal(t, []enum.RedirectURI{
		{URL: "https://app.example.com/cb", MatchingMode: enum.RedirectURIMatchingModeStrict},
		{URL: `https://app\.example\.com/alt/[a-z]+`, MatchingMode: enum.RedirectURIMatchingModeRegex},
	}, stored.RedirectUris)
	require.Equal(t, []string{"openid", "profile", "email", "groups"}, stored.Scopes)
	require.Equal(t, 900, stored.AccessTokenValidity)
	require.Equal(t, enum.ClientTypeConfidential, stored.ClientType)
	require.NoError(t, u.expect.Locator(u.GetByTestId("client-id")).ToHaveText(stored.ClientID))

	// Away and back: the secret is gone, and was kept nowhere.
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Providers", Exact: new(true)}))
	row := u.Locator(`[data-testid="provider-row"][data-provider-name="e2e-app"]`)
	require.NoError(t, u.expect.Locator(row).ToContainText("Confidential"))
	require.NoError(t, u.expect.Locator(row).ToContainText(stored.ClientID))
	u.click(row.GetByRole(*playwright.AriaRoleLink, playwright.LocatorGetByRoleOptions{Name: "e2e-app"}))
	require.NoError(t, u.expect.Locator(u.GetByTestId("has-client-secret")).ToHaveText("Set (never shown again)"))
	require.NoError(t, u.expect.Locator(box).ToHaveCount(0))
	kept, err := u.Evaluate(`() => location.href + JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.body.innerHTML`)
	require.NoError(t, err)
	require.NotContains(t, kept, secret)

	// A redirect URI with a fragment is refused on its row.
	require.NoError(t, u.expect.Locator(field("Redirect URI 2")).ToHaveValue(`https://app\.example\.com/alt/[a-z]+`))
	selectLabel(field("Redirect URI 2 matching"), "Strict (the exact URI)")
	require.NoError(t, field("Redirect URI 2").Fill("https://app.example.com/cb#frag"))
	u.click(u.button("Save provider"))
	rows := form.GetByTestId("redirect-uris").GetByTestId("uri-row")
	require.NoError(t, u.expect.Locator(rows.Nth(1).Locator(".field__error")).ToContainText("fragment"))
	require.NoError(t, u.expect.Locator(field("Redirect URI 2")).ToHaveAttribute("aria-invalid", "true"))
	require.NoError(t, u.expect.Locator(rows.Nth(0).Locator(".field__error")).ToHaveCount(0))
	u.Screenshot("provider-bad-redirect-uri")
	require.NoError(t, field("Redirect URI 2").Fill("https://app.example.com/cb2"))
	u.click(u.button("Save provider"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The provider e2e-app was saved."))
	require.NoError(t, u.expect.Locator(form.Locator(".field__error")).ToHaveCount(0))

	// Rotating: a new secret, once; the old one stops working.
	u.click(u.button("Rotate secret"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The client secret of e2e-app was rotated."))
	require.NoError(t, u.expect.Locator(box).ToBeVisible())
	rotated, err := box.GetByTestId("client-secret").InputValue()
	require.NoError(t, err)
	require.NotEqual(t, secret, rotated)
	stored = db.OAuth2Provider.GetX(ctx, stored.ID)
	require.True(t, clients.VerifySecret(stored, rotated))
	require.False(t, clients.VerifySecret(stored, secret), "the old secret no longer works")
	require.Equal(t, "https://app.example.com/cb2", stored.RedirectUris[1].URL)

	// An application served by the provider, which lets in e2e-staff.
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Applications", Exact: new(true)}))
	require.NoError(t, u.expect.Locator(box).ToHaveCount(0))
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "New application"}))
	appForm := u.GetByTestId("application-form")
	appField := func(label string) playwright.Locator {
		return appForm.GetByLabel(label, playwright.LocatorGetByLabelOptions{Exact: new(true)})
	}
	require.NoError(t, appField("Name").Fill("E2E App"))
	require.NoError(t, appField("Slug").Fill("e2e-app"))
	require.NoError(t, appField("Launch URL").Fill("https://app.example.com/"))
	require.NoError(t, appField("Group").Fill("Testing"))
	selectLabel(appField("Provider"), "e2e-app")
	u.click(u.button("Create application"))
	u.at(`/if/admin/#/applications/\d+$`)
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The application E2E App was created."))
	require.NoError(t, u.expect.Locator(u.GetByTestId("policy-binding-list-empty")).ToBeVisible())

	bind := u.GetByTestId("add-policy-binding")
	selectLabel(bind.GetByLabel("Bind what", playwright.LocatorGetByLabelOptions{Exact: new(true)}), "A group (its members)")
	selectLabel(bind.GetByLabel("Group to bind", playwright.LocatorGetByLabelOptions{Exact: new(true)}), "e2e-staff")
	u.click(bind.GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Bind", Exact: new(true)}))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("Group e2e-staff was bound."))
	bindings := u.GetByTestId("policy-binding")
	require.NoError(t, u.expect.Locator(bindings).ToHaveCount(1))
	require.NoError(t, u.expect.Locator(bindings.First()).ToHaveAttribute("data-subject", "Group e2e-staff"))
	// Who may use it, tested: an anonymous request is not in the group.
	test := u.GetByTestId("policy-test")
	u.click(test.GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Test for an anonymous request", Exact: new(true)}))
	require.NoError(t, u.expect.Locator(u.GetByTestId("policy-test-result")).ToHaveAttribute("data-passing", "false"))
	u.Screenshot("application")

	app := db.Application.Query().Where(application.Slug("e2e-app")).
		WithProvider().
		WithPolicyBindings(func(q *ent.PolicyBindingQuery) { q.WithGroup() }).
		OnlyX(ctx)
	require.Equal(t, "https://app.example.com/", app.LaunchURL)
	require.Equal(t, "Testing", app.Group)
	require.NotNil(t, app.Edges.Provider)
	require.Equal(t, stored.ID, app.Edges.Provider.ID)
	require.Len(t, app.Edges.PolicyBindings, 1)
	require.NotNil(t, app.Edges.PolicyBindings[0].Edges.Group)
	require.Equal(t, "e2e-staff", app.Edges.PolicyBindings[0].Edges.Group.Name)

	// A provider serves one application: another is refused on the field.
	u.visit("/if/admin/#/applications/new")
	require.NoError(t, appField("Name").Fill("Other"))
	require.NoError(t, appField("Slug").Fill("other"))
	selectLabel(appField("Provider"), "e2e-app (serves E2E App)")
	u.click(u.button("Create application"))
	require.NoError(t, u.expect.Locator(appField("Provider")).ToHaveAttribute("aria-invalid", "true"))
	require.NoError(t, u.expect.Locator(appForm.Locator(".field__error")).ToContainText(`"e2e-app"`))

	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Applications", Exact: new(true)}))
	appRow := u.Locator(`[data-testid="application-row"][data-slug="e2e-app"]`)
	require.NoError(t, u.expect.Locator(appRow).ToContainText("Testing"))
	require.NoError(t, u.expect.Locator(appRow).ToContainText("e2e-app"))
}
