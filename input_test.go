package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

// TestBadTextIsRefusedOnEveryBackend sends a NUL character everywhere the
// probe found one reaching the database: it is BAD_USER_INPUT on the
// embedded default and on PostgreSQL + Redis alike (PostgreSQL answered
// INTERNAL_SERVER_ERROR, SQLite stored it), and nothing is stored.
func TestBadTextIsRefusedOnEveryBackend(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := newTestServer(t, newServerEnv(t, backend))
		admin := s.headless()
		require.True(t, admin.login("admin", adminPassword).Completed)
		var bob struct{ CreateUser struct{ ID string } }
		admin.must(`mutation { createUser(input: {username: "bob"}) { id } }`, nil, &bob)

		requireRefused := func(res gqlResult, argument string) {
			t.Helper()
			require.Equal(t, "BAD_USER_INPUT", res.code(), "%+v", res.Errors)
			require.Contains(t, res.Errors[0].Message, argument)
			require.NotContains(t, res.Errors[0].Message, "\x00")
		}
		createUser := `mutation($in: CreateUserInput!) { createUser(input: $in) { id } }`
		requireRefused(admin.do(createUser, map[string]any{"in": map[string]any{"username": "eve\x00"}}), "createUser.input.username")
		requireRefused(admin.do(createUser, map[string]any{"in": map[string]any{"username": "eve", "name": "Eve\x00"}}), "createUser.input.name")
		requireRefused(admin.do(`mutation($id: ID!, $a: Map) { updateUser(id: $id, input: {attributes: $a}) { id } }`,
			map[string]any{"id": bob.CreateUser.ID, "a": map[string]any{"role\x00": "admin"}}), "updateUser.input.attributes")

		anon := s.headless()
		requireRefused(anon.startRaw("default-enrollment-flow\x00", ""), "startFlow.slug")
		v := anon.startEnrollment()
		const password = "violet-harbour-tangent-42"
		requireRefused(anon.submitRaw(v.ID, map[string]any{"prompt": map[string]any{"values": map[string]any{
			"username": "eve\x00", "password": password, "password_repeat": password,
		}}}), "submitChallenge.response.prompt.values")
		// The execution is where it was: the same prompt, no field errors.
		var out struct {
			FlowExecution struct {
				Challenge struct {
					Typename string `json:"__typename"`
					Fields   []struct{ FieldKey string }
				}
			}
		}
		anon.must(`query($id: ID!) { flowExecution(id: $id) { challenge { __typename ... on PromptChallenge { fields { fieldKey } } } } }`,
			map[string]any{"id": v.ID}, &out)
		require.Equal(t, "PromptChallenge", out.FlowExecution.Challenge.Typename)
		require.Equal(t, "username", out.FlowExecution.Challenge.Fields[0].FieldKey)

		ctx := viewer.SystemContext(context.Background())
		n, err := s.app.db.Ent.User.Query().Where(user.UsernameHasPrefix("eve")).Count(ctx)
		require.NoError(t, err)
		require.Zero(t, n, "no user was stored")
		stored, err := s.app.db.Ent.User.Query().Where(user.Username("bob")).Only(ctx)
		require.NoError(t, err)
		require.Empty(t, stored.Attributes, "bob's attributes are unchanged")
	})
}

// TestMalformedRequestsToTheBinary: bodies that are not GraphQL requests
// get a coded 400 from the running server, which logs neither them nor a
// panic.
func TestMalformedRequestsToTheBinary(t *testing.T) {
	t.Parallel()
	p := start(t, map[string]string{"GATEHOUSE_DATA_DIR": t.TempDir()})
	const secret = "correct-horse-SECRET"
	post := func(accept, body string) (int, gqlResponse) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, p.url+"/graphql", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		var out gqlResponse
		require.NoError(t, json.Unmarshal(raw, &out), string(raw))
		return resp.StatusCode, out
	}
	login := `mutation($p: String!) { submitChallenge(executionId: \"x\", response: {password: {password: $p}}) { id } }`
	for name, body := range map[string]string{
		"invalid JSON":         `{"query": "` + login + `", "variables": {"p": "` + secret + `"}`,
		"array":                `[{"query": "` + login + `", "variables": {"p": "` + secret + `"}}]`,
		"empty":                ``,
		"non-object variables": `{"query": "` + login + `", "variables": "` + secret + `"}`,
		"non-string query":     `{"query": {"p": "` + secret + `"}}`,
	} {
		for _, accept := range []string{"", "text/event-stream"} {
			status, resp := post(accept, body)
			require.Equal(t, http.StatusBadRequest, status, "%s (accept %q)", name, accept)
			require.Equal(t, "BAD_REQUEST", resp.code(), "%s (accept %q)", name, accept)
		}
	}
	status, resp := post("", `{"query": "mutation { startFlow(", "variables": {"p": "`+secret+`"}}`)
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "GRAPHQL_PARSE_FAILED", resp.code())

	// The server still serves, and its log has no trace of the requests
	// but their access-log lines.
	status, body := p.get("/-/health/live")
	require.Equal(t, http.StatusOK, status, body)
	logs := p.stderr.String()
	require.Contains(t, logs, `"status":400`)
	require.NotContains(t, logs, secret)
	require.NotContains(t, logs, "panic")
	require.NotContains(t, logs, `"level":"ERROR"`)
}
