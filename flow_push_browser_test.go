package main

import (
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// holdFirstPush makes the page's websockets hold back the first result of
// the flowExecution subscription: window.__gatehouseHeld is its text once
// it arrived, and <html data-gatehouse-held> says so;
// window.__gatehouseRelease() hands it to the page, and
// <html data-gatehouse-released> appears after the page handled it (and
// the render it queued as microtasks). The test waits on those attributes
// with locators: WaitForFunction evaluates its predicate with eval, which
// the console's Content-Security-Policy refuses. graphql-ws reads messages
// through onmessage, which the wrapper intercepts. (Not Playwright's
// websocket routing: playwright-go's WebSocketRoute.OnMessage races with
// its dispatcher under -race.)
const holdFirstPush = `(() => {
  const Base = window.WebSocket;
  window.__gatehouseHeld = null;
  let holding = true;
  window.WebSocket = class extends Base {
    set onmessage(handler) {
      super.onmessage = handler && ((e) => {
        let msg = {};
        try { msg = JSON.parse(e.data); } catch {}
        if (holding && msg.type === "next" && msg.payload?.data?.flowExecution) {
          holding = false;
          window.__gatehouseHeld = String(e.data);
          document.documentElement.dataset.gatehouseHeld = "";
          window.__gatehouseRelease = () => {
            handler.call(this, e);
            setTimeout(() => { document.documentElement.dataset.gatehouseReleased = ""; }, 0);
          };
          return;
        }
        handler.call(this, e);
      });
    }
    get onmessage() { return super.onmessage; }
  };
})();`

// The flowExecution subscription's first push is rendered when it starts;
// it can arrive after the page already shows the answer to a response
// submitted meanwhile. The page must not go back to the challenge it
// already answered (CI twice saw the password typed into a login page that
// had just gone back to the username step). The test holds the first push
// until the page shows the password step, then lets it through.
func TestBrowserStalePushDoesNotRewind(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	u := newUI(t, srv, browsertest.Options{})
	require.NoError(t, u.AddInitScript(playwright.Script{Content: new(holdFirstPush)}))

	u.visit("/if/flow/default-authentication-flow/")
	u.challenge("IdentificationChallenge")
	// The subscription's first push, rendered now (the username step), is held.
	require.NoError(t, u.expect.Locator(u.Locator("html[data-gatehouse-held]")).ToHaveCount(1))
	first, err := u.Evaluate(`() => window.__gatehouseHeld`)
	require.NoError(t, err)
	require.Contains(t, first, `"IdentificationChallenge"`)

	u.fill("Username or email", "admin")
	u.click(u.button("Continue"))
	u.challenge("PasswordChallenge")

	// Now the stale push arrives, and the page has handled it.
	_, err = u.Evaluate(`() => window.__gatehouseRelease()`)
	require.NoError(t, err)
	require.NoError(t, u.expect.Locator(u.Locator("html[data-gatehouse-released]")).ToHaveCount(1))
	require.NoError(t, u.expect.Locator(u.Locator(`[data-challenge="IdentificationChallenge"]`)).ToHaveCount(0))
	u.challenge("PasswordChallenge")

	u.fill("Password", adminPassword)
	require.NoError(t, u.expect.Locator(u.field("Password")).ToHaveValue(adminPassword))
	u.click(u.button("Continue"))
	u.at(`/if/user/$`)
}
