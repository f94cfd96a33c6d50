package main

import (
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// enrolPassword is the password enrol gives new users.
const enrolPassword = "copper-willow-signal-58"

// A signed-in user deletes their account through the brand's unenrollment
// flow: they confirm, give their password, and the account, its sessions
// and its tokens are gone.
func TestUnenrollment(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := newTestServer(t, newServerEnv(t, backend))
		c := s.headless()
		enrol(t, c, "dora")
		var token struct{ CreateToken struct{ Key string } }
		c.must(`mutation { createToken(input: {identifier: "ci", expiring: false}) { key } }`, nil, &token)
		other := s.headless()
		require.True(t, other.login("dora", enrolPassword).Completed)

		var brand struct {
			CurrentBrand struct{ UnenrollmentFlow string }
		}
		c.must(`{ currentBrand { unenrollmentFlow } }`, nil, &brand)
		require.Equal(t, "default-unenrollment-flow", brand.CurrentBrand.UnenrollmentFlow)

		v := c.start("default-unenrollment-flow")
		require.Equal(t, "PromptChallenge", v.Challenge.Typename)
		v = c.submit(v.ID, map[string]any{"prompt": map[string]any{"values": map[string]any{"confirm_deletion": false}}})
		require.Equal(t, "PromptChallenge", v.Challenge.Typename, "the confirmation is required")
		require.Equal(t, "confirm_deletion", v.Challenge.Errors[0].Field)
		v = c.submit(v.ID, map[string]any{"prompt": map[string]any{"values": map[string]any{"confirm_deletion": true}}})
		require.Equal(t, "PasswordChallenge", v.Challenge.Typename)
		require.Equal(t, "dora", *v.Challenge.PendingUser)
		v = c.submit(v.ID, map[string]any{"password": map[string]any{"password": "not hers"}})
		require.Equal(t, "invalid", v.Challenge.Errors[0].Code)
		v = c.submit(v.ID, map[string]any{"password": map[string]any{"password": enrolPassword}})
		require.True(t, v.Completed)
		require.Equal(t, "RedirectChallenge", v.Challenge.Typename)

		require.Empty(t, c.viewer(), "this session ended")
		require.Empty(t, other.viewer(), "and every other")
		bearer := s.headless()
		bearer.header.Set("Authorization", "Bearer "+token.CreateToken.Key)
		require.Equal(t, "UNAUTHENTICATED", bearer.do(`{ viewer { user { username } } }`, nil).code(), "the token went with the account")
		again := s.headless().login("dora", enrolPassword)
		require.False(t, again.Completed, "the account is gone")

		admin := s.headless()
		require.True(t, admin.login("admin", adminPassword).Completed)
		var users struct{ Users struct{ TotalCount int } }
		admin.must(`{ users(where: {username: "dora"}) { totalCount } }`, nil, &users)
		require.Zero(t, users.Users.TotalCount)
		// The last administrator cannot delete their account.
		v = admin.start("default-unenrollment-flow")
		v = admin.submit(v.ID, map[string]any{"prompt": map[string]any{"values": map[string]any{"confirm_deletion": true}}})
		v = admin.submit(v.ID, map[string]any{"password": map[string]any{"password": adminPassword}})
		require.Equal(t, "AccessDeniedChallenge", v.Challenge.Typename)
		require.Equal(t, "admin", admin.viewer())
	})
}

// The settings page runs the unenrollment flow in place.
func TestBrowserDeleteAccount(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	enrol(t, srv.headless(), "erin")
	u := newUI(t, srv, browsertest.Options{})
	u.login("erin", enrolPassword)
	u.at(`/if/user/$`)

	u.click(u.button("Delete my account…"))
	section := u.Locator("#delete")
	require.NoError(t, u.expect.Locator(section.Locator(`[data-challenge="PromptChallenge"]`)).ToBeVisible())
	u.Screenshot("delete-account")
	require.NoError(t, section.GetByLabel("I want to delete my account").Check())
	u.click(section.GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Continue"}))
	require.NoError(t, u.expect.Locator(section.Locator(`[data-challenge="PasswordChallenge"]`)).ToBeVisible())
	require.NoError(t, section.GetByLabel("Password", playwright.LocatorGetByLabelOptions{Exact: new(true)}).Fill(enrolPassword))
	u.click(section.GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Continue"}))

	// Signed out: the page goes to the login flow.
	u.challenge("IdentificationChallenge")
	require.False(t, srv.headless().login("erin", enrolPassword).Completed, "the account is gone")
}
