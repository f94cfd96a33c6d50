package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/outpost"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
	"github.com/gatehouse-id/gatehouse/outposts"
)

// The outposts page lists the embedded outpost, creates a standalone one
// serving a proxy provider and shows its token once (a token that
// authenticates it), then shows it healthy once it used the API, rotates
// its token and deletes it.
func TestBrowserAdminOutposts(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	ctx := viewer.SystemContext(t.Context())
	db := srv.app.db.Ent
	api := srv.browser()
	require.True(t, api.login("admin", adminPassword).Completed)
	var flow struct{ CreateFlow struct{ ID string } }
	api.must(`mutation { createFlow(input: {slug: "dash-authz", name: "Authorize", title: "Authorize", designation: AUTHORIZATION}) { id } }`, nil, &flow)
	api.must(`mutation($f: ID!) { createProxyProvider(input: {name: "Dashboard", externalHost: "https://dash.example.com", internalHost: "http://127.0.0.1:9", authorizationFlowID: $f}) { id } }`,
		map[string]any{"f": flow.CreateFlow.ID}, nil)

	u := newUI(t, srv, browsertest.Options{})
	u.OnDialog(func(d playwright.Dialog) { _ = d.Accept() })
	u.login("admin", adminPassword)
	u.visit("/if/admin/#/scopes")
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Outposts", Exact: new(true)}))
	u.at(`/if/admin/#/outposts$`)
	rows := u.GetByTestId("outpost-row")
	require.NoError(t, u.expect.Locator(rows).ToHaveCount(1))
	require.NoError(t, u.expect.Locator(rows.First()).ToContainText(outposts.EmbeddedName))

	form := u.GetByTestId("outpost-form")
	require.NoError(t, form.GetByLabel("Name", playwright.LocatorGetByLabelOptions{Exact: new(true)}).Fill("edge"))
	require.NoError(t, form.GetByLabel("Dashboard (https://dash.example.com)").Check())
	u.click(u.button("Create outpost"))
	secret := u.GetByTestId("client-secret")
	require.NoError(t, u.expect.Locator(secret).ToHaveValue(regexp.MustCompile(`^gho_`)))
	token, err := secret.InputValue()
	require.NoError(t, err)
	require.NoError(t, u.expect.Locator(rows).ToHaveCount(2))
	edge := u.Locator(`[data-testid="outpost-row"][data-name="edge"]`)
	require.NoError(t, u.expect.Locator(edge.GetByTestId("health")).ToHaveText("Not seen recently"))
	require.NoError(t, u.expect.Locator(edge.GetByLabel("Dashboard (https://dash.example.com)")).ToBeChecked())
	u.Screenshot("outposts")

	_, err = outposts.Authenticate(ctx, db, token, time.Now())
	require.NoError(t, err, "the token shown authenticates the outpost")
	u.click(u.button("I have stored it; hide the secret"))
	u.click(u.button("Rotate token of edge"))
	require.NoError(t, u.expect.Locator(secret).ToHaveValue(regexp.MustCompile(`^gho_`)))
	rotated, err := secret.InputValue()
	require.NoError(t, err)
	require.False(t, strings.EqualFold(rotated, token))
	require.NoError(t, u.expect.Locator(edge.GetByTestId("health")).ToHaveText("Healthy"))
	_, err = outposts.Authenticate(ctx, db, token, time.Now())
	require.ErrorIs(t, err, outposts.ErrInvalidToken)

	u.click(u.button("Delete edge"))
	require.NoError(t, u.expect.Locator(rows).ToHaveCount(1))
	require.False(t, db.Outpost.Query().Where(outpost.Name("edge")).ExistX(ctx))
}

// The proxy providers page creates a provider with its form (a field
// error names the field), lists it, saves a change and deletes it.
func TestBrowserAdminProxyProviders(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	ctx := viewer.SystemContext(t.Context())
	db := srv.app.db.Ent
	api := srv.browser()
	require.True(t, api.login("admin", adminPassword).Completed)
	api.must(`mutation { createFlow(input: {slug: "dash-authz", name: "Authorize", title: "Authorize", designation: AUTHORIZATION}) { id } }`, nil, nil)

	u := newUI(t, srv, browsertest.Options{})
	u.OnDialog(func(d playwright.Dialog) { _ = d.Accept() })
	u.login("admin", adminPassword)
	u.visit("/if/admin/#/proxy-providers")
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "New proxy provider", Exact: new(true)}))
	u.fill("Name", "Dashboard")
	u.fill("External host", "https://dash.example.com/app")
	u.fill("Paths without login", "^/health$\n^/static/")
	u.click(u.button("Create proxy provider"))
	require.NoError(t, u.expect.Locator(u.Locator(`[aria-invalid="true"]`)).ToHaveCount(1))
	require.NoError(t, u.expect.Locator(u.field("External host")).ToHaveAttribute("aria-invalid", "true"))
	u.fill("External host", "https://dash.example.com")
	u.click(u.button("Create proxy provider"))
	require.NoError(t, u.expect.Locator(u.Locator(`[aria-invalid="true"]`)).ToHaveCount(1))
	require.NoError(t, u.expect.Locator(u.field("Internal host")).ToHaveAttribute("aria-invalid", "true"), "proxy mode needs an upstream")
	u.fill("Internal host", "http://127.0.0.1:9000")
	u.click(u.button("Create proxy provider"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The proxy provider Dashboard was created."))
	p := db.ProxyProvider.Query().OnlyX(ctx)
	require.Equal(t, []string{"^/health$", "^/static/"}, p.SkipPathRegex)
	require.True(t, p.InternalHostTLSVerify)
	u.Screenshot("proxy-provider")

	u.click(u.field("Send the access token upstream"))
	u.click(u.button("Save proxy provider"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The proxy provider Dashboard was saved."))
	require.True(t, db.ProxyProvider.Query().OnlyX(ctx).SendAccessToken)

	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Proxy providers", Exact: new(true)}).First())
	require.NoError(t, u.expect.Locator(u.GetByTestId("proxy-provider-row")).ToHaveCount(1))
	// In the list: the console's navigation has a Dashboard link too.
	u.click(u.GetByTestId("proxy-provider-row").GetByRole(*playwright.AriaRoleLink, playwright.LocatorGetByRoleOptions{Name: "Dashboard", Exact: new(true)}))
	u.click(u.button("Delete"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The proxy provider Dashboard was deleted."))
	require.Zero(t, db.ProxyProvider.Query().CountX(ctx))
}
