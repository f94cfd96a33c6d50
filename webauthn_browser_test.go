package main

import (
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/ent/webauthndevice"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// A signed-in user adds a passkey in Chromium with its virtual
// authenticator (CDP WebAuthn.addVirtualAuthenticator): the page turns the
// options into navigator.credentials.create's and the credential back into
// JSON, and the device is saved with the name given. A second try with the
// same authenticator is refused by the browser (the device is excluded)
// with a message, and saves nothing.
func TestBrowserWebAuthnSetup(t *testing.T) {
	t.Parallel()
	srv, u := passkeyBrowser(t)
	u.login("grace", "Cobol-Compiler-1959")
	u.visit("/if/flow/" + blueprints.AuthenticatorWebAuthnSetupFlow + "/")
	u.challenge("AuthenticatorWebauthnChallenge")
	u.see("Add a passkey or a security key")
	u.Screenshot("webauthn-setup")
	u.fill("Name (optional)", "Chromium")
	u.click(u.button("Add passkey"))
	u.at(`/if/user/$`)

	ctx := viewer.SystemContext(t.Context())
	db := srv.app.db.Ent
	dev := db.WebAuthnDevice.Query().Where(webauthndevice.HasUserWith(user.Username("grace"))).OnlyX(ctx)
	require.Equal(t, "Chromium", dev.Name)
	require.True(t, dev.UserVerified)
	require.Equal(t, "platform", dev.Attachment)

	u.visit("/if/flow/" + blueprints.AuthenticatorWebAuthnSetupFlow + "/")
	u.challenge("AuthenticatorWebauthnChallenge")
	u.click(u.button("Add passkey"))
	u.see("This authenticator is already registered for your account")
	u.Screenshot("webauthn-setup-excluded")
	require.Equal(t, 1, db.WebAuthnDevice.Query().CountX(ctx))
}

// A passkey setup stage through the console: the form starts at the
// input type's defaults, with "Any" authenticator kind (null), and a
// chosen kind is saved and shown again; choosing "Any" again saves null.
func TestBrowserAdminWebAuthnStage(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	u := newUI(t, srv, browsertest.Options{})
	u.login("admin", adminPassword)
	u.visit("/if/admin/#/stages/new")
	u.click(u.GetByRole(*playwright.AriaRoleRadio, playwright.PageGetByRoleOptions{Name: "Passkey (WebAuthn) setup"}))
	form := u.GetByTestId("stage-form")
	field := func(label string) playwright.Locator {
		return form.GetByLabel(label, playwright.LocatorGetByLabelOptions{Exact: new(true)})
	}
	require.NoError(t, field("Name").Fill("e2e-passkey"))
	require.NoError(t, u.expect.Locator(field("User verification")).ToHaveValue("PREFERRED"))
	require.NoError(t, u.expect.Locator(field("Discoverable credential (passkey)")).ToHaveValue("PREFERRED"))
	require.NoError(t, u.expect.Locator(field("Authenticator kind")).ToHaveValue(""))
	require.NoError(t, u.expect.Locator(field("Device name")).ToHaveValue("Passkey"))
	u.click(u.button("Create stage"))
	u.at(`/if/admin/#/stages/\d+$`)
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The stage e2e-passkey was created."))

	api := srv.browser()
	require.True(t, api.login("admin", adminPassword).Completed)
	type config struct {
		UserVerification, ResidentKeyRequirement, FriendlyName string
		AuthenticatorAttachment                                *string
	}
	read := func() config {
		t.Helper()
		var out struct {
			Stages struct {
				Edges []struct{ Node struct{ Config config } }
			}
		}
		api.must(`{ stages(where: {name: "e2e-passkey"}) { edges { node { config { ... on AuthenticatorWebauthnStage {
			userVerification residentKeyRequirement authenticatorAttachment friendlyName } } } } } }`, nil, &out)
		require.Len(t, out.Stages.Edges, 1)
		return out.Stages.Edges[0].Node.Config
	}
	require.Equal(t, config{UserVerification: "PREFERRED", ResidentKeyRequirement: "PREFERRED", FriendlyName: "Passkey"}, read())

	_, err := field("Authenticator kind").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"Security key or phone"}})
	require.NoError(t, err)
	_, err = field("User verification").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"Required"}})
	require.NoError(t, err)
	u.Screenshot("admin-webauthn-stage")
	u.click(u.button("Save stage"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The stage e2e-passkey was saved."))
	crossPlatform := "CROSS_PLATFORM"
	require.Equal(t, config{UserVerification: "REQUIRED", ResidentKeyRequirement: "PREFERRED", FriendlyName: "Passkey", AuthenticatorAttachment: &crossPlatform}, read())

	_, err = u.Reload()
	require.NoError(t, err)
	require.NoError(t, u.expect.Locator(field("Authenticator kind")).ToHaveValue("CROSS_PLATFORM"), "shown again")
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText(""), "the last save's message is gone")
	_, err = field("Authenticator kind").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"Any"}})
	require.NoError(t, err)
	u.click(u.button("Save stage"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The stage e2e-passkey was saved."))
	require.Nil(t, read().AuthenticatorAttachment)
}

// passkeyBrowser starts a server served as localhost (WebAuthn needs a
// domain) with the user grace, and a Chromium page with a virtual
// authenticator (newPasskeyUI).
func passkeyBrowser(t *testing.T) (*testServer, *ui) {
	t.Helper()
	browsertest.Get(t)
	env := newServerEnv(t, "embedded")
	env["GATEHOUSE_PUBLIC_URL"] = "http://localhost:{port}"
	srv := newTestServer(t, env)
	admin := srv.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "grace", name: "Grace Hopper"}, password: "Cobol-Compiler-1959") { id } }`, nil, nil)
	return srv, newPasskeyUI(t, srv)
}
