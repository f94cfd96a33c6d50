package main

import (
	"testing"

	"github.com/playwright-community/playwright-go"
	libtotp "github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
	"github.com/gatehouse-id/gatehouse/mfa/totp"
)

// TestJourney's way in Chromium, one browser: the laptop (a page with a
// virtual authenticator) signs up, sets up its second factors and logs in
// every way; mailed links (from the SMTP peer) are opened on the phone
// (another browser context). TOTP codes are those of the server's clock.
func TestJourneyBrowser(t *testing.T) {
	t.Parallel()
	browsertest.Get(t)
	srv, peer, clock := journeyServer(t, "embedded", "http://localhost:{port}")
	address := journeyAddress
	const password = "Hopper-compiles-COBOL-1952"
	laptop := newPasskeyUI(t, srv)
	phone := newUI(t, srv, browsertest.Options{Width: 375, Height: 740})

	// Sign-up from the login page; the link is opened on the phone, and
	// the laptop moves on by itself.
	laptop.visit("/")
	laptop.challenge("IdentificationChallenge")
	laptop.click(laptop.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Need an account? Sign up."}))
	laptop.challenge("PromptChallenge")
	laptop.fill("Username", "grace")
	laptop.fill("Password", password)
	laptop.fill("Password (repeat)", password)
	laptop.click(laptop.button("Continue"))
	require.NoError(t, laptop.expect.Locator(laptop.field("Name")).ToBeVisible())
	laptop.fill("Name", "Grace Hopper")
	laptop.fill("Email", address)
	laptop.click(laptop.button("Continue"))
	laptop.challenge("EmailChallenge")
	verification := mailedLink(t, nextMail(t, peer, verificationSubject))
	require.False(t, srv.userActive(t, "grace"), "inactive until the address is verified")
	openLinkUI(t, phone, verification)
	phone.click(phone.button("Continue"))
	phone.at(`/if/user/$`)
	require.NoError(t, phone.expect.Locator(phone.GetByTestId("signed-in-as")).ToHaveText("grace"))
	require.True(t, srv.userActive(t, "grace"))
	laptop.at(`/if/user/$`)
	require.NoError(t, laptop.expect.Locator(laptop.GetByTestId("signed-in-as")).ToHaveText("grace"))
	graceID := srv.app.db.Ent.User.Query().Where(user.Username("grace")).OnlyIDX(viewer.SystemContext(t.Context()))

	// The second factors, from the settings' setup flows.
	laptop.visit("/if/flow/" + blueprints.AuthenticatorTOTPSetupFlow + "/")
	laptop.challenge("AuthenticatorTotpChallenge")
	secret, err := laptop.GetByTestId("totp-secret").InputValue()
	require.NoError(t, err)
	code := func() string {
		t.Helper()
		c, err := libtotp.GenerateCode(secret, clock.Now())
		require.NoError(t, err)
		return c
	}
	laptop.fill("Code", code())
	laptop.click(laptop.button("Verify"))
	laptop.at(`/if/user/$`)
	laptop.visit("/if/flow/" + blueprints.AuthenticatorStaticSetupFlow + "/")
	laptop.challenge("AuthenticatorStaticChallenge")
	codes, err := laptop.GetByTestId("recovery-codes").Locator("code").AllInnerTexts()
	require.NoError(t, err)
	require.Len(t, codes, 10)
	laptop.click(laptop.button("I have saved these codes"))
	laptop.at(`/if/user/$`)
	laptop.visit("/if/flow/" + blueprints.AuthenticatorWebAuthnSetupFlow + "/")
	laptop.challenge("AuthenticatorWebauthnChallenge")
	laptop.click(laptop.button("Add passkey"))
	laptop.at(`/if/user/$`)
	laptop.logout()

	// Password + TOTP; the same code again, and one of two steps back,
	// are refused.
	const appCode = "Code from your authenticator app"
	clock.Advance(totp.Period)
	used := code()
	laptop.secondFactor(password)
	laptop.answerCode(appCode, used)
	laptop.at(`/if/`)
	require.NoError(t, laptop.expect.Locator(laptop.GetByTestId("signed-in-as")).ToHaveText("grace"))
	require.Contains(t, sessionMethods(t, srv, graceID), []string{"password", "totp"})
	laptop.logout()
	laptop.secondFactor(password)
	laptop.refusedCode(appCode, used)
	clock.Advance(4 * totp.Period)
	laptop.secondFactor(password)
	back, err := libtotp.GenerateCode(secret, clock.Now().Add(-2*totp.Period))
	require.NoError(t, err)
	laptop.refusedCode(appCode, back)

	// The app is lost: a recovery code, once; a wrong one is refused.
	laptop.secondFactor(password)
	laptop.refusedCode(appCode, "00000-00000")
	laptop.answerCode(appCode, codes[0])
	laptop.at(`/if/`)
	require.NoError(t, laptop.expect.Locator(laptop.GetByTestId("signed-in-as")).ToHaveText("grace"))
	require.Contains(t, sessionMethods(t, srv, graceID), []string{"password", "static"})
	laptop.logout()
	laptop.secondFactor(password)
	laptop.refusedCode(appCode, codes[0])

	// Recovery: asked on the laptop, the link opened on the phone, which
	// asks for the second factor before the new password; the laptop is
	// told the flow went on elsewhere.
	laptop.visit("/")
	laptop.challenge("IdentificationChallenge")
	laptop.click(laptop.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Forgot username or password?"}))
	laptop.at(`/if/flow/default-recovery-flow/`)
	laptop.challenge("IdentificationChallenge")
	laptop.fill("Username or email", address)
	laptop.click(laptop.button("Continue"))
	laptop.challenge("EmailChallenge")
	recovery := mailedLink(t, nextMail(t, peer, recoverySubject))
	phone.logout()
	// A link of one flow resumes no other.
	phone.visit("/if/flow/" + blueprints.EnrollmentFlow + "/?" + mustURL(t, recovery).RawQuery)
	phone.challenge("EmailContinueChallenge")
	phone.click(phone.button("Continue"))
	phone.challenge("AccessDeniedChallenge")
	phone.see(linkRefused)
	openLinkUI(t, phone, recovery)
	phone.click(phone.button("Continue"))
	phone.challenge("AuthenticatorValidateChallenge")
	phone.refusedCode(appCode, codes[0])
	clock.Advance(totp.Period)
	phone.answerCode(appCode, code())
	phone.challenge("PromptChallenge")
	laptop.challenge("AccessDeniedChallenge")
	laptop.see("This flow continued on another device")
	const newPassword = "Difference-Engine-1822"
	phone.fill("New password", newPassword)
	phone.fill("New password (repeat)", newPassword)
	phone.click(phone.button("Continue"))
	phone.at(`/if/user/$`)
	require.NoError(t, phone.expect.Locator(phone.GetByTestId("signed-in-as")).ToHaveText("grace"))
	phone.logout()
	openLinkUI(t, phone, recovery)
	phone.click(phone.button("Continue"))
	phone.challenge("AccessDeniedChallenge")
	phone.see(linkRefused)

	// The old password is refused; the new one logs in, with the second
	// factor.
	laptop.visit("/")
	laptop.answerLogin("grace", password)
	require.NoError(t, laptop.expect.Locator(laptop.Locator(".field__error")).ToHaveText("Invalid username or password."))
	laptop.fill("Password", newPassword)
	laptop.click(laptop.button("Continue"))
	laptop.challenge("AuthenticatorValidateChallenge")
	clock.Advance(totp.Period)
	laptop.answerCode(appCode, code())
	laptop.at(`/if/`)
	require.NoError(t, laptop.expect.Locator(laptop.GetByTestId("signed-in-as")).ToHaveText("grace"))

	// The passkey alone.
	laptop.logout()
	laptop.click(laptop.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Use a security key instead"}))
	laptop.at(`/if/flow/` + blueprints.PasswordlessFlow + `/`)
	laptop.challenge("AuthenticatorValidateChallenge")
	laptop.click(laptop.button("Use your passkey / security key"))
	laptop.at(`/if/user/$`)
	require.NoError(t, laptop.expect.Locator(laptop.GetByTestId("signed-in-as")).ToHaveText("grace"))
	require.Contains(t, sessionMethods(t, srv, graceID), []string{"passkey"})

	requireMailedOnce(t, srv, peer, [2]string{address, verificationSubject}, [2]string{address, recoverySubject})
}
