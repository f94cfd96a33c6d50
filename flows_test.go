package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/authn"
)

// These tests drive the default flows through GraphQL only, as a
// browser (session cookie) and as a headless client (session token in the
// Gatehouse-Session header), on the embedded backend and on
// PostgreSQL+Redis, against the server wired as `serve` wires it.

func TestLoginAndLogout(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := newTestServer(t, newServerEnv(t, backend))
		for _, kind := range []string{"browser", "headless"} {
			c := s.browser()
			if kind == "headless" {
				c = s.headless()
			}
			require.Empty(t, c.viewer(), "%s: anonymous at first", kind)

			v := c.start("default-authentication-flow")
			require.Equal(t, "IdentificationChallenge", v.Challenge.Typename)
			require.Equal(t, []string{"USERNAME", "EMAIL"}, v.Challenge.UserFields)
			require.Equal(t, "/if/flow/default-enrollment-flow/", v.Challenge.EnrollURL)
			require.NotNil(t, v.SessionToken, "first contact starts a session")
			anonymous := *v.SessionToken

			v = c.submit(v.ID, map[string]any{"identification": map[string]any{"uidField": "ADMIN"}})
			require.Equal(t, "PasswordChallenge", v.Challenge.Typename)
			require.Equal(t, "admin", *v.Challenge.PendingUser, "case-insensitive match shows the user")
			v = c.submit(v.ID, map[string]any{"password": map[string]any{"password": adminPassword}})
			require.True(t, v.Completed)
			require.Equal(t, "RedirectChallenge", v.Challenge.Typename)
			require.Equal(t, "/", v.Challenge.To)
			require.NotNil(t, v.SessionToken, "login rotates the session")
			require.NotEqual(t, anonymous, *v.SessionToken)
			loggedIn := *v.SessionToken
			require.Equal(t, "admin", c.viewer(), kind)

			// The pre-login session ID is worthless now.
			stale := s.headless()
			stale.session = anonymous
			require.Empty(t, stale.viewer(), "%s: the anonymous session ID did not become admin's", kind)

			v = c.logout()
			require.True(t, v.Completed, "%+v", v.Challenge)
			require.Equal(t, "RedirectChallenge", v.Challenge.Typename)
			require.Empty(t, c.viewer(), "%s: logged out", kind)
			old := s.headless()
			old.session = loggedIn
			require.Empty(t, old.viewer(), "%s: the session is deleted at logout", kind)
		}
	})
}

func TestBrowserSessionCookie(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	c := s.browser()
	v := c.start("default-authentication-flow")
	v = c.submit(v.ID, map[string]any{"identification": map[string]any{"uidField": "admin"}})
	res := c.submitRaw(v.ID, map[string]any{"password": map[string]any{"password": adminPassword}})
	require.Empty(t, res.Errors)
	var cookie *http.Cookie
	for _, raw := range res.header.Values("Set-Cookie") {
		if ck, err := http.ParseSetCookie(raw); err == nil && ck.Name == authn.CookieName {
			cookie = ck
		}
	}
	require.NotNil(t, cookie, "login sets the session cookie")
	require.True(t, cookie.HttpOnly)
	require.Equal(t, http.SameSiteLaxMode, cookie.SameSite)
	require.Equal(t, "admin", c.viewer())

	// A page of another origin cannot use the cookie.
	evil := *c
	evil.header = http.Header{"Origin": {"https://evil.example"}}
	res = evil.do(`mutation { startFlow(slug: "default-invalidation-flow") { id } }`, nil)
	require.Equal(t, http.StatusForbidden, res.status)
	require.Equal(t, "admin", c.viewer(), "the refused logout changed nothing")
}

func TestEnrollmentThenLogin(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := newTestServer(t, newServerEnv(t, backend))
		c := s.headless()
		v := c.startEnrollment()
		prompt := func(values map[string]any) view {
			return c.submit(v.ID, map[string]any{"prompt": map[string]any{"values": values}})
		}
		const password = "violet-harbour-tangent-42"

		// Bad answers: each a field error, the challenge unchanged.
		for _, bad := range []struct {
			values map[string]any
			code   string
		}{
			{map[string]any{"username": "Admin", "password": password, "password_repeat": password}, "taken"},
			{map[string]any{"username": "newcomer", "password": password, "password_repeat": password + "x"}, "mismatch"},
			{map[string]any{"username": "newcomer", "password": "password1", "password_repeat": "password1"}, "policy"},
			{map[string]any{"username": "newcomer"}, "required"},
		} {
			got := prompt(bad.values)
			require.Equal(t, "PromptChallenge", got.Challenge.Typename)
			require.Equal(t, v.ID, got.ID)
			codes := make([]string, len(got.Challenge.Errors))
			for i, e := range got.Challenge.Errors {
				codes[i] = e.Code
			}
			require.Contains(t, codes, bad.code, "answers %v", bad.values)
		}

		v = prompt(map[string]any{"username": "newcomer", "password": password, "password_repeat": password})
		require.Equal(t, "PromptChallenge", v.Challenge.Typename, "%v", v.Challenge.Errors)
		require.Equal(t, []string{"name", "email"}, []string{v.Challenge.Fields[0].FieldKey, v.Challenge.Fields[1].FieldKey})
		v = prompt(map[string]any{"name": "New Comer", "email": "newcomer@example.com"})
		require.Equal(t, "EmailChallenge", v.Challenge.Typename, "%+v", v.Challenge)
		require.Equal(t, "n***@example.com", v.Challenge.To)
		v = c.followLink(c.lastLink("newcomer@example.com"))
		require.True(t, v.Completed, "%+v", v.Challenge)
		require.Equal(t, "newcomer", c.viewer(), "enrolment logs the new user in once the address is verified")

		c.logout()
		require.Empty(t, c.viewer())
		v = c.login("newcomer@example.com", password)
		require.True(t, v.Completed, "%+v", v.Challenge)
		require.Equal(t, "newcomer", c.viewer(), "the new user logs in by email")

		// A signed-in user cannot enrol again.
		v = c.start("default-enrollment-flow")
		require.Equal(t, "AccessDeniedChallenge", v.Challenge.Typename)
	})
}

func TestPasswordChangeAndSettings(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	c := s.headless()
	require.True(t, c.login("admin", adminPassword).Completed)

	// Anonymous clients cannot change anyone's password.
	anon := s.headless()
	v := anon.start("default-password-change-flow")
	require.Equal(t, "AccessDeniedChallenge", v.Challenge.Typename)

	v = c.start("default-password-change-flow")
	require.Equal(t, "PasswordChallenge", v.Challenge.Typename, "the current password first")
	require.Equal(t, "admin", *v.Challenge.PendingUser)
	v = c.submit(v.ID, map[string]any{"password": map[string]any{"password": "not it"}})
	require.Equal(t, "invalid", v.Challenge.Errors[0].Code)
	v = c.submit(v.ID, map[string]any{"password": map[string]any{"password": adminPassword}})
	require.Equal(t, "PromptChallenge", v.Challenge.Typename)
	const next = "quartz-meadow-lantern-97"
	v = c.submit(v.ID, map[string]any{"prompt": map[string]any{"values": map[string]any{"password": next, "password_repeat": next}}})
	require.True(t, v.Completed, "%+v", v.Challenge)
	require.Equal(t, "admin", c.viewer(), "still logged in")

	other := s.headless()
	v = other.login("admin", adminPassword)
	require.False(t, v.Completed, "the old password is refused")
	require.True(t, other.login("admin", next).Completed, "the new one works")

	v = c.start("default-user-settings-flow")
	require.Equal(t, "PromptChallenge", v.Challenge.Typename)
	v = c.submit(v.ID, map[string]any{"prompt": map[string]any{"values": map[string]any{"username": "admin", "name": "The Admin", "email": "root@example.com"}}})
	require.True(t, v.Completed, "%+v", v.Challenge)
	var me struct {
		Viewer struct{ User struct{ Name, Email string } }
	}
	c.must(`{ viewer { user { name email } } }`, nil, &me)
	require.Equal(t, "The Admin", me.Viewer.User.Name)
	require.Equal(t, "root@example.com", me.Viewer.User.Email)
}

func TestUnknownUserAnswersLikeAWrongPassword(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	answer := func(identifier string) (view, view) {
		c := s.headless()
		v := c.start("default-authentication-flow")
		afterID := c.submit(v.ID, map[string]any{"identification": map[string]any{"uidField": identifier}})
		afterPW := c.submit(v.ID, map[string]any{"password": map[string]any{"password": "wrong password"}})
		return afterID, afterPW
	}
	knownID, knownPW := answer("admin")
	unknownID, unknownPW := answer("nobody")
	require.Equal(t, knownID.Challenge.Typename, unknownID.Challenge.Typename, "both are asked for a password")
	require.Equal(t, knownID.Challenge.Errors, unknownID.Challenge.Errors)
	require.Equal(t, "nobody", *unknownID.Challenge.PendingUser, "the typed identifier is shown back, as for a real user")
	require.Equal(t, knownPW.Challenge.Typename, unknownPW.Challenge.Typename)
	require.Equal(t, []fieldError{{Field: "password", Message: "Invalid username or password.", Code: "invalid"}}, knownPW.Challenge.Errors)
	require.Equal(t, knownPW.Challenge.Errors, unknownPW.Challenge.Errors)
}

func TestAliasedAttemptsCountOneEach(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := newTestServer(t, newServerEnv(t, backend))
		c := s.headless()
		// Twenty executions of one session, each waiting for admin's password.
		const n = 20
		ids := make([]string, n)
		for i := range ids {
			v := c.start("default-authentication-flow")
			v = c.submit(v.ID, map[string]any{"identification": map[string]any{"uidField": "admin"}})
			require.Equal(t, "PasswordChallenge", v.Challenge.Typename)
			ids[i] = v.ID
		}
		var q strings.Builder
		vars := map[string]any{}
		q.WriteString("mutation(")
		for i := range ids {
			fmt.Fprintf(&q, "$e%d: ID!, ", i)
			vars[fmt.Sprintf("e%d", i)] = ids[i]
		}
		q.WriteString(") {")
		for i := range ids {
			fmt.Fprintf(&q, ` a%d: submitChallenge(executionId: $e%d, response: {password: {password: "guess-%d"}}) { ...execution }`, i, i, i)
		}
		q.WriteString(" }" + executionFields)
		res := c.do(q.String(), vars)
		require.Empty(t, res.Errors)
		var data map[string]view
		require.NoError(t, json.Unmarshal(res.Data, &data))
		counts := map[string]int{}
		for i := range ids {
			v := data[fmt.Sprintf("a%d", i)]
			require.Len(t, v.Challenge.Errors, 1)
			counts[v.Challenge.Errors[0].Code]++
		}
		require.Equal(t, map[string]int{"invalid": 10, "rate_limited": 10}, counts,
			"each aliased field is one attempt: ten are checked, the rest refused")

		// Past the limit the right password is refused exactly like a wrong one.
		right := s.headless().login("admin", adminPassword)
		wrong := s.headless().login("admin", "still guessing")
		require.False(t, right.Completed)
		require.Equal(t, "rate_limited", right.Challenge.Errors[0].Code)
		require.Equal(t, wrong.Challenge.Errors, right.Challenge.Errors)
		require.Equal(t, wrong.Challenge.Typename, right.Challenge.Typename)
	})
}

func TestFlowBadInput(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	c := s.headless()
	v := c.start("default-authentication-flow")
	current := func(who *client) string {
		var out struct {
			FlowExecution *struct {
				Challenge struct {
					Typename string `json:"__typename"`
				}
			}
		}
		who.must(`query($id: ID!) { flowExecution(id: $id) { challenge { __typename } } }`, map[string]any{"id": v.ID}, &out)
		if out.FlowExecution == nil {
			return ""
		}
		return out.FlowExecution.Challenge.Typename
	}

	cases := []struct {
		name     string
		id       string
		response map[string]any
		code     string
	}{
		{"unknown execution", "no-such-execution", map[string]any{"identification": map[string]any{"uidField": "admin"}}, "NOT_FOUND"},
		{"response of another kind", v.ID, map[string]any{"prompt": map[string]any{"values": map[string]any{}}}, "WRONG_STAGE"},
		{"response to a stage that is not current", v.ID, map[string]any{"password": map[string]any{"password": adminPassword}}, "WRONG_STAGE"},
		{"two members of the oneOf input", v.ID, map[string]any{"password": map[string]any{"password": "x"}, "dummy": map[string]any{}}, "VALIDATION_FAILED"},
		{"no member", v.ID, map[string]any{}, "VALIDATION_FAILED"},
		{"garbage", v.ID, map[string]any{"identification": map[string]any{"uidField": map[string]any{"a": 1}}}, "GRAPHQL_VALIDATION_FAILED"},
		{"an unknown field", v.ID, map[string]any{"identification": map[string]any{"uidField": "admin", "isAdmin": true}}, "GRAPHQL_VALIDATION_FAILED"},
	}
	for _, tc := range cases {
		res := c.submitRaw(tc.id, tc.response)
		require.Equal(t, tc.code, res.code(), "%s: %+v", tc.name, res.Errors)
		require.NotContains(t, res.Errors[0].Message, "executor.", "%s: no internals", tc.name)
		require.Equal(t, "IdentificationChallenge", current(c), "%s: the execution is unchanged", tc.name)
	}

	// Another session can neither read nor drive the execution.
	other := s.headless()
	require.Empty(t, current(other))
	res := other.submitRaw(v.ID, map[string]any{"identification": map[string]any{"uidField": "admin"}})
	require.Equal(t, "NOT_FOUND", res.code())
	require.Equal(t, "NOT_FOUND", other.do(`mutation($id: ID!) { cancelFlow(executionId: $id) }`, map[string]any{"id": v.ID}).code())
	require.Equal(t, "IdentificationChallenge", current(c), "the owner's execution is unchanged")

	// Unknown flows and unsafe next targets.
	require.Equal(t, "NOT_FOUND", c.startRaw("no-such-flow", "").code())
	for _, next := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"} {
		res := c.startRaw("default-authentication-flow", "next="+url.QueryEscape(next))
		require.Equal(t, "BAD_USER_INPUT", res.code(), "next=%s", next)
	}

	// A relative next is where the flow ends.
	res = c.startRaw("default-authentication-flow", "next="+url.QueryEscape("/app/settings?tab=2"))
	require.Empty(t, res.Errors)
	var started struct{ StartFlow view }
	require.NoError(t, json.Unmarshal(res.Data, &started))
	w := c.submit(started.StartFlow.ID, map[string]any{"identification": map[string]any{"uidField": "admin"}})
	w = c.submit(w.ID, map[string]any{"password": map[string]any{"password": adminPassword}})
	require.Equal(t, "/app/settings?tab=2", w.Challenge.To)

	// A cancelled execution is gone.
	require.True(t, mustBool(t, c.do(`mutation($id: ID!) { cancelFlow(executionId: $id) }`, map[string]any{"id": v.ID}), "cancelFlow"))
	require.Empty(t, current(c))
	require.Equal(t, "NOT_FOUND", c.submitRaw(v.ID, map[string]any{"identification": map[string]any{"uidField": "admin"}}).code())
}

func TestRestartFlow(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	c := s.headless()
	v := c.start("default-authentication-flow")
	v = c.submit(v.ID, map[string]any{"identification": map[string]any{"uidField": "admin"}})
	require.Equal(t, "PasswordChallenge", v.Challenge.Typename)
	var out struct{ RestartFlow view }
	c.must(`mutation($id: ID!) { restartFlow(executionId: $id) { ...execution } }`+executionFields, map[string]any{"id": v.ID}, &out)
	require.Equal(t, v.ID, out.RestartFlow.ID)
	require.Equal(t, "IdentificationChallenge", out.RestartFlow.Challenge.Typename)
	require.Empty(t, deref(out.RestartFlow.Challenge.PendingUser), "a fresh context")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func mustBool(t *testing.T, res gqlResult, field string) bool {
	t.Helper()
	require.Empty(t, res.Errors)
	var out map[string]bool
	require.NoError(t, json.Unmarshal(res.Data, &out))
	return out[field]
}

// watch subscribes to flowExecution(id) over SSE as c and returns the
// typenames of the challenges it pushes; the first push (the current
// state) has arrived when watch returns, so later changes are not missed.
func (c *client) watch(ctx context.Context, id string) <-chan view {
	c.t.Helper()
	body, err := json.Marshal(map[string]any{
		"query":     `subscription($id: ID!) { flowExecution(id: $id) { ...execution } }` + executionFields,
		"variables": map[string]any{"id": id},
	})
	require.NoError(c.t, err)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url+"/graphql", bytes.NewReader(body))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	maps.Copy(req.Header, c.header)
	if c.session != "" {
		req.Header.Set(authn.SessionHeader, c.session)
	}
	resp, err := c.http.Do(req)
	require.NoError(c.t, err)
	require.Equal(c.t, http.StatusOK, resp.StatusCode)
	out := make(chan view, 8)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var msg struct {
				Data struct{ FlowExecution view } `json:"data"`
			}
			if json.Unmarshal([]byte(data), &msg) == nil && msg.Data.FlowExecution.ID != "" {
				select {
				case out <- msg.Data.FlowExecution:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

// nextView waits for the next pushed view.
func nextView(ctx context.Context, t *testing.T, views <-chan view) view {
	t.Helper()
	select {
	case v, ok := <-views:
		require.True(t, ok, "the subscription ended")
		return v
	case <-ctx.Done():
		t.Fatal("no update arrived")
		return view{}
	}
}

func TestFlowExecutionSubscription(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		env := newServerEnv(t, backend)
		s := newTestServer(t, env)
		other := s
		if backend == "postgres+redis" {
			other = newTestServer(t, env) // a second server of the deployment
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		c := s.headless()
		v := c.start("default-authentication-flow")
		views := c.watch(ctx, v.ID)
		require.Equal(t, "IdentificationChallenge", nextView(ctx, t, views).Challenge.Typename, "the current state first")

		// The same session answers on the other server: the watcher sees it.
		elsewhere := c.on(other)
		elsewhere.submit(v.ID, map[string]any{"identification": map[string]any{"uidField": "admin"}})
		require.Equal(t, "PasswordChallenge", nextView(ctx, t, views).Challenge.Typename)
		done := elsewhere.submit(v.ID, map[string]any{"password": map[string]any{"password": adminPassword}})
		require.True(t, done.Completed)
		last := nextView(ctx, t, views)
		require.True(t, last.Completed)
		require.Equal(t, "RedirectChallenge", last.Challenge.Typename)

		// Another session cannot watch it.
		stranger := s.headless()
		stranger.start("default-invalidation-flow") // gets a session
		_, pushed := <-stranger.watch(ctx, v.ID)
		require.False(t, pushed, "the stream ends without a push")
	})
}

func TestStepGuardsAgainstRepeatedSubmissions(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	importFlow(t, s, stepsFlow)
	c := s.headless()
	var started struct {
		StartFlow struct {
			ID           string
			Step         int
			SessionToken string
		}
	}
	c.must(`mutation { startFlow(slug: "bench-steps") { id step sessionToken } }`, nil, &started)
	c.session = started.StartFlow.SessionToken
	submit := func(step int) gqlResult {
		return c.do(`mutation($id: ID!, $step: Int) { submitChallenge(executionId: $id, response: {dummy: {continue: true}}, step: $step) { step } }`,
			map[string]any{"id": started.StartFlow.ID, "step": step})
	}
	first := submit(started.StartFlow.Step)
	require.Empty(t, first.Errors)
	// The same click again: the flow has moved on, so it is refused
	// instead of answering the second dummy stage.
	again := submit(started.StartFlow.Step)
	require.Equal(t, "WRONG_STAGE", again.code())
	var next struct{ SubmitChallenge struct{ Step int } }
	require.NoError(t, json.Unmarshal(first.Data, &next))
	require.NotEqual(t, started.StartFlow.Step, next.SubmitChallenge.Step)
	require.Empty(t, submit(next.SubmitChallenge.Step).Errors, "the current step is accepted")
}

func TestFlowInspector(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	admin := s.headless()
	require.True(t, admin.login("admin", adminPassword).Completed)
	user := s.headless()
	v := user.startEnrollment()

	const inspection = `executionId flowSlug completed plan { name kind stageId } history { name result } context errors { code } outcome { denied to }`
	var got struct {
		FlowInspection *struct {
			ExecutionID string
			FlowSlug    string
			Completed   bool
			Plan        []struct{ Name, Kind string }
			Context     map[string]any
		}
	}
	admin.must(`query($id: ID!) { flowInspection(executionId: $id) { `+inspection+` } }`, map[string]any{"id": v.ID}, &got)
	require.NotNil(t, got.FlowInspection)
	require.Equal(t, "default-enrollment-flow", got.FlowInspection.FlowSlug)
	require.Equal(t, "default-enrollment-prompt-credentials", got.FlowInspection.Plan[0].Name)
	require.Len(t, got.FlowInspection.Plan, 5, "the captcha is passed; the prompts, the write, the email and the login remain")

	// Live: the administrator sees the user's answers arrive, secrets redacted.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	body, err := json.Marshal(map[string]any{
		"query":     `subscription($id: ID!) { flowInspector(executionId: $id) { ` + inspection + ` } }`,
		"variables": map[string]any{"id": v.ID},
	})
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/graphql", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set(authn.SessionHeader, admin.session)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	type pushed struct {
		Plan    []struct{ Name string }
		Context map[string]any
	}
	pushes := make(chan pushed, 4)
	go func() {
		defer close(pushes)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var msg struct {
				Data struct{ FlowInspector pushed } `json:"data"`
			}
			if json.Unmarshal([]byte(data), &msg) == nil && len(msg.Data.FlowInspector.Plan) > 0 {
				pushes <- msg.Data.FlowInspector
			}
		}
	}()
	first := <-pushes
	require.Equal(t, "default-enrollment-prompt-credentials", first.Plan[0].Name)
	const password = "violet-harbour-tangent-42"
	user.submit(v.ID, map[string]any{"prompt": map[string]any{"values": map[string]any{"username": "watched", "password": password, "password_repeat": password}}})
	var second pushed
	select {
	case second = <-pushes:
	case <-ctx.Done():
		t.Fatal("no push")
	}
	require.Equal(t, "default-enrollment-prompt-details", second.Plan[0].Name)
	data, ok := second.Context["prompt_data"].(map[string]any)
	require.True(t, ok, "%v", second.Context)
	require.Equal(t, "watched", data["username"])
	require.Equal(t, "[redacted]", data["password"])

	// Only superusers.
	res := user.do(`query($id: ID!) { flowInspection(executionId: $id) { executionId } }`, map[string]any{"id": v.ID})
	require.Equal(t, "UNAUTHENTICATED", res.code())
	var none struct{ FlowInspection *struct{ ExecutionID string } }
	admin.must(`{ flowInspection(executionId: "no-such-execution") { executionId } }`, nil, &none)
	require.Nil(t, none.FlowInspection)
}
