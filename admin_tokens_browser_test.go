package main

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// The API tokens page creates a token whose secret it shows once (a
// secret that authenticates, gone after a reload), expires one, and
// revokes one: its secret stops authenticating at once.
func TestBrowserAdminTokens(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	u := newUI(t, srv, browsertest.Options{})
	u.OnDialog(func(d playwright.Dialog) { _ = d.Accept() })
	u.login("admin", adminPassword)
	u.visit("/if/admin/#/users")
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "API tokens", Exact: new(true)}))
	u.at(`/if/admin/#/tokens$`)

	// A field error from the API is shown on its field.
	u.fill("Identifier", "Not A Slug")
	u.click(u.button("Create token"))
	require.NoError(t, u.expect.Locator(u.field("Identifier")).ToHaveAttribute("aria-invalid", "true"))

	u.fill("Identifier", "ci-deploy")
	u.fill("Description", "Deploys from CI")
	u.click(u.button("Create token"))
	secret := u.GetByTestId("client-secret")
	require.NoError(t, u.expect.Locator(secret).ToHaveValue(regexp.MustCompile(`.{20,}`)))
	key, err := secret.InputValue()
	require.NoError(t, err)
	rows := u.GetByTestId("token-row")
	require.NoError(t, u.expect.Locator(rows).ToHaveCount(1))
	require.NoError(t, u.expect.Locator(rows.First()).ToContainText("Deploys from CI"))
	u.Screenshot("tokens")

	bearer := srv.headless()
	bearer.header.Set("Authorization", "Bearer "+key)
	require.Equal(t, "admin", bearer.viewer(), "the secret shown authenticates as its user")

	_, err = u.Reload()
	require.NoError(t, err)
	require.NoError(t, u.expect.Locator(rows).ToHaveCount(1))
	require.NoError(t, u.expect.Locator(u.GetByTestId("client-secret-box")).ToHaveCount(0), "the secret is shown once")

	// A second token, without expiry, then with one; a past expiry is refused on its field.
	u.fill("Identifier", "old-script")
	u.click(u.field("The token expires"))
	u.click(u.button("Create token"))
	require.NoError(t, u.expect.Locator(rows).ToHaveCount(2))
	old := u.Locator(`[data-testid="token-row"][data-identifier="old-script"]`)
	require.NoError(t, u.expect.Locator(old.GetByTestId("token-expiry")).ToHaveText("Never"))
	u.click(u.button("Change expiry of old-script"))
	form := u.GetByTestId("token-expiry-form")
	require.NoError(t, form.GetByLabel("The token expires").Check())
	expires := form.GetByLabel("Expires", playwright.LocatorGetByLabelOptions{Exact: new(true)})
	require.NoError(t, expires.Fill("2020-01-01T10:00"))
	u.click(u.button("Save expiry"))
	require.NoError(t, u.expect.Locator(expires).ToHaveAttribute("aria-invalid", "true"))
	require.NoError(t, expires.Fill("2999-01-01T10:00"))
	u.click(u.button("Save expiry"))
	require.NoError(t, u.expect.Locator(old.GetByTestId("token-expiry")).ToContainText("2999"))

	u.click(u.button("Revoke ci-deploy"))
	require.NoError(t, u.expect.Locator(rows).ToHaveCount(1))
	res := bearer.do(`{ viewer { user { username } } }`, nil)
	require.Equal(t, http.StatusUnauthorized, res.status, "the revoked token stops authenticating")
}
