package main

import (
	"os"
	"testing"
	"time"

	libtotp "github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/ent/totpdevice"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// A signed-in user sets up an authenticator app in Chromium: the page
// shows the QR code (an SVG data: image the CSP allows), the key for
// manual entry and a one-time-code field; a wrong code is refused by its
// field, the right one saves the device.
func TestBrowserTOTPSetup(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	admin := srv.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "grace", name: "Grace Hopper"}, password: "Cobol-Compiler-1959") { id } }`, nil, nil)

	u := newUI(t, srv, browsertest.Options{})
	u.login("grace", "Cobol-Compiler-1959")
	u.visit("/if/flow/" + blueprints.AuthenticatorTOTPSetupFlow + "/")
	u.challenge("AuthenticatorTotpChallenge")
	u.see("Scan this QR code with your authenticator app")
	qr := u.GetByTestId("totp-qr")
	require.NoError(t, u.expect.Locator(qr).ToBeVisible())
	loaded, err := qr.Evaluate(`img => img.complete && img.naturalWidth > 0`, nil)
	require.NoError(t, err)
	require.Equal(t, true, loaded, "the QR code image loads")
	secret, err := u.GetByTestId("totp-secret").InputValue()
	require.NoError(t, err)
	require.Len(t, secret, 32)
	code := u.field("Code")
	require.Equal(t, "one-time-code", autocompleteOf(t, code))
	mode, err := code.GetAttribute("inputmode")
	require.NoError(t, err)
	require.Equal(t, "numeric", mode)
	u.Screenshot("totp-setup")

	// A reload shows the same key.
	_, err = u.Reload()
	require.NoError(t, err)
	u.challenge("AuthenticatorTotpChallenge")
	require.NoError(t, u.expect.Locator(u.GetByTestId("totp-secret")).ToHaveValue(secret))

	u.fill("Code", "000000x")
	u.click(u.button("Verify"))
	u.see("This code is not valid")
	require.NoError(t, u.expect.Locator(u.field("Code")).ToHaveAttribute("aria-invalid", "true"))
	u.Screenshot("totp-setup-invalid")

	right, err := libtotp.GenerateCode(secret, time.Now())
	require.NoError(t, err)
	u.fill("Code", right)
	u.click(u.button("Verify"))
	u.at(`/if/user/$`)

	ctx := viewer.SystemContext(t.Context())
	dev := srv.app.db.Ent.TOTPDevice.Query().Where(totpdevice.HasUserWith(user.Username("grace"))).OnlyX(ctx)
	require.True(t, dev.Confirmed)
}

// Recovery codes in Chromium: shown once with a download (a text file
// made in the page), listed on the settings page, and a code logs in at
// the second factor, whose field takes one-time codes.
func TestBrowserRecoveryCodesLogin(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	admin := srv.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "grace", name: "Grace Hopper"}, password: "Cobol-Compiler-1959") { id } }`, nil, nil)

	u := newUI(t, srv, browsertest.Options{})
	u.login("grace", "Cobol-Compiler-1959")
	u.visit("/if/flow/" + blueprints.AuthenticatorStaticSetupFlow + "/")
	u.challenge("AuthenticatorStaticChallenge")
	u.see("Keep these recovery codes somewhere safe")
	codes, err := u.GetByTestId("recovery-codes").Locator("code").AllInnerTexts()
	require.NoError(t, err)
	require.Len(t, codes, 10)
	download, err := u.ExpectDownload(func() error { return u.button("Download").Click() })
	require.NoError(t, err)
	require.Equal(t, "recovery-codes.txt", download.SuggestedFilename())
	path, err := download.Path()
	require.NoError(t, err)
	file, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, c := range codes {
		require.Contains(t, string(file), c)
	}
	u.Screenshot("recovery-codes")
	u.click(u.button("I have saved these codes"))
	u.at(`/if/user/$`)
	u.see("10 unused")

	u.logout()
	u.secondFactor("Cobol-Compiler-1959")
	code := u.field("Recovery code")
	require.Equal(t, "one-time-code", autocompleteOf(t, code))
	u.refusedCode("Recovery code", "00000-00000")
	u.Screenshot("mfa-validate-invalid")
	u.answerCode("Recovery code", codes[3])
	u.at(`/if/`)
	require.NoError(t, u.expect.Locator(u.GetByTestId("signed-in-as")).ToHaveText("grace"))
}
