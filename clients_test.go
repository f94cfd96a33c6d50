package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/authn"
	"github.com/gatehouse-id/gatehouse/graph"
)

// These tests hold the server to what third-party GraphQL clients expect
// with their documented defaults (issue 13): CORS for pages of trusted
// origins, sessions over websockets, the schema as a file.

const (
	appOrigin    = "https://app.example.com"
	publicOrigin = "http://gatehouse.example.test"
	evilOrigin   = "https://evil.example.net"
)

// send makes one request to s and returns the response with its body read.
func (s *testServer) send(method, path string, header http.Header, body string) (*http.Response, string) {
	s.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, s.url+path, strings.NewReader(body))
	require.NoError(s.t, err)
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	return resp, string(raw)
}

func TestCORS(t *testing.T) {
	t.Parallel()
	env := newServerEnv(t, "embedded")
	env["GATEHOUSE_ALLOWED_ORIGINS"] = appOrigin
	env["GATEHOUSE_PUBLIC_URL"] = publicOrigin
	s := newTestServer(t, env)

	preflight := func(origin, headers string) *http.Response {
		resp, _ := s.send(http.MethodOptions, "/graphql", http.Header{
			"Origin":                         {origin},
			"Access-Control-Request-Method":  {"POST"},
			"Access-Control-Request-Headers": {headers},
		}, "")
		return resp
	}
	for _, origin := range []string{appOrigin, publicOrigin} {
		resp := preflight(origin, "content-type,gatehouse-session,apollo-require-preflight,authorization")
		require.Equal(t, http.StatusNoContent, resp.StatusCode, origin)
		require.Equal(t, origin, resp.Header.Get("Access-Control-Allow-Origin"), "the exact origin is echoed")
		require.Equal(t, "true", resp.Header.Get("Access-Control-Allow-Credentials"))
		require.Contains(t, resp.Header.Get("Access-Control-Allow-Methods"), "POST")
		allowed := strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers"))
		for _, h := range []string{"content-type", "gatehouse-session", "authorization", "apollo-require-preflight"} {
			require.Contains(t, allowed, h)
		}
		require.Equal(t, "600", resp.Header.Get("Access-Control-Max-Age"))
		require.Contains(t, resp.Header.Values("Vary"), "Origin")
	}
	for name, resp := range map[string]*http.Response{
		"another origin":     preflight(evilOrigin, "content-type"),
		"an unlisted header": preflight(appOrigin, "content-type,x-secret-sauce"),
	} {
		require.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"), name)
		require.Empty(t, resp.Header.Get("Access-Control-Allow-Credentials"), name)
	}

	// A cookieless login from the page, then its requests with the session.
	c := s.headless()
	c.header.Set("Origin", appOrigin)
	v := c.login("admin", adminPassword)
	require.True(t, v.Completed)
	res := c.do(`{ viewer { user { username } } }`, nil)
	require.Empty(t, res.Errors)
	require.Equal(t, appOrigin, res.header.Get("Access-Control-Allow-Origin"))
	require.Equal(t, "true", res.header.Get("Access-Control-Allow-Credentials"))
	require.Contains(t, res.header.Get("Access-Control-Expose-Headers"), "X-Request-ID")
	require.Contains(t, res.header.Values("Vary"), "Origin")

	// Refusals before GraphQL runs are readable by the page too.
	resp, body := s.send(http.MethodPost, "/graphql", http.Header{
		"Origin": {appOrigin}, "Content-Type": {"application/json"}, "Authorization": {"Bearer nonsense"},
	}, `{"query":"{ __typename }"}`)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, body)
	require.Equal(t, appOrigin, resp.Header.Get("Access-Control-Allow-Origin"))

	// Other origins get no CORS headers, whatever the answer.
	resp, body = s.send(http.MethodPost, "/graphql", http.Header{
		"Origin": {evilOrigin}, "Content-Type": {"application/json"},
	}, `{"query":"{ __typename }"}`)
	require.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"), body)

	// The websocket origin check trusts the public URL's origin, as the
	// CSRF guard does, though the socket is opened on another host.
	for origin, ok := range map[string]bool{publicOrigin: true, appOrigin: true, evilOrigin: false} {
		conn, resp, err := websocket.Dial(t.Context(), "ws"+strings.TrimPrefix(s.url, "http")+"/graphql", &websocket.DialOptions{
			Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: http.Header{"Origin": {origin}},
		})
		if !ok {
			require.Error(t, err, origin)
			require.Equal(t, http.StatusForbidden, resp.StatusCode)
			continue
		}
		require.NoError(t, err, origin)
		_ = conn.CloseNow()
	}
}

// socket is a graphql-transport-ws client connection.
type socket struct {
	t    *testing.T
	conn *websocket.Conn
	next int
}

// openSocket connects to s and sends connection_init with payload.
func (s *testServer) openSocket(t *testing.T, payload map[string]any) *socket {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.url, "http")+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"},
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.CloseNow() })
	require.NoError(t, wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": payload}))
	var ack struct{ Type string }
	require.NoError(t, wsjson.Read(ctx, conn, &ack))
	require.Equal(t, "connection_ack", ack.Type)
	return &socket{t: t, conn: conn}
}

// do runs one query or mutation over the socket and returns its result.
func (k *socket) do(query string, vars map[string]any) gqlResult {
	k.t.Helper()
	ctx, cancel := context.WithTimeout(k.t.Context(), time.Minute)
	defer cancel()
	k.next++
	id := strings.Repeat("x", k.next) // any unique ID
	require.NoError(k.t, wsjson.Write(ctx, k.conn, map[string]any{
		"id": id, "type": "subscribe", "payload": map[string]any{"query": query, "variables": vars},
	}))
	var out gqlResult
	for {
		var msg struct {
			ID      string
			Type    string
			Payload json.RawMessage
		}
		require.NoError(k.t, wsjson.Read(ctx, k.conn, &msg))
		switch {
		case msg.Type == "ping":
			require.NoError(k.t, wsjson.Write(ctx, k.conn, map[string]any{"type": "pong"}))
		case msg.ID != id:
		case msg.Type == "next":
			require.NoError(k.t, json.Unmarshal(msg.Payload, &out))
		case msg.Type == "complete":
			return out
		case msg.Type == "error": // the operation did not validate: no complete follows
			require.NoError(k.t, json.Unmarshal(msg.Payload, &out.Errors))
			return out
		default:
			k.t.Fatalf("unexpected %s: %s", msg.Type, msg.Payload)
		}
	}
}

// viewer returns the username the socket's operations run as.
func (k *socket) viewer() string {
	k.t.Helper()
	res := k.do(`{ viewer { user { username } } }`, nil)
	require.Empty(k.t, res.Errors)
	var out struct {
		Viewer *struct{ User *struct{ Username string } }
	}
	require.NoError(k.t, json.Unmarshal(res.Data, &out))
	if out.Viewer == nil || out.Viewer.User == nil {
		return ""
	}
	return out.Viewer.User.Username
}

// flow runs a flow mutation over the socket and returns its view.
func (k *socket) flow(query string, vars map[string]any, field string) view {
	k.t.Helper()
	res := k.do(query+executionFields, vars)
	require.Empty(k.t, res.Errors, "%s", query)
	var out map[string]view
	require.NoError(k.t, json.Unmarshal(res.Data, &out))
	return out[field]
}

const (
	startFlowMutation = `mutation($slug: String!) { startFlow(slug: $slug) { ...execution } }`
	submitMutation    = `mutation($id: ID!, $r: ChallengeResponseInput!) { submitChallenge(executionId: $id, response: $r) { ...execution } }`
)

func TestWebsocketSessions(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := newTestServer(t, newServerEnv(t, backend))

		// A session from an HTTP login, under either documented key.
		c := s.headless()
		require.True(t, c.login("admin", adminPassword).Completed)
		for _, key := range []string{authn.SessionHeader, "sessionToken", "gatehouse-session"} {
			require.Equal(t, "admin", s.openSocket(t, map[string]any{key: c.session}).viewer(), key)
		}
		require.Empty(t, s.openSocket(t, map[string]any{"sessionToken": "no-such-session"}).viewer(),
			"an unknown session is anonymous, as over HTTP")

		// A whole login on one socket: each step adopts the session the
		// last one created, as a browser's cookie would.
		k := s.openSocket(t, map[string]any{})
		require.Empty(t, k.viewer())
		v := k.flow(startFlowMutation, map[string]any{"slug": "default-authentication-flow"}, "startFlow")
		require.Equal(t, "IdentificationChallenge", v.Challenge.Typename)
		require.NotNil(t, v.SessionToken)

		wrong := k.do(submitMutation+executionFields, map[string]any{"id": v.ID, "r": map[string]any{"password": map[string]any{"password": "x"}}})
		require.Equal(t, "WRONG_STAGE", wrong.code(), "the execution is found: the socket holds its session")
		require.Equal(t, "the response does not answer the current stage", wrong.Errors[0].Message, "no parser position")
		require.Equal(t, []any{"submitChallenge"}, wrong.Errors[0].Path)

		v = k.flow(submitMutation, map[string]any{"id": v.ID, "r": map[string]any{"identification": map[string]any{"uidField": "admin"}}}, "submitChallenge")
		require.Equal(t, "PasswordChallenge", v.Challenge.Typename)
		v = k.flow(submitMutation, map[string]any{"id": v.ID, "r": map[string]any{"password": map[string]any{"password": adminPassword}}}, "submitChallenge")
		require.True(t, v.Completed)
		require.NotNil(t, v.SessionToken)
		require.Equal(t, "admin", k.viewer(), "the socket adopted the login's session")

		other := s.headless()
		other.session = *v.SessionToken
		require.Equal(t, "admin", other.viewer(), "the sessionToken it returned works over HTTP")

		v = k.flow(startFlowMutation, map[string]any{"slug": "default-invalidation-flow"}, "startFlow")
		require.True(t, v.Completed)
		require.Empty(t, k.viewer(), "logging out over the socket ends its session")
		require.Empty(t, other.viewer())
	})
}

func TestSchemaFile(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	get := func(c *client) (int, string) {
		header := http.Header{}
		if c != nil {
			header.Set(authn.SessionHeader, c.session)
		}
		resp, body := s.send(http.MethodGet, graph.SchemaPath, header, "")
		return resp.StatusCode, body
	}
	status, body := get(nil)
	require.Equal(t, http.StatusForbidden, status)
	require.Contains(t, body, graph.CodeIntrospection, "refused as introspection is")
	res := s.headless().do(`{ __schema { queryType { name } } }`, nil)
	require.Equal(t, graph.CodeIntrospection, res.code(), "introspection refuses the same callers")

	admin := s.headless()
	require.True(t, admin.login("admin", adminPassword).Completed)
	status, body = get(admin)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, graph.SDL(), body)
	require.Contains(t, body, "directive @oneOf on INPUT_OBJECT")
	require.Contains(t, body, "input ChallengeResponseInput @oneOf")

	env := newServerEnv(t, "embedded")
	env["GATEHOUSE_DEV"] = "true"
	dev := newTestServer(t, env)
	resp, body := dev.send(http.MethodGet, graph.SchemaPath, http.Header{}, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, "dev mode serves everyone")
	require.Equal(t, graph.SDL(), body)
}
