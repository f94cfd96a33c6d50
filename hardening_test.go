package main

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// Failed passwords count against the account, whichever way it was named:
// ten tries through the username lock the email address too.
func TestLockoutCoversEverySpellingOfAnAccount(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := newTestServer(t, newServerEnv(t, backend))
		enrol(t, s.headless(), "erin") // erin@example.com
		for i := range 10 {
			typed := []string{"erin", "ERIN@example.com"}[i%2]
			v := s.headless().login(typed, "not her password")
			require.Equal(t, "invalid", v.Challenge.Errors[0].Code, "failure %d", i+1)
		}
		for _, typed := range []string{"erin@example.com", "Erin"} {
			v := s.headless().login(typed, enrolPassword)
			require.False(t, v.Completed, "%s is locked", typed)
			require.Equal(t, "rate_limited", v.Challenge.Errors[0].Code)
		}
	})
}

// Twenty concurrent correct answers to one password challenge log the
// user in once: one completes, the others change nothing.
func TestConcurrentCorrectPasswordsLogInOnce(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := newTestServer(t, newServerEnv(t, backend))
		c := s.headless()
		v := c.start("default-authentication-flow")
		v = c.submit(v.ID, map[string]any{"identification": map[string]any{"uidField": "admin"}})
		require.Equal(t, "PasswordChallenge", v.Challenge.Typename)

		const n = 20
		results := make([]gqlResult, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				results[i] = c.submitRaw(v.ID, map[string]any{"password": map[string]any{"password": adminPassword}})
			})
		}
		wg.Wait()
		var winner *view
		for _, res := range results {
			if len(res.Errors) > 0 {
				require.Contains(t, []string{"STALE_EXECUTION", "WRONG_STAGE", "NOT_FOUND"}, res.code())
				continue
			}
			var out struct{ SubmitChallenge view }
			require.NoError(t, json.Unmarshal(res.Data, &out))
			require.Nil(t, winner, "a second request applied the step")
			winner = &out.SubmitChallenge
		}
		require.NotNil(t, winner, "one request logs admin in")
		require.True(t, winner.Completed)
		c.absorb(winner)
		require.Equal(t, "admin", c.viewer())

		var sessions struct {
			Viewer struct{ Sessions []struct{ Current bool } }
		}
		c.must(`{ viewer { sessions { current } } }`, nil, &sessions)
		require.Len(t, sessions.Viewer.Sessions, 1, "no orphan sessions")
		var events struct {
			Events struct{ TotalCount int }
		}
		c.must(`{ events(where: {action: LOGIN}) { totalCount } }`, nil, &events)
		require.Equal(t, 1, events.Events.TotalCount, "one LOGIN event")
	})
}

// Anonymous callers cannot make the server store without bound: the
// query string is capped and starts are limited per address.
func TestAnonymousStartsAreBounded(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		env := newServerEnv(t, backend)
		env["GATEHOUSE_FLOW_STARTS_PER_IP"] = "5"
		s := newTestServer(t, env)

		huge := s.headless().startRaw("default-authentication-flow", "next=%2F&x="+strings.Repeat("a", 512<<10))
		require.Equal(t, "VALIDATION_FAILED", huge.code())
		require.Equal(t, "query", huge.Errors[0].Extensions["field"])

		for i := range 5 { // the refused query stored nothing and is not counted
			require.Empty(t, s.headless().startRaw("default-authentication-flow", "").Errors, "start %d", i+1)
		}
		limited := s.headless().startRaw("default-authentication-flow", "")
		require.Equal(t, "RATE_LIMITED", limited.code())
		require.Empty(t, limited.Errors[0].Extensions["requestId"])
	})
}
