package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor/stages/password"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
	passwordpolicy "github.com/gatehouse-id/gatehouse/policy/password"
)

// The admin console: signing in keeps the page asked for, a stage is
// created with its typed config, bound to a flow and moved up (the order
// persists), and the live inspector follows another browser's login.
func TestBrowserAdminConsole(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	u := newUI(t, srv, browsertest.Options{})

	// Anonymous: to the login flow, and back to the same console page.
	u.visit("/if/admin/#/stages")
	u.at(`/if/flow/default-authentication-flow/\?next=%2Fif%2Fadmin%2F%23%2Fstages`)
	u.fill("Username or email", "admin")
	u.click(u.button("Continue"))
	u.fill("Password", adminPassword)
	u.click(u.button("Continue"))
	u.at(`/if/admin/#/stages$`)
	require.NoError(t, u.expect.Locator(u.GetByTestId("admin-console")).ToBeVisible())
	require.NoError(t, u.expect.Locator(u.GetByTestId("stage-list")).ToBeVisible())

	// A new dummy stage, through its typed config form.
	u.visit("/if/admin/#/stages/new")
	u.click(u.GetByRole(*playwright.AriaRoleRadio, playwright.PageGetByRoleOptions{Name: "Dummy"}))
	require.NoError(t, u.GetByTestId("stage-form").GetByLabel("Name", playwright.LocatorGetByLabelOptions{Exact: new(true)}).Fill("e2e-extra"))
	u.Screenshot("stage-new")
	u.click(u.button("Create stage"))
	u.at(`/if/admin/#/stages/\d+$`)
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The stage e2e-extra was created."))

	// New objects start at the schema's defaults, which are the Go
	// defaults: a password stage and a password policy created without
	// touching a field store exactly those.
	u.visit("/if/admin/#/stages/new")
	u.click(u.GetByRole(*playwright.AriaRoleRadio, playwright.PageGetByRoleOptions{Name: "Password", Exact: new(true)}))
	require.NoError(t, u.GetByTestId("stage-form").GetByLabel("Name", playwright.LocatorGetByLabelOptions{Exact: new(true)}).Fill("e2e-password"))
	u.click(u.button("Create stage"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The stage e2e-password was created."))
	u.visit("/if/admin/#/policies/new")
	u.click(u.GetByRole(*playwright.AriaRoleRadio, playwright.PageGetByRoleOptions{Name: "Password", Exact: new(true)}))
	require.NoError(t, u.GetByTestId("policy-form").GetByLabel("Name", playwright.LocatorGetByLabelOptions{Exact: new(true)}).Fill("e2e-password-policy"))
	u.click(u.button("Create policy"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The policy e2e-password-policy was created."))
	requireDefaultConfigs(t, srv)

	// Bind it to the authentication flow (it goes last), then move it up
	// above the login stage.
	u.visit("/if/admin/#/flows")
	u.click(u.Locator(`[data-testid="flow-row"][data-slug="default-authentication-flow"] a`))
	bindings := u.GetByTestId("binding")
	require.NoError(t, u.expect.Locator(bindings).ToHaveCount(4)) // identification, password, second factor, login
	add := u.GetByTestId("add-binding")
	_, err := add.GetByLabel("Stage", playwright.LocatorGetByLabelOptions{Exact: new(true)}).SelectOption(playwright.SelectOptionValues{Labels: &[]string{"e2e-extra (Dummy)"}})
	require.NoError(t, err)
	u.click(add.GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Add stage"}))
	require.NoError(t, u.expect.Locator(bindings).ToHaveCount(5))
	require.NoError(t, u.expect.Locator(bindings.Nth(4)).ToHaveAttribute("data-stage-name", "e2e-extra"))
	u.click(u.button("Move e2e-extra up"))
	require.NoError(t, u.expect.Locator(bindings.Nth(3)).ToHaveAttribute("data-stage-name", "e2e-extra"))
	u.Screenshot("bindings")

	// The order is stored: the flow now asks the dummy stage after the
	// password (and the second factor, which admin has none of).
	other := srv.browser()
	v := other.login("admin", adminPassword)
	require.Equal(t, "DummyChallenge", v.Challenge.Typename, "errors: %v", v.Challenge.Errors)

	// The live inspector follows a login running in another browser.
	guest := newUI(t, srv, browsertest.Options{})
	guest.visit("/if/flow/default-authentication-flow/")
	guest.challenge("IdentificationChallenge")
	guest.at(`\?execution=`)
	loc, err := url.Parse(guest.URL())
	require.NoError(t, err)
	id := loc.Query().Get("execution")
	u.visit("/if/admin/#/inspector/" + id)
	plan := u.GetByTestId("plan-stage")
	require.NoError(t, u.expect.Locator(plan.First()).ToHaveAttribute("data-stage-name", "default-authentication-identification"))
	guest.fill("Username or email", "admin")
	guest.click(guest.button("Continue"))
	require.NoError(t, u.expect.Locator(plan.First()).ToHaveAttribute("data-stage-name", "default-authentication-password"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("inspector-history")).ToContainText(regexp.MustCompile(`default-authentication-identification`)))
	u.Screenshot("inspector")
}

// A signed-in user who is not an administrator is told so, not shown a
// broken console.
func TestBrowserAdminConsoleRefusesOtherUsers(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	admin := srv.browser()
	admin.login("admin", adminPassword)
	admin.must(`mutation { createUser(input: {username: "ada", name: "Ada"}, password: "Analytical-Engine-1843") { id } }`, nil, nil)

	u := newUI(t, srv, browsertest.Options{})
	u.login("ada", "Analytical-Engine-1843")
	require.NoError(t, u.expect.Locator(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Admin console"})).ToHaveCount(0))
	u.visit("/if/admin/")
	require.NoError(t, u.expect.Locator(u.GetByTestId("admin-forbidden")).ToBeVisible())
	u.Screenshot("forbidden")
}

// requireDefaultConfigs checks that the stage e2e-password and the policy
// e2e-password-policy hold their kinds' Go defaults.
func requireDefaultConfigs(t *testing.T, srv *testServer) {
	t.Helper()
	admin := srv.headless()
	require.True(t, admin.login("admin", adminPassword).Completed)
	var out struct {
		Stages struct {
			Edges []struct {
				Node struct{ Config json.RawMessage }
			}
		}
		Policies struct {
			Edges []struct {
				Node struct{ Config json.RawMessage }
			}
		}
	}
	admin.must(`{
	  stages(where: {name: "e2e-password"}) { edges { node { config { ... on PasswordStage { backends failedAttemptsBeforeCancel allowShowPassword } } } } }
	  policies(where: {name: "e2e-password-policy"}) { edges { node { config { ... on PasswordPolicy {
	    passwordField lengthMin amountDigits amountUppercase amountLowercase amountSymbols symbolCharset checkBlocklist checkZxcvbn zxcvbnMinScore errorMessage
	  } } } } }
	}`, nil, &out)
	require.Len(t, out.Stages.Edges, 1)
	require.Len(t, out.Policies.Edges, 1)
	want := password.DefaultConfig()
	require.JSONEq(t, fmt.Sprintf(`{"backends": ["INBUILT"], "failedAttemptsBeforeCancel": %d, "allowShowPassword": %t}`,
		want.FailedAttemptsBeforeCancel, want.AllowShowPassword), string(out.Stages.Edges[0].Node.Config))
	p := passwordpolicy.NewConfig()
	got := map[string]any{}
	require.NoError(t, json.Unmarshal(out.Policies.Edges[0].Node.Config, &got))
	require.Equal(t, map[string]any{
		"passwordField": p.PasswordField, "lengthMin": float64(p.LengthMin), "amountDigits": float64(p.AmountDigits),
		"amountUppercase": float64(p.AmountUppercase), "amountLowercase": float64(p.AmountLowercase), "amountSymbols": float64(p.AmountSymbols),
		"symbolCharset": p.SymbolCharset, "checkBlocklist": p.CheckBlocklist, "checkZxcvbn": p.CheckZxcvbn,
		"zxcvbnMinScore": float64(p.ZxcvbnMinScore), "errorMessage": p.ErrorMessage,
	}, got)
}

// A captcha stage through the console: the form shows each provider's
// settings only, asks for a third party's secret (a password input that
// is never filled from the API, needed again with every save), and keeps
// decimals for reCAPTCHA's minimum score.
func TestBrowserAdminCaptchaStage(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	u := newUI(t, srv, browsertest.Options{})
	u.login("admin", adminPassword)
	u.visit("/if/admin/#/stages/new")
	u.click(u.GetByRole(*playwright.AriaRoleRadio, playwright.PageGetByRoleOptions{Name: "Captcha"}))
	form := u.GetByTestId("stage-form")
	field := func(label string) playwright.Locator {
		return form.GetByLabel(label, playwright.LocatorGetByLabelOptions{Exact: new(true)})
	}
	require.NoError(t, field("Name").Fill("e2e-captcha"))
	require.NoError(t, u.expect.Locator(field("Difficulty (bits)")).ToHaveValue("20"))
	require.NoError(t, u.expect.Locator(field("Site key")).ToHaveCount(0), "the proof of work has no site key")
	require.NoError(t, u.expect.Locator(field("Secret")).ToHaveCount(0))

	_, err := field("Provider").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"Cloudflare Turnstile"}})
	require.NoError(t, err)
	require.NoError(t, u.expect.Locator(field("Difficulty (bits)")).ToHaveCount(0))
	require.NoError(t, u.expect.Locator(field("Minimum score")).ToHaveCount(0), "reCAPTCHA's only")
	require.NoError(t, u.expect.Locator(field("Secret")).ToHaveAttribute("type", "password"))
	require.NoError(t, field("Site key").Fill("0x4AAAAAAAsite"))
	u.click(u.button("Create stage"))
	require.NoError(t, u.expect.Locator(form.GetByText("Enter the secret.")).ToBeVisible())
	require.NoError(t, field("Secret").Fill("0x4AAAAAAAsecret"))
	u.Screenshot("captcha-turnstile")
	u.click(u.button("Create stage"))
	u.at(`/if/admin/#/stages/\d+$`)
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The stage e2e-captcha was created."))

	// Editing: the secret is not shown, and must be given again.
	require.NoError(t, u.expect.Locator(field("Site key")).ToHaveValue("0x4AAAAAAAsite"))
	require.NoError(t, u.expect.Locator(field("Secret")).ToHaveValue(""))
	_, err = field("Provider").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"Google reCAPTCHA v3"}})
	require.NoError(t, err)
	require.NoError(t, u.expect.Locator(field("Minimum score")).ToHaveValue("0.5"))
	require.NoError(t, field("Minimum score").Fill("0.7"))
	require.NoError(t, field("Secret").Fill("0x4AAAAAAAother"))
	u.click(u.button("Save stage"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flash")).ToHaveText("The stage e2e-captcha was saved."))

	api := srv.browser()
	require.True(t, api.login("admin", adminPassword).Completed)
	var out struct {
		Stages struct {
			Edges []struct {
				Node struct {
					Config struct {
						Provider  string
						SiteKey   string
						SecretSet bool
						MinScore  float64
					}
				}
			}
		}
	}
	api.must(`{ stages(where: {name: "e2e-captcha"}) { edges { node { config { ... on CaptchaStage { provider siteKey secretSet minScore } } } } } }`, nil, &out)
	require.Len(t, out.Stages.Edges, 1)
	cfg := out.Stages.Edges[0].Node.Config
	require.Equal(t, "RECAPTCHA_V3", cfg.Provider)
	require.Equal(t, "0x4AAAAAAAsite", cfg.SiteKey)
	require.True(t, cfg.SecretSet)
	require.InDelta(t, 0.7, cfg.MinScore, 1e-9)
}
