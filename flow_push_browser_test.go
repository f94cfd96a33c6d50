package main

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// seenMessages records, in window.__gatehouseSeen, the text of every
// websocket message the page has handled: pushed after the page's own
// handlers ran (and the render they queued as microtasks).
const seenMessages = `(() => {
  const Base = window.WebSocket;
  window.__gatehouseSeen = [];
  window.WebSocket = class extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => setTimeout(() => window.__gatehouseSeen.push(String(e.data)), 0));
    }
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

	held := make(chan string, 1)
	toPage := make(chan playwright.WebSocketRoute, 1)
	var holding atomic.Bool
	holding.Store(true)
	require.NoError(t, u.RouteWebSocket("**/graphql", func(page playwright.WebSocketRoute) {
		server, err := page.ConnectToServer()
		if err != nil {
			t.Errorf("connect the routed websocket: %v", err)
			return
		}
		server.OnMessage(func(m any) {
			text, _ := m.(string)
			if isFlowExecutionPush(text) && holding.CompareAndSwap(true, false) {
				toPage <- page
				held <- text
				return
			}
			page.Send(m)
		})
	}))
	require.NoError(t, u.AddInitScript(playwright.Script{Content: new(seenMessages)}))

	u.visit("/if/flow/default-authentication-flow/")
	u.challenge("IdentificationChallenge")
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var first string
	select {
	case first = <-held: // rendered now: the username step
	case <-ctx.Done():
		t.Fatal("the page did not subscribe to its execution")
	}
	require.Contains(t, first, `"IdentificationChallenge"`)

	u.fill("Username or email", "admin")
	u.click(u.button("Continue"))
	u.challenge("PasswordChallenge")

	// Now the stale push arrives, and the page has handled it.
	(<-toPage).Send(first)
	_, err := u.WaitForFunction(`(text) => window.__gatehouseSeen.includes(text)`, first)
	require.NoError(t, err)
	require.NoError(t, u.expect.Locator(u.Locator(`[data-challenge="IdentificationChallenge"]`)).ToHaveCount(0))
	u.challenge("PasswordChallenge")

	u.fill("Password", adminPassword)
	require.NoError(t, u.expect.Locator(u.field("Password")).ToHaveValue(adminPassword))
	u.click(u.button("Continue"))
	u.at(`/if/user/$`)
}

// isFlowExecutionPush reports whether a graphql-transport-ws message is a
// result of the flowExecution subscription.
func isFlowExecutionPush(text string) bool {
	var msg struct {
		Type    string
		Payload struct {
			Data map[string]json.RawMessage
		}
	}
	if json.Unmarshal([]byte(text), &msg) != nil || msg.Type != "next" {
		return false
	}
	_, ok := msg.Payload.Data["flowExecution"]
	return ok
}
