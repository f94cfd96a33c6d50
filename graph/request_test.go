package graph_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/group"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/graph"
	"github.com/gatehouse-id/gatehouse/internal/logtest"
)

// secret stands for a password in a request: it must never reach a log.
const secret = "hunter2-SECRET"

// requireQuietLogs asserts that nothing of a refused request was logged:
// no secret, no panic, no error.
func requireQuietLogs(t *testing.T, logs *logtest.Buffer) {
	t.Helper()
	out := logs.String()
	require.NotContains(t, out, secret)
	require.NotContains(t, out, "panic")
	require.NotContains(t, out, "level=ERROR")
}

// TestMalformedRequestsAreRefused: a request that is not a GraphQL request
// gets a coded 400 on every HTTP transport (POST, SSE, GET), with no panic
// and nothing of the request in the logs.
func TestMalformedRequestsAreRefused(t *testing.T) {
	t.Parallel()
	logs := &logtest.Buffer{}
	b := setup(t, "sqlite", func(o *graph.Options) { o.Logger = logs.Logger() })
	send := func(method, target, contentType, accept, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequestWithContext(viewer.NewContext(t.Context(), b.admin), method, target, strings.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		rec := httptest.NewRecorder()
		b.handler.ServeHTTP(rec, req)
		return rec
	}
	requireError := func(t *testing.T, rec *httptest.ResponseRecorder, code string) {
		t.Helper()
		require.Equal(t, http.StatusBadRequest, rec.Code, rec.Body.String())
		var resp response
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &resp), rec.Body.String())
		e := requireCode(t, resp, code)
		require.NotContains(t, e.Message, secret)
	}

	login := `mutation($p: String!) { createUser(input: {username: "x"}, password: $p) { id } }`
	for _, tc := range []struct {
		name, contentType, body, code string
	}{
		{"invalid JSON", "application/json", `{"query": "` + login + `", "variables": {"p": "` + secret + `"}`, "BAD_REQUEST"},
		{"array body", "application/json", `[{"query": "{ viewer { user { id } } }"}, "` + secret + `"]`, "BAD_REQUEST"},
		{"empty body", "application/json", ``, "BAD_REQUEST"},
		{"null body", "application/json", `null`, "BAD_REQUEST"},
		{"string body", "application/json", `"` + secret + `"`, "BAD_REQUEST"},
		{"no query", "application/json", `{"variables": {"p": "` + secret + `"}}`, "BAD_REQUEST"},
		{"empty query", "application/json", `{"query": ""}`, "BAD_REQUEST"},
		{"non-string query", "application/json", `{"query": 123, "variables": {"p": "` + secret + `"}}`, "BAD_REQUEST"},
		{"non-string operation name", "application/json", `{"query": "{ __typename }", "operationName": ["` + secret + `"]}`, "BAD_REQUEST"},
		{"string variables", "application/json", `{"query": "{ __typename }", "variables": "` + secret + `"}`, "BAD_REQUEST"},
		{"list variables", "application/json", `{"query": "{ __typename }", "variables": ["` + secret + `"]}`, "BAD_REQUEST"},
		{"non-object extensions", "application/json", `{"query": "{ __typename }", "extensions": "` + secret + `"}`, "BAD_REQUEST"},
		{"trailing data", "application/json", `{"query": "{ __typename }"} {"p": "` + secret + `"}`, "BAD_REQUEST"},
		{"another content type", "text/plain", `{"query": "{ __typename }", "variables": {"p": "` + secret + `"}}`, "BAD_REQUEST"},
		{"query that does not parse", "application/json", `{"query": "mutation($p: String!) { createUser(", "variables": {"p": "` + secret + `"}}`, "GRAPHQL_PARSE_FAILED"},
	} {
		for _, accept := range []string{"", "application/graphql-response+json", "text/event-stream"} {
			t.Run(tc.name+" accept="+accept, func(t *testing.T) {
				t.Parallel()
				requireError(t, send(http.MethodPost, "/graphql", tc.contentType, accept, tc.body), tc.code)
			})
		}
	}

	typename := url.QueryEscape(`{ __typename }`)
	for _, tc := range []struct {
		name, query, code string
	}{
		{"GET without query", "variables=%7B%7D", "BAD_REQUEST"},
		{"GET with variables that are not JSON", "query=" + typename + "&variables=" + secret, "BAD_REQUEST"},
		{"GET with list variables", "query=" + typename + "&variables=" + url.QueryEscape(`["`+secret+`"]`), "BAD_REQUEST"},
		{"GET with extensions that are not JSON", "query=" + typename + "&extensions=" + secret, "BAD_REQUEST"},
		{"GET with a malformed query string", "query=" + typename + "&variables=%zz" + secret, "BAD_REQUEST"},
		{"GET with a query that does not parse", "query=" + url.QueryEscape(`{ viewer(`) + "&variables=" + url.QueryEscape(`{"p":"`+secret+`"}`), "GRAPHQL_PARSE_FAILED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			requireError(t, send(http.MethodGet, "/graphql?"+tc.query, "", "", ""), tc.code)
		})
	}
	t.Run("PUT", func(t *testing.T) {
		t.Parallel()
		requireError(t, send(http.MethodPut, "/graphql", "application/json", "", `{"query": "{ __typename }"}`), "BAD_REQUEST")
	})

	// Well-formed requests still pass, also right after refused ones.
	t.Run("well-formed", func(t *testing.T) {
		t.Parallel()
		rec := send(http.MethodPost, "/graphql", "application/json", "", `{"query": "{ __typename }", "variables": null, "extensions": {}}`)
		require.Equal(t, http.StatusOK, rec.Code)
		require.JSONEq(t, `{"data":{"__typename":"Query"}}`, rec.Body.String())
		rec = send(http.MethodGet, "/graphql?query="+typename+"&variables=%7B%7D", "", "", "")
		require.Equal(t, http.StatusOK, rec.Code)
		require.JSONEq(t, `{"data":{"__typename":"Query"}}`, rec.Body.String())
	})
	t.Cleanup(func() { requireQuietLogs(t, logs) })
}

// TestMutationOverStreams: a mutation sent over SSE or a websocket is
// answered once and committed once. The transports read responses until
// the end of the stream; reading the end ran the transaction middleware
// again, which panicked on it.
func TestMutationOverStreams(t *testing.T) {
	t.Parallel()
	logs := &logtest.Buffer{}
	b := setup(t, "sqlite", func(o *graph.Options) { o.Logger = logs.Logger() })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.handler.ServeHTTP(w, r.WithContext(viewer.NewContext(r.Context(), b.admin)))
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	createGroup := `mutation($n: String!) { createGroup(input: {name: $n}) { name } }`

	// SSE: one next event, then complete.
	body, err := json.Marshal(map[string]any{"query": createGroup, "variables": map[string]any{"n": "over-sse"}})
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader(string(body)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var events []string
	for sc := bufio.NewScanner(resp.Body); sc.Scan(); {
		if line := sc.Text(); strings.HasPrefix(line, "event: ") || strings.HasPrefix(line, "data: ") {
			events = append(events, line)
		}
	}
	require.Equal(t, []string{"event: next", `data: {"data":{"createGroup":{"name":"over-sse"}}}`, "event: complete"}, events)

	// Websocket: a bad subscribe payload is refused, a mutation answered once.
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	require.NoError(t, err)
	defer func() { _ = conn.CloseNow() }()
	require.NoError(t, wsjson.Write(ctx, conn, map[string]any{"type": "connection_init"}))
	var msg struct {
		ID      string          `json:"id"`
		Type    string          `json:"type"`
		Payload json.RawMessage `json:"payload"`
	}
	require.NoError(t, wsjson.Read(ctx, conn, &msg))
	require.Equal(t, "connection_ack", msg.Type)
	require.NoError(t, wsjson.Write(ctx, conn, map[string]any{"id": "1", "type": "subscribe", "payload": secret}))
	require.NoError(t, wsjson.Read(ctx, conn, &msg))
	require.Equal(t, "error", msg.Type)
	require.Equal(t, "1", msg.ID)
	require.NotContains(t, string(msg.Payload), secret)

	require.NoError(t, wsjson.Write(ctx, conn, map[string]any{"id": "2", "type": "subscribe", "payload": map[string]any{
		"query": createGroup, "variables": map[string]any{"n": "over-websocket"},
	}}))
	var got []string
	for len(got) == 0 || got[len(got)-1] != "complete 2" {
		require.NoError(t, wsjson.Read(ctx, conn, &msg))
		if msg.ID == "2" {
			got = append(got, msg.Type+" "+msg.ID)
		}
	}
	require.Equal(t, []string{"next 2", "complete 2"}, got)

	n, err := b.client.Group.Query().Where(group.NameIn("over-sse", "over-websocket")).Count(viewer.SystemContext(ctx))
	require.NoError(t, err)
	require.Equal(t, 2, n, "each mutation committed")
	requireQuietLogs(t, logs)
}
