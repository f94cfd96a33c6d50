package main

import (
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/blueprints"
)

// In Chromium with its virtual authenticator (CDP
// WebAuthn.addVirtualAuthenticator): a user adds a passkey, logs in with
// password + passkey (the second-factor page's passkey button), logs out,
// and logs in with the passkey alone through "Use a security key instead"
// on the login page.
func TestBrowserPasskeyLogin(t *testing.T) {
	t.Parallel()
	_, u := passkeyBrowser(t)
	u.login("grace", "Cobol-Compiler-1959")
	u.visit("/if/flow/" + blueprints.AuthenticatorWebAuthnSetupFlow + "/")
	u.challenge("AuthenticatorWebauthnChallenge")
	u.click(u.button("Add passkey"))
	u.at(`/if/user/$`)

	// Password + passkey.
	u.logout()
	u.answerLogin("grace", "Cobol-Compiler-1959")
	u.challenge("AuthenticatorValidateChallenge")
	u.Screenshot("mfa-validate-passkey")
	u.click(u.button("Use your passkey / security key"))
	u.at(`/if/user/$`)
	require.NoError(t, u.expect.Locator(u.GetByTestId("signed-in-as")).ToHaveText("grace"))

	// The passkey alone.
	u.logout()
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Use a security key instead"}))
	u.at(`/if/flow/` + blueprints.PasswordlessFlow + `/`)
	u.challenge("AuthenticatorValidateChallenge")
	u.see("Sign in with your passkey or security key")
	u.Screenshot("passwordless")
	u.click(u.button("Use your passkey / security key"))
	u.at(`/if/user/$`)
	require.NoError(t, u.expect.Locator(u.GetByTestId("signed-in-as")).ToHaveText("grace"))
}
