package main

import (
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/brand"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// The brands page creates a brand (an invalid domain is refused on its
// field), saves a change of its flows and attributes, and deletes it.
func TestBrowserAdminBrands(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	ctx := viewer.SystemContext(t.Context())
	db := srv.app.db.Ent
	u := newUI(t, srv, browsertest.Options{})
	u.OnDialog(func(d playwright.Dialog) { _ = d.Accept() })
	u.login("admin", adminPassword)
	u.visit("/if/admin/#/users")
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Brands", Exact: new(true)}))
	u.at(`/if/admin/#/brands$`)
	require.NoError(t, u.expect.Locator(u.GetByTestId("brand-row")).ToHaveCount(db.Brand.Query().CountX(ctx)))

	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "New brand", Exact: new(true)}))
	u.fill("Domain", "not a host")
	u.fill("Title", "Acme")
	u.click(u.button("Create brand"))
	require.NoError(t, u.expect.Locator(u.field("Domain")).ToHaveAttribute("aria-invalid", "true"))
	u.fill("Domain", "login.acme.test")
	u.fill("Logo", "/static/acme.svg")
	u.click(u.button("Create brand"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The brand login.acme.test was created."))
	b := db.Brand.Query().Where(brand.Domain("login.acme.test")).OnlyX(ctx)
	require.Equal(t, "Acme", b.BrandingTitle)
	require.Equal(t, "/static/acme.svg", b.BrandingLogo)
	require.Nil(t, b.FlowAuthenticationID)
	u.Screenshot("brand")

	// The first authentication flow (after "None").
	_, err := u.field("Authentication flow").SelectOption(playwright.SelectOptionValues{Indexes: &[]int{1}})
	require.NoError(t, err)
	require.NoError(t, u.field("Attributes (JSON)").Fill(`{"theme": "dark"}`))
	u.click(u.button("Save brand"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The brand login.acme.test was saved."))
	b = db.Brand.GetX(ctx, b.ID)
	require.NotNil(t, b.FlowAuthenticationID)
	require.Equal(t, map[string]any{"theme": "dark"}, b.Attributes)

	// A flow set back to none is cleared.
	_, err = u.field("Authentication flow").SelectOption(playwright.SelectOptionValues{Values: &[]string{""}})
	require.NoError(t, err)
	u.click(u.button("Save brand"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The brand login.acme.test was saved."))
	require.Eventually(t, func() bool { return db.Brand.GetX(ctx, b.ID).FlowAuthenticationID == nil }, 15*time.Second, 20*time.Millisecond,
		"cleared")

	u.click(u.button("Delete brand"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The brand login.acme.test was deleted."))
	require.False(t, db.Brand.Query().Where(brand.Domain("login.acme.test")).ExistX(ctx))
}
