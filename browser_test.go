package main

// End-to-end tests of the web frontend in headless chromium (Debian's),
// driven by Playwright: what a person does on the login, settings and
// playground pages. Each test runs its own server on a fresh SQLite
// database and its own browser context; screenshots of every challenge type
// go to test-results/browser/<test>/.

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor/stages/captcha"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// expectTimeout bounds how long an expectation waits for the page to get
// there (they poll; nothing sleeps).
const expectTimeout = 15_000

// ui is one browser tab on a test server.
type ui struct {
	*browsertest.Page

	t      *testing.T
	srv    *testServer
	expect playwright.PlaywrightAssertions
}

// newUI opens a tab in a fresh browser context (no cookies) on srv.
func newUI(t *testing.T, srv *testServer, o browsertest.Options) *ui {
	t.Helper()
	o.BaseURL = srv.url
	return &ui{
		Page:   browsertest.Get(t).NewPage(t, o),
		t:      t,
		srv:    srv,
		expect: playwright.NewPlaywrightAssertions(expectTimeout),
	}
}

// newBrowserServer starts an embedded server for a browser test, skipping
// (failing when CI=true) before it starts when there is no browser.
func newBrowserServer(t *testing.T) *testServer {
	t.Helper()
	browsertest.Get(t)
	return newTestServer(t, newServerEnv(t, "embedded"))
}

func (u *ui) visit(path string) {
	u.t.Helper()
	_, err := u.Goto(path)
	require.NoError(u.t, err, "goto %s", path)
}

func (u *ui) button(name string) playwright.Locator {
	return u.GetByRole(*playwright.AriaRoleButton, playwright.PageGetByRoleOptions{Name: name, Exact: new(true)})
}

func (u *ui) field(label string) playwright.Locator {
	return u.GetByLabel(label, playwright.PageGetByLabelOptions{Exact: new(true)})
}

// challenge waits until the page shows a challenge of type typename.
func (u *ui) challenge(typename string) {
	u.t.Helper()
	l := u.Locator(fmt.Sprintf(`[data-challenge=%q]`, typename))
	require.NoError(u.t, u.expect.Locator(l).ToBeVisible(), "the page should show a %s", typename)
}

func (u *ui) click(l playwright.Locator) {
	u.t.Helper()
	require.NoError(u.t, l.Click())
}

func (u *ui) fill(label, value string) {
	u.t.Helper()
	require.NoError(u.t, u.field(label).Fill(value), "fill %q", label)
}

// at waits until the page's path (and query) match pattern.
func (u *ui) at(pattern string) {
	u.t.Helper()
	re := regexp.MustCompile(pattern)
	require.NoError(u.t, u.expect.Page(u.Page.Page).ToHaveURL(re), "the page should be at %s", pattern)
}

func (u *ui) see(text string) {
	u.t.Helper()
	l := u.GetByText(text, playwright.PageGetByTextOptions{Exact: new(false)}).First()
	require.NoError(u.t, u.expect.Locator(l).ToBeVisible(), "the page should show %q", text)
}

// login logs in through the login page, starting at "/", and waits for
// the settings page.
func (u *ui) login(username, password string) {
	u.t.Helper()
	u.visit("/")
	u.at(`/if/flow/default-authentication-flow/\?next=%2Fif%2Fuser%2F`)
	u.answerLogin(username, password)
	u.at(`/if/user/$`)
	require.NoError(u.t, u.expect.Locator(u.GetByTestId("signed-in-as")).ToHaveText(username))
}

// answerLogin answers the login page the browser shows: the
// identification, then the password.
func (u *ui) answerLogin(username, password string) {
	u.t.Helper()
	u.challenge("IdentificationChallenge")
	u.fill("Username or email", username)
	u.click(u.button("Continue"))
	u.challenge("PasswordChallenge")
	u.fill("Password", password)
	u.click(u.button("Continue"))
}

// logout presses "Log out" on the settings page and waits for the login
// page the invalidation flow ends on.
func (u *ui) logout() {
	u.t.Helper()
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Log out"}))
	u.challenge("IdentificationChallenge")
}

// focused returns the accessible name (label text) of the focused element.
func (u *ui) focusedLabel() string {
	u.t.Helper()
	v, err := u.Evaluate(`() => {
		const el = document.activeElement;
		if (!el) return "";
		if (el.labels && el.labels.length) return el.labels[0].textContent.trim();
		return (el.getAttribute("aria-label") || el.textContent || "").trim();
	}`)
	require.NoError(u.t, err)
	s, _ := v.(string)
	return s
}

// The bar of the web frontend: a person logs in at the login page, lands on
// their settings, changes their password, logs out, and logs in with the
// new password (the old one no longer works). On the way, a wrong password
// is shown inline, on the field, and announced.
func TestBrowserLoginChangePasswordLogout(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	u := newUI(t, srv, browsertest.Options{})

	// Anonymous: "/" goes to the brand's login flow, which returns to the settings.
	u.visit("/")
	u.at(`/if/flow/default-authentication-flow/\?next=%2Fif%2Fuser%2F`)
	u.challenge("IdentificationChallenge")
	require.Equal(t, "username", autocompleteOf(t, u.field("Username or email")))
	u.Screenshot("identification")
	u.fill("Username or email", "admin")
	u.click(u.button("Continue"))
	u.challenge("PasswordChallenge")
	require.Equal(t, "current-password", autocompleteOf(t, u.field("Password")))
	u.Screenshot("password")

	// A wrong password: the error is on the field, the field is marked
	// invalid, emptied and focused, and the alert region announces it.
	u.fill("Password", "not the password")
	u.click(u.button("Continue"))
	pw := u.field("Password")
	require.NoError(t, u.expect.Locator(pw).ToHaveAttribute("aria-invalid", "true"))
	require.NoError(t, u.expect.Locator(u.Locator(".field__error")).ToHaveText("Invalid username or password."))
	require.NoError(t, u.expect.Locator(u.GetByRole(*playwright.AriaRoleAlert, playwright.PageGetByRoleOptions{})).ToContainText("Invalid username or password."))
	require.NoError(t, u.expect.Locator(pw).ToHaveValue(""))
	require.NoError(t, u.expect.Locator(pw).ToBeFocused())
	u.Screenshot("password-wrong")

	u.fill("Password", adminPassword)
	u.click(u.button("Continue"))
	u.at(`/if/user/$`)
	require.NoError(t, u.expect.Locator(u.GetByTestId("signed-in-as")).ToHaveText("admin"))
	u.Screenshot("settings")

	// Signed in, "/" goes to the settings.
	u.visit("/")
	u.at(`/if/user/$`)

	// Change the password: the current one first, then the new one twice.
	const newPassword = "a-new-Password-for-admin-42"
	u.click(u.button("Change password"))
	section := u.Locator("#password")
	require.NoError(t, u.expect.Locator(section.Locator(`[data-challenge="PasswordChallenge"]`)).ToBeVisible())
	require.NoError(t, section.GetByLabel("Password", playwright.LocatorGetByLabelOptions{Exact: new(true)}).Fill(adminPassword))
	u.click(section.GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Continue"}))
	require.NoError(t, u.expect.Locator(section.Locator(`[data-challenge="PromptChallenge"]`)).ToBeVisible())
	newField := section.GetByLabel("New password", playwright.LocatorGetByLabelOptions{Exact: new(true)})
	require.Equal(t, "new-password", autocompleteOf(t, newField))
	require.NoError(t, newField.Fill(newPassword))
	require.NoError(t, section.GetByLabel("New password (repeat)", playwright.LocatorGetByLabelOptions{Exact: new(true)}).Fill(newPassword))
	u.Screenshot("password-change")
	u.click(section.GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Continue"}))
	require.NoError(t, u.expect.Locator(section.GetByRole(*playwright.AriaRoleStatus)).ToHaveText("Your password was changed."))

	u.logout()
	u.at(`/if/flow/default-authentication-flow/`)

	// The old password is refused; the new one logs in. (Each step waits
	// for its challenge: a field filled before it shows can be replaced.)
	u.visit("/")
	u.challenge("IdentificationChallenge")
	u.fill("Username or email", "admin")
	u.click(u.button("Continue"))
	u.challenge("PasswordChallenge")
	u.fill("Password", adminPassword)
	require.NoError(t, u.expect.Locator(u.field("Password")).ToHaveValue(adminPassword))
	u.click(u.button("Continue"))
	require.NoError(t, u.expect.Locator(u.Locator(".field__error")).ToHaveText("Invalid username or password."))
	u.fill("Password", newPassword)
	u.click(u.button("Continue"))
	u.at(`/if/user/$`)
	require.NoError(t, u.expect.Locator(u.GetByTestId("signed-in-as")).ToHaveText("admin"))
}

// autocompleteOf returns the autocomplete attribute of the input l.
func autocompleteOf(t *testing.T, l playwright.Locator) string {
	t.Helper()
	v, err := l.GetAttribute("autocomplete")
	require.NoError(t, err)
	return v
}

// Logging in with the keyboard alone: every step takes the focus to where
// the typing goes, and Enter answers.
func TestBrowserKeyboardOnlyLogin(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	u := newUI(t, srv, browsertest.Options{})
	kb := u.Keyboard()

	u.visit("/if/flow/default-authentication-flow/")
	u.challenge("IdentificationChallenge")
	require.NoError(t, u.expect.Locator(u.field("Username or email")).ToBeFocused())
	require.NoError(t, kb.Type("admin"))
	require.NoError(t, kb.Press("Enter"))

	u.challenge("PasswordChallenge")
	require.NoError(t, u.expect.Locator(u.field("Password")).ToBeFocused())
	require.NoError(t, kb.Type(adminPassword))
	// Tab order: the password, then its submit button.
	require.NoError(t, kb.Press("Tab"))
	require.Equal(t, "Continue", u.focusedLabel())
	require.NoError(t, kb.Press("Enter"))

	// Without next, the flow ends on the start page, which sends a
	// signed-in user to the settings.
	u.at(`/if/user/$`)
	require.NoError(t, u.expect.Locator(u.GetByTestId("signed-in-as")).ToHaveText("admin"))
}

// captchaWatch records, from the page's start, what the captcha
// challenge's status said (and its role) and when it appeared, and when
// the next challenge replaced it: the proof of work is solved too fast to
// watch reliably from the test.
const captchaWatch = `window.__captcha = { status: [], shownAt: 0, doneAt: 0 };
new MutationObserver(() => {
  const w = window.__captcha;
  const el = document.querySelector('[data-challenge="CaptchaChallenge"] [data-testid="captcha-status"]');
  if (el) {
    const seen = el.getAttribute("role") + ": " + el.textContent.trim();
    if (!w.status.includes(seen)) w.status.push(seen);
    if (!w.shownAt) w.shownAt = performance.now();
  } else if (w.shownAt && !w.doneAt && document.querySelector('[data-challenge]')) {
    w.doneAt = performance.now();
  }
}).observe(document, { subtree: true, childList: true, characterData: true });`

// Enrolment from the login page's "Sign up" link: the proof of work solved
// in a Web Worker while the page says so, two forms, a password the policy
// refuses shown inline, the mailed link opened on another device, and the
// new user lands signed in on both.
func TestBrowserEnrollment(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	u := newUI(t, srv, browsertest.Options{})
	workers := make(chan string, 8)
	u.OnWorker(func(w playwright.Worker) { workers <- w.URL() })
	require.NoError(t, u.AddInitScript(playwright.Script{Content: new(captchaWatch)}))

	u.visit("/")
	u.challenge("IdentificationChallenge")
	u.click(u.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Need an account? Sign up."}))
	u.at(`/if/flow/default-enrollment-flow/`)
	u.challenge("PromptChallenge")
	var watched struct {
		Status          []string
		ShownAt, DoneAt float64
	}
	got, err := u.Evaluate(`window.__captcha`)
	require.NoError(t, err)
	raw, err := json.Marshal(got)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &watched))
	require.Equal(t, []string{"status: Checking your browser…"}, watched.Status[:1], "the page says what it does, as a status")
	require.Positive(t, watched.DoneAt)
	t.Logf("the proof of work (difficulty %d) took %.0f ms from the challenge shown to the form", captcha.DefaultDifficulty, watched.DoneAt-watched.ShownAt)
	select {
	case url := <-workers:
		require.Regexp(t, `/if/assets/pow\.worker-[^/]+\.js$`, url, "solved in the app's own Web Worker")
	default:
		t.Fatal("no Web Worker solved the proof of work")
	}
	require.Equal(t, "username", autocompleteOf(t, u.field("Username")))
	require.Equal(t, "new-password", autocompleteOf(t, u.field("Password")))
	u.Screenshot("prompt")

	u.fill("Username", "grace")
	u.fill("Password", "password")
	u.fill("Password (repeat)", "password")
	u.click(u.button("Continue"))
	require.NoError(t, u.expect.Locator(u.GetByTestId("flow-errors")).ToBeVisible())
	require.NoError(t, u.expect.Locator(u.field("Username")).ToHaveValue("grace"), "a rejected answer keeps what was typed")
	require.NoError(t, u.expect.Locator(u.field("Password")).ToHaveValue(""), "but not the password")
	u.Screenshot("prompt-policy-error")

	const password = "Hopper-compiles-COBOL-1952"
	u.fill("Password", password)
	u.fill("Password (repeat)", password)
	u.click(u.button("Continue"))
	require.NoError(t, u.expect.Locator(u.field("Name")).ToBeVisible())
	u.fill("Name", "Grace Hopper")
	u.fill("Email", "grace@example.com")
	u.click(u.button("Continue"))

	// Check your mail: the link is opened on another device, which asks
	// to continue and is signed in; this page moves on by itself.
	u.challenge("EmailChallenge")
	u.see("g***@example.com")
	u.Screenshot("check-your-mail")
	phone := openMailedLink(t, srv, browsertest.Options{})
	phone.click(phone.button("Continue"))
	phone.at(`/if/user/$`)
	require.NoError(t, phone.expect.Locator(phone.GetByTestId("signed-in-as")).ToHaveText("grace"))

	u.at(`/if/user/$`)
	require.NoError(t, u.expect.Locator(u.GetByTestId("signed-in-as")).ToHaveText("grace"))
	require.NoError(t, u.expect.Locator(u.Locator("#profile").GetByLabel("Email", playwright.LocatorGetByLabelOptions{Exact: new(true)})).ToHaveValue("grace@example.com"))

	// The new account logs in elsewhere with its password.
	other := srv.browser()
	v := other.login("grace", password)
	require.True(t, v.Completed, "errors: %v", v.Challenge.Errors)
	require.Equal(t, "grace", other.viewer())
}

// A solved proof of work whose answer does not get through (the server
// was unavailable) is not lost: the page says so and offers to send it
// again, and that answer passes.
func TestBrowserCaptchaAnswerSentAgain(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	u := newUI(t, srv, browsertest.Options{})
	var refused atomic.Bool
	require.NoError(t, u.Route("**/graphql", func(r playwright.Route) {
		body, _ := r.Request().PostData()
		if strings.Contains(body, `"captcha"`) && refused.CompareAndSwap(false, true) {
			_ = r.Fulfill(playwright.RouteFulfillOptions{
				Status: new(200), ContentType: new("application/json"),
				Body: `{"errors":[{"message":"Gatehouse is unavailable; try again.","extensions":{"code":"UNAVAILABLE"}}]}`,
			})
			return
		}
		_ = r.Continue()
	}))
	u.visit("/if/flow/default-enrollment-flow/")
	u.challenge("CaptchaChallenge")
	u.see("Gatehouse is unavailable; try again.")
	require.True(t, refused.Load())
	u.Screenshot("captcha-not-sent")
	u.click(u.button("Continue"))
	u.challenge("PromptChallenge")
}

// Two browsers are signed in; one ends the other's session from its
// settings page, and the other is signed out.
func TestBrowserRevokeOtherSession(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	a := newUI(t, srv, browsertest.Options{})
	b := newUI(t, srv, browsertest.Options{})
	a.login("admin", adminPassword)
	b.login("admin", adminPassword)

	a.visit("/if/user/")
	sessions := a.GetByTestId("sessions").Locator("li")
	require.NoError(t, a.expect.Locator(sessions).ToHaveCount(2))
	require.NoError(t, a.expect.Locator(a.Locator(`li[data-current="true"]`)).ToContainText("This device"))
	a.Screenshot("two-sessions")
	a.click(a.Locator(`li[data-current="false"]`).GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Revoke"}))
	require.NoError(t, a.expect.Locator(a.Locator("#sessions").GetByRole(*playwright.AriaRoleStatus)).ToHaveText("The session was ended."))
	require.NoError(t, a.expect.Locator(sessions).ToHaveCount(1))

	// The other browser is signed out: its settings page sends it to log in.
	b.visit("/if/user/")
	b.at(`/if/flow/default-authentication-flow/\?next=%2Fif%2Fuser%2F`)
	b.challenge("IdentificationChallenge")

	// And the first is still signed in.
	a.visit("/if/user/")
	require.NoError(t, a.expect.Locator(a.GetByTestId("signed-in-as")).ToHaveText("admin"))
}

// The execution's subscription moves a page on when the execution is
// answered elsewhere: here, another tab of the same browser.
func TestBrowserFlowFollowsOutOfBandChanges(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	first := newUI(t, srv, browsertest.Options{})
	first.visit("/if/flow/default-authentication-flow/")
	first.challenge("IdentificationChallenge")
	// The page keeps the execution in its address, so a reload (or another
	// tab) resumes it.
	first.at(`\?execution=[A-Za-z0-9_-]{40,}$`)
	u, err := url.Parse(first.URL())
	require.NoError(t, err)

	page, err := first.Context.NewPage()
	require.NoError(t, err)
	second := &ui{Page: &browsertest.Page{Page: page, Context: first.Context}, t: t, srv: srv, expect: first.expect}
	_, err = second.Goto(u.RequestURI())
	require.NoError(t, err)
	second.challenge("IdentificationChallenge")
	second.fill("Username or email", "admin")
	second.click(second.button("Continue"))
	second.challenge("PasswordChallenge")

	// The first tab follows without a reload.
	first.challenge("PasswordChallenge")
	require.NoError(t, first.expect.Locator(first.GetByTestId("pending-user")).ToHaveText("admin"))
}

// Every challenge type the default flows do not show (stay signed in,
// dummy, access denied, flow error), and a phone-sized login page, as
// screenshots; the phone page must not scroll sideways.
func TestBrowserChallengeGallery(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	admin := srv.browser()
	admin.login("admin", adminPassword)
	for _, doc := range []string{galleryFlow, brokenFlow} {
		admin.must(`mutation($d: String!) { importFlow(document: $d) { slug } }`, map[string]any{"d": doc}, nil)
	}

	u := newUI(t, srv, browsertest.Options{})
	u.visit("/if/flow/e2e-gallery/")
	u.challenge("IdentificationChallenge")
	u.fill("Username or email", "admin")
	u.click(u.button("Continue"))
	u.challenge("PasswordChallenge")
	u.fill("Password", adminPassword)
	u.click(u.button("Continue"))
	u.challenge("UserLoginChallenge")
	require.NoError(t, u.expect.Locator(u.button("Yes, stay signed in")).ToBeFocused())
	u.Screenshot("user-login")
	u.click(u.button("No"))
	u.challenge("DummyChallenge")
	u.see("e2e-gallery-dummy")
	u.Screenshot("dummy")
	u.click(u.button("Continue"))
	u.challenge("AccessDeniedChallenge")
	u.see("Not today.")
	u.Screenshot("access-denied")

	// The captcha's status, held still: a worker that never answers.
	held := newUI(t, srv, browsertest.Options{})
	require.NoError(t, held.AddInitScript(playwright.Script{Content: new(`window.Worker = class { postMessage() {} terminate() {} };`)}))
	held.visit("/if/flow/default-enrollment-flow/")
	held.challenge("CaptchaChallenge")
	require.NoError(t, held.expect.Locator(held.GetByRole(*playwright.AriaRoleStatus)).ToHaveText("Checking your browser…"))
	held.Screenshot("captcha")

	u.visit("/if/flow/e2e-broken/")
	u.challenge("FlowErrorChallenge")
	u.see("give an administrator this reference")
	u.Screenshot("flow-error")

	u.visit("/if/flow/no-such-flow/")
	require.NoError(t, u.expect.Locator(u.GetByRole(*playwright.AriaRoleHeading, playwright.PageGetByRoleOptions{Name: "This page does not exist"})).ToBeVisible())
	u.Screenshot("unknown-flow")

	phone := newUI(t, srv, browsertest.Options{Width: 375, Height: 740})
	phone.visit("/if/flow/default-authentication-flow/")
	phone.challenge("IdentificationChallenge")
	phone.Screenshot("phone-identification")
	w, err := phone.Evaluate(`() => document.documentElement.scrollWidth`)
	require.NoError(t, err)
	require.LessOrEqual(t, toInt(w), 375, "the login page fits a phone's width")
}

// galleryFlow logs in asking to stay signed in, then shows a dummy stage
// and denies access.
const galleryFlow = `version: 1
flow:
  slug: e2e-gallery
  name: Gallery
  title: Gallery
  designation: authentication
  stages:
    - stage: e2e-gallery-identification
      order: 0
    - stage: e2e-gallery-password
      order: 10
    - stage: e2e-gallery-login
      order: 20
    - stage: e2e-gallery-dummy
      order: 30
    - stage: e2e-gallery-deny
      order: 40
stages:
  - name: e2e-gallery-identification
    kind: identification
    config:
      user_fields: [username, email]
  - name: e2e-gallery-password
    kind: password
  - name: e2e-gallery-login
    kind: user_login
    config:
      remember_me_offset: 86400
  - name: e2e-gallery-dummy
    kind: dummy
  - name: e2e-gallery-deny
    kind: deny
    config:
      deny_message: Not today.
`

// brokenFlow's only stage fails to show its challenge.
const brokenFlow = `version: 1
flow:
  slug: e2e-broken
  name: Broken
  title: Broken
  designation: authentication
  stages:
    - stage: e2e-broken-dummy
      order: 0
stages:
  - name: e2e-broken-dummy
    kind: dummy
    config:
      throw_error: true
`

func toInt(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case float64:
		return int(n)
	}
	return -1
}

// The playground runs a query and a subscription with the session cookie.
func TestBrowserPlayground(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	u := newUI(t, srv, browsertest.Options{})
	u.login("admin", adminPassword)

	u.visit("/graphql/playground")
	run := u.GetByRole(*playwright.AriaRoleButton, playwright.PageGetByRoleOptions{Name: "Execute query (Ctrl-Enter)"})
	require.NoError(t, u.expect.Locator(run).ToBeVisible())
	// The default query is { viewer { user { username } } }.
	require.Contains(t, editorValue(t, u, ".graphiql-query-editor"), "username")
	u.click(run)
	require.NoError(t, u.expect.Locator(u.Locator(".graphiql-response")).ToContainText(`"username": "admin"`))
	u.Screenshot("query")

	// A subscription: audit events as they are written.
	setEditor(t, u, ".graphiql-query-editor", `subscription { eventCreated { action username } }`)
	u.click(run)
	// Wait until the subscription is live: the run button turns into stop.
	require.NoError(t, u.expect.Locator(u.GetByRole(*playwright.AriaRoleButton, playwright.PageGetByRoleOptions{Name: "Stop query (Ctrl-Enter)"})).ToBeVisible())
	// The stream may open just after the first login; log in until one arrives.
	for i := 0; ; i++ {
		srv.browser().login("admin", adminPassword)
		err := playwright.NewPlaywrightAssertions(2_000).Locator(u.Locator(".graphiql-response")).ToContainText(`"action": "LOGIN"`)
		if err == nil {
			break
		}
		require.Less(t, i, 5, "no event reached the playground's subscription")
	}
	u.Screenshot("subscription")
}

func editorValue(t *testing.T, u *ui, selector string) string {
	t.Helper()
	v, err := u.Evaluate(`(sel) => document.querySelector(sel + " .CodeMirror").CodeMirror.getValue()`, selector)
	require.NoError(t, err)
	s, _ := v.(string)
	return strings.TrimSpace(s)
}

func setEditor(t *testing.T, u *ui, selector, value string) {
	t.Helper()
	_, err := u.Evaluate(`([sel, value]) => document.querySelector(sel + " .CodeMirror").CodeMirror.setValue(value)`, []any{selector, value})
	require.NoError(t, err)
}
