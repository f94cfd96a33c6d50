package main

import (
	"context"
	"encoding/json"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/flowtoken"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

// Account recovery by email through GraphQL (default-recovery-flow), on
// both backends: the link resumes the flow on the device that opened it,
// which sets a new password and is signed in; the device that asked is
// told and never signed in.

const (
	graceOld = "Cobol-Compiler-1959"
	graceNew = "Mark-One-Relay-1947"
)

// recoveryServer is a server with grace (grace@example.com) and ada
// (ada@example.com).
func recoveryServer(t *testing.T, env serverEnv) *testServer {
	t.Helper()
	s := newTestServer(t, env)
	admin := s.headless()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation($p: String!) { createUser(input: {username: "grace", name: "Grace Hopper", email: "grace@example.com"}, password: $p) { id } }`,
		map[string]any{"p": graceOld}, nil)
	admin.must(`mutation { createUser(input: {username: "ada", email: "ada@example.com"}, password: "Analytical-Engine-1843") { id } }`, nil, nil)
	return s
}

// askRecovery starts default-recovery-flow on c for identifier and
// returns the "check your mail" view.
func (c *client) askRecovery(identifier string) view {
	c.t.Helper()
	v := c.start("default-recovery-flow")
	require.Equal(c.t, "IdentificationChallenge", v.Challenge.Typename)
	v = c.submit(v.ID, map[string]any{"identification": map[string]any{"uidField": identifier}})
	require.Equal(c.t, "EmailChallenge", v.Challenge.Typename, "%+v", v.Challenge)
	return v
}

// newPassword answers the recovery flow's password prompt.
func (c *client) newPassword(v view, password string) view {
	c.t.Helper()
	require.Equal(c.t, "PromptChallenge", v.Challenge.Typename, "%+v", v.Challenge)
	return c.submit(v.ID, map[string]any{"prompt": map[string]any{"values": map[string]any{"password": password, "password_repeat": password}}})
}

// current returns the challenge c's execution id shows now.
func (c *client) current(id string) view {
	c.t.Helper()
	var out struct{ FlowExecution *view }
	c.must(`query($id: ID!) { flowExecution(id: $id) { ...execution } }`+executionFields, map[string]any{"id": id}, &out)
	require.NotNil(c.t, out.FlowExecution)
	return *out.FlowExecution
}

func TestRecoveryByEmail(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := recoveryServer(t, newServerEnv(t, backend))
		laptop := s.headless()
		login := laptop.start("default-authentication-flow")
		require.Equal(t, "/if/flow/default-recovery-flow/", login.Challenge.RecoveryURL, "identification links the brand's recovery flow")

		asked := laptop.askRecovery("grace")
		require.Empty(t, asked.Challenge.To, "no address for a username: known and unknown ones look alike")
		mails := laptop.mails("grace@example.com")
		require.Len(t, mails, 1)
		require.Equal(t, "recovery", mails[0].Args.Template)
		link := mails[0].Data["link"]
		u, err := url.Parse(link)
		require.NoError(t, err)
		require.Equal(t, s.url+"/if/flow/default-recovery-flow/", u.Scheme+"://"+u.Host+u.Path, "built from the public URL")
		require.Equal(t, []string{"flow_token"}, queryKeys(u.Query()))

		// A mail scanner fetches the link and even starts the flow: nothing
		// is used.
		scanner := s.headless()
		scanner.openLink(link)
		page := scanner.openLink(link)
		rec, err := s.app.executions.Get(t.Context(), page.ID)
		require.NoError(t, err)
		require.NotContains(t, string(rec.Document), u.Query().Get("flow_token"), "the link's secret is not stored with the execution")

		phone := s.headless()
		v := phone.followLink(link)
		require.Equal(t, "grace", deref(v.Challenge.PendingUser), "the flow goes on for what grace typed")
		v = phone.newPassword(v, "password1")
		require.Equal(t, "policy", v.Challenge.Errors[0].Code, "the password policy applies")
		v = phone.newPassword(v, graceNew)
		require.True(t, v.Completed, "%+v", v.Challenge)
		require.Equal(t, "grace", phone.viewer(), "the device that opened the link is signed in")

		told := laptop.current(asked.ID)
		require.Equal(t, "AccessDeniedChallenge", told.Challenge.Typename, "the asking device is told the flow went on elsewhere")
		require.Contains(t, told.Challenge.ErrorMessage, "another device")
		require.Empty(t, laptop.viewer(), "and is not signed in")
		res := laptop.submitRaw(asked.ID, map[string]any{"email": map[string]any{"resend": false}})
		require.Equal(t, "WRONG_STAGE", res.code(), "nor can it go on")

		require.False(t, s.headless().login("grace", graceOld).Completed, "the old password is refused")
		require.True(t, s.headless().login("grace", graceNew).Completed)
		require.True(t, s.headless().login("ada", "Analytical-Engine-1843").Completed, "ada is untouched")

		again := s.headless().followLink(link)
		require.Equal(t, "AccessDeniedChallenge", again.Challenge.Typename, "the link works once")
	})
}

func TestRecoveryAnswersUnknownLikeKnown(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := recoveryServer(t, newServerEnv(t, backend))
		known := s.headless().askRecovery("grace@example.com")
		unknown := s.headless().askRecovery("gracie@example.com")
		require.Equal(t, known.Challenge.Typename, unknown.Challenge.Typename)
		require.Equal(t, known.Challenge.To, unknown.Challenge.To, "g***@example.com for both")
		require.Equal(t, "grace@example.com", deref(known.Challenge.PendingUser), "what was typed, not the matched username")
		require.Equal(t, "gracie@example.com", deref(unknown.Challenge.PendingUser))
		require.Equal(t, known.Challenge.Errors, unknown.Challenge.Errors)
		require.Len(t, s.mail.Mails(), 1, "mail only for the known address")
		byName, byUnknownName := s.headless().askRecovery("grace"), s.headless().askRecovery("gracie")
		require.Equal(t, byName.Challenge.To, byUnknownName.Challenge.To, "no address for a username, known or not")
		require.Equal(t, []string{"grace", "gracie"}, []string{deref(byName.Challenge.PendingUser), deref(byUnknownName.Challenge.PendingUser)})
		require.Len(t, s.mail.Mails(), 2)

		// Resending answers alike too.
		c := s.headless()
		v := c.askRecovery("nobody")
		again := c.submit(v.ID, map[string]any{"email": map[string]any{"resend": true}})
		require.Equal(t, "EmailChallenge", again.Challenge.Typename)
		require.Empty(t, again.Challenge.Errors)
		require.Len(t, s.mail.Mails(), 2)
	})
}

func TestRecoveryLinkIsBound(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := recoveryServer(t, newServerEnv(t, backend))
		s.headless().askRecovery("grace")
		s.headless().askRecovery("ada")
		graceLink := s.headless().lastLink("grace@example.com")
		u, err := url.Parse(graceLink)
		require.NoError(t, err)

		// In another flow the link is refused, and still works in its own.
		other := s.headless()
		v := other.openLinkIn("default-enrollment-flow", u.RawQuery)
		v = other.confirmLink(v)
		require.Equal(t, "AccessDeniedChallenge", v.Challenge.Typename, "a link from one flow never resumes another")

		// grace's link changes grace's password only.
		phone := s.headless()
		v = phone.newPassword(phone.followLink(graceLink), graceNew)
		require.True(t, v.Completed)
		require.Equal(t, "grace", phone.viewer())
		require.True(t, s.headless().login("ada", "Analytical-Engine-1843").Completed, "ada's password is unchanged")

		// An expired link is refused when used (before any clean-up).
		adaLink := s.headless().lastLink("ada@example.com")
		ctx := viewer.SystemContext(t.Context())
		n, err := s.app.db.Ent.FlowToken.Update().Where(flowtoken.UserIDNotNil()).SetExpires(time.Now().Add(-time.Second)).Save(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		v = s.headless().followLink(adaLink)
		require.Equal(t, "AccessDeniedChallenge", v.Challenge.Typename)
	})
}

func TestRecoveryLinkConcurrentConfirmations(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s := recoveryServer(t, newServerEnv(t, backend))
		s.headless().askRecovery("grace")
		link := s.headless().lastLink("grace@example.com")
		const n = 20
		clients := make([]*client, n)
		pages := make([]view, n)
		for i := range clients {
			clients[i] = s.headless()
			pages[i] = clients[i].openLink(link)
		}
		results := make([]gqlResult, n)
		var wg sync.WaitGroup
		for i := range clients {
			wg.Go(func() {
				results[i] = clients[i].do(`mutation($id: ID!) { submitChallenge(executionId: $id, response: {emailContinue: {confirm: true}}) { ...execution } }`+
					executionFields, map[string]any{"id": pages[i].ID})
			})
		}
		wg.Wait()
		resumed := 0
		for _, r := range results {
			require.Empty(t, r.Errors)
			var out struct{ SubmitChallenge view }
			require.NoError(t, json.Unmarshal(r.Data, &out))
			switch out.SubmitChallenge.Challenge.Typename {
			case "PromptChallenge":
				resumed++
			default:
				require.Equal(t, "AccessDeniedChallenge", out.SubmitChallenge.Challenge.Typename)
			}
		}
		require.Equal(t, 1, resumed, "exactly one confirmation resumes the flow")
	})
}

// Across two replicas of one deployment (PostgreSQL + Redis): the device
// that asked watches its execution on one server; the link is completed
// on the other; the watcher is told at once.
func TestRecoveryAcrossReplicas(t *testing.T) {
	t.Parallel()
	env := newServerEnv(t, "postgres+redis")
	a := recoveryServer(t, env)
	b := newTestServer(t, env)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()

	laptop := a.headless()
	asked := laptop.askRecovery("grace")
	views := laptop.watch(ctx, asked.ID)
	require.Equal(t, "EmailChallenge", nextView(ctx, t, views).Challenge.Typename)

	link := laptop.lastLink("grace@example.com")
	phone := b.headless()
	v := phone.followLink(link)
	pushed := nextView(ctx, t, views)
	require.Equal(t, "AccessDeniedChallenge", pushed.Challenge.Typename, "pushed as soon as the link is confirmed")
	require.True(t, pushed.Completed)

	v = phone.newPassword(v, graceNew)
	require.True(t, v.Completed)
	require.Equal(t, "grace", phone.viewer())
	require.Empty(t, laptop.viewer())
}

func queryKeys(v url.Values) []string {
	out := make([]string, 0, len(v))
	for k := range v {
		out = append(out, k)
	}
	return out
}
