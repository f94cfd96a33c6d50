package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/authn"
)

// sseMessage is one message of a subscription over SSE: data, or a final
// error.
type sseMessage struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// subscribeSSE opens query as a subscription over SSE with c's
// credentials and returns its messages; the channel closes with the
// stream.
func (c *client) subscribeSSE(ctx context.Context, query string) <-chan sseMessage {
	c.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query})
	require.NoError(c.t, err)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url+"/graphql", bytes.NewReader(body))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	maps.Copy(req.Header, c.header)
	if !c.browser && c.session != "" {
		req.Header.Set(authn.SessionHeader, c.session)
	}
	resp, err := c.http.Do(req)
	require.NoError(c.t, err)
	require.Equal(c.t, http.StatusOK, resp.StatusCode)
	out := make(chan sseMessage, 16)
	ready := make(chan struct{})
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		started := false
		for sc.Scan() {
			if !started {
				started = true
				close(ready)
			}
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var msg sseMessage
			if json.Unmarshal([]byte(data), &msg) == nil {
				out <- msg
			}
		}
	}()
	select {
	case <-ready: // gqlgen writes ":\n\n" once the subscription is set up
	case <-ctx.Done():
		c.t.Fatal("SSE stream did not start")
	}
	return out
}

// finalError waits for the stream to end and returns the code of the error
// it ended with ("" if it ended without one).
func finalError(ctx context.Context, t *testing.T, stream <-chan sseMessage) string {
	t.Helper()
	code := ""
	for {
		select {
		case msg, ok := <-stream:
			if !ok {
				return code
			}
			if len(msg.Errors) > 0 {
				code, _ = msg.Errors[0].Extensions["code"].(string)
			}
		case <-ctx.Done():
			t.Fatal("the subscription did not end")
		}
	}
}

// subscribeWS opens query as a subscription over graphql-transport-ws,
// authenticated by authorization in connection_init, and returns a channel
// that yields the code of the error the subscription ends with, then the
// socket's close code.
func (s *testServer) subscribeWS(ctx context.Context, t *testing.T, authorization, query string) <-chan any {
	t.Helper()
	conn, _, err := websocket.Dial(ctx, strings.Replace(s.url, "http", "ws", 1)+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"},
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.CloseNow() })
	require.NoError(t, wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": authorization}}))
	var ack struct{ Type string }
	require.NoError(t, wsjson.Read(ctx, conn, &ack))
	require.Equal(t, "connection_ack", ack.Type)
	require.NoError(t, wsjson.Write(ctx, conn, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": query}}))
	out := make(chan any, 2)
	go func() {
		defer close(out)
		for {
			var msg struct {
				Type    string
				Payload sseMessage
			}
			if err := wsjson.Read(ctx, conn, &msg); err != nil {
				out <- websocket.CloseStatus(err)
				return
			}
			if msg.Type == "next" && len(msg.Payload.Errors) > 0 {
				code, _ := msg.Payload.Errors[0].Extensions["code"].(string)
				out <- code
			}
		}
	}()
	return out
}

// A superuser's eventCreated stream ends, with a final error, when the
// authority that opened it ends — on another server of the deployment
// than the one that ended it.
func TestSubscriptionsEndWithTheirAuthority(t *testing.T) {
	t.Parallel()
	const events = `subscription { eventCreated { action } }`
	for _, tc := range []struct {
		name string
		// open returns a client of a superuser (bob) on server; end ends
		// its authority, acting as admin on the other server.
		end  func(t *testing.T, admin, bob *client, bobID, tokenID string)
		want string
	}{
		{"Logout", func(t *testing.T, _, bob *client, _, _ string) {
			require.True(t, bob.logout().Completed)
		}, "UNAUTHENTICATED"},
		{"SessionRevoked", func(t *testing.T, _, bob *client, _, _ string) {
			var out struct{ RevokeOtherSessions int }
			bob.must(`mutation { revokeOtherSessions }`, nil, &out) // from bob's other session
			require.Equal(t, 1, out.RevokeOtherSessions)
		}, "UNAUTHENTICATED"},
		{"AdminRevokedSessions", func(t *testing.T, admin, _ *client, bobID, _ string) {
			require.Equal(t, 1, admin.revokeUserSessions(bobID, nil)) // from the other server
		}, "UNAUTHENTICATED"},
		{"Deactivated", func(t *testing.T, admin, _ *client, bobID, _ string) {
			admin.must(`mutation($id: ID!) { updateUser(id: $id, input: {isActive: false}) { id } }`, map[string]any{"id": bobID}, nil)
		}, "UNAUTHENTICATED"},
		{"LostSuperuser", func(t *testing.T, admin, _ *client, bobID, _ string) {
			admin.must(`mutation($id: ID!) { updateUser(id: $id, input: {clearGroups: true}) { id } }`, map[string]any{"id": bobID}, nil)
		}, "FORBIDDEN"},
		{"TokenDeleted", func(t *testing.T, admin, _ *client, _, tokenID string) {
			admin.must(`mutation($id: ID!) { deleteToken(id: $id) }`, map[string]any{"id": tokenID}, nil)
		}, "UNAUTHENTICATED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newServerEnv(t, "postgres+redis")
			one, two := newTestServer(t, env), newTestServer(t, env)
			admin := one.browser()
			require.True(t, admin.login("admin", adminPassword).Completed)
			var groups struct {
				Groups struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
			admin.must(`{ groups(where: {isSuperuser: true}) { edges { node { id } } } }`, nil, &groups)
			var created struct{ CreateUser struct{ ID string } }
			admin.must(`mutation($g: ID!) { createUser(input: {username: "bob", groupIDs: [$g]}, password: "violet-harbour-71") { id } }`,
				map[string]any{"g": groups.Groups.Edges[0].Node.ID}, &created)

			bob := one.headless()
			require.True(t, bob.login("bob", "violet-harbour-71").Completed)
			var token struct {
				CreateToken struct {
					Key   string
					Token struct{ ID string }
				}
			}
			bob.must(`mutation { createToken(input: {identifier: "stream", expiring: false}) { key token { id } } }`, nil, &token)

			// bob watches on server two, by session or by API token.
			watcher := bob.on(two)
			if tc.name == "TokenDeleted" {
				watcher = two.headless()
				watcher.header.Set("Authorization", "Bearer "+token.CreateToken.Key)
			}
			if tc.name == "SessionRevoked" {
				bob = one.headless() // bob's other session revokes the watching one
				require.True(t, bob.login("bob", "violet-harbour-71").Completed)
			}
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			stream := watcher.subscribeSSE(ctx, events)
			// And over a websocket, authenticated in connection_init.
			ws := two.subscribeWS(ctx, t, "Bearer "+token.CreateToken.Key, events)

			tc.end(t, admin.on(one), bob, created.CreateUser.ID, token.CreateToken.Token.ID)
			require.Equal(t, tc.want, finalError(ctx, t, stream))
			if tc.name == "Logout" || tc.name == "SessionRevoked" || tc.name == "AdminRevokedSessions" {
				return // bob's token still grants what it did
			}
			select {
			case code := <-ws:
				require.Equal(t, tc.want, code, "the final error")
			case <-ctx.Done():
				t.Fatal("the websocket subscription did not end")
			}
			require.Equal(t, websocket.StatusCode(4403), <-ws, "then the socket closes: 4403 Forbidden")
		})
	}
}

// A subscription that cannot start answers its error with the error's own
// message, as queries and mutations do: gqlgen's "input:<line>:<column>:
// <field>" stays out of it (the client has locations and path for that).
func TestSubscriptionErrorMessages(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	admin := s.headless()
	require.True(t, admin.login("admin", adminPassword).Completed)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for _, query := range []string{
		"subscription {\n  flowInspector(executionId: \"no-such-execution\") { executionId }\n}",
		`subscription { flowExecution(id: "no-such-execution") { id } }`,
	} {
		var msgs []sseMessage
		for msg := range admin.subscribeSSE(ctx, query) {
			msgs = append(msgs, msg)
		}
		require.Len(t, msgs, 1, query)
		require.Len(t, msgs[0].Errors, 1, query)
		require.Equal(t, "NOT_FOUND", msgs[0].Errors[0].Extensions["code"], query)
		require.Equal(t, "flow execution not found", msgs[0].Errors[0].Message, query)
	}
	res := admin.submitRaw("no-such-execution", map[string]any{"identification": map[string]any{"uidField": "admin"}})
	require.Equal(t, "NOT_FOUND", res.code())
	require.Equal(t, "flow execution not found", res.Errors[0].Message, "mutations too")
}
