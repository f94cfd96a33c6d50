package userlogin_test

import (
	"strconv"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/userlogin"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/reputation"
	"github.com/gatehouse-id/gatehouse/session"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

const day = 24 * time.Hour

// setup returns an Env for user_login stages on a fresh database of dialect d.
func setup(t *testing.T, d string) *stagetest.Env {
	t.Helper()
	return stagetest.New(t, d, userlogin.Definition())
}

// request returns a request about pending (nil: none), authenticated by
// password, from a client that holds a new anonymous session.
func request(t *testing.T, env *stagetest.Env, pending *ent.User) *executor.Request {
	t.Helper()
	req := env.RequestAbout(t, userlogin.Kind, pending)
	env.Anonymous(t, req)
	require.NoError(t, req.Execution.Context.Set(executor.KeyAuthMethod, "password"))
	return req
}

// login builds a login stage of config and runs it on req the way the
// executor does: skipping when it can, else answering the challenge with
// remember.
func login(t *testing.T, env *stagetest.Env, config string, req *executor.Request, remember bool) executor.Result {
	t.Helper()
	s := env.Skipper(t, userlogin.Kind, config)
	res, skip, err := s.Skip(env.Ctx, req)
	require.NoError(t, err)
	if skip {
		return res
	}
	return env.Submit(t, s, req, &userlogin.Response{RememberMe: remember})
}

func TestKind(t *testing.T) {
	t.Parallel()
	stagetest.RequireKind(t, "user_login", userlogin.Kind, &userlogin.Stage{})
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()

	stagetest.RunValidation(t, userlogin.Definition(), []typedconfigtest.Case{
		{Name: "defaults", Want: &userlogin.Config{}},
		{Name: "every option", Config: `{"session_duration": 3600, "remember_me_offset": 2592000, "terminate_other_sessions": true}`},
		{Name: "longest", Config: `{"session_duration": 31536000, "remember_me_offset": 31536000}`},
		{Name: "negative duration", Config: `{"session_duration": -1}`, Field: "session_duration"},
		{Name: "duration over a year", Config: `{"session_duration": 31536001}`, Field: "session_duration"},
		{Name: "negative offset", Config: `{"remember_me_offset": -60}`, Field: "remember_me_offset"},
		{Name: "offset over a year", Config: `{"remember_me_offset": 31536001}`, Field: "remember_me_offset"},
		{Name: "duration as text", Config: `{"session_duration": "1h"}`, Field: "session_duration"},
		{Name: "unknown field", Config: `{"remember_me": true}`, Field: "remember_me"},
	})
}

func TestChallenge(t *testing.T) {
	t.Parallel()

	env := stagetest.New(t, dialect.SQLite, userlogin.Definition())
	alice := env.User(t, "alice", "", "")
	req := request(t, env, alice)
	before := *req
	s := env.Skipper(t, userlogin.Kind, `{"remember_me_offset": 2592000}`)
	res, skip, err := s.Skip(env.Ctx, req)
	require.NoError(t, err)
	require.False(t, skip, "offering to stay signed in needs the user")
	require.Equal(t, executor.Result{}, res)
	env.Golden(t, s, req, "remember_me")
	require.Equal(t, &before, req, "nothing happens before the answer")
	sessions, err := env.Deps.Sessions.List(env.Ctx, alice.ID)
	require.NoError(t, err)
	require.Empty(t, sessions)
}

func TestLogin(t *testing.T) {
	t.Parallel()

	stagetest.Dialects(t, setup, map[string]func(t *testing.T, env *stagetest.Env){
		"RotatesTheSession": func(t *testing.T, env *stagetest.Env) {
			alice := env.User(t, "alice", "", "")
			req := request(t, env, alice)
			anonymous, scope := req.SessionID, req.Session.Scope
			require.Equal(t, executor.Next(), login(t, env, `{}`, req, false))

			require.NotEqual(t, anonymous, req.SessionID)
			env.RequireSessionGone(t, anonymous)
			got, err := env.Deps.Sessions.Store.Get(env.Ctx, req.SessionID)
			require.NoError(t, err)
			now := env.Clock.Now()
			require.Equal(t, &session.Session{
				UserID: alice.ID, Scope: scope, CreatedAt: now, LastSeenAt: now, IdleTimeout: session.DefaultIdleTimeout,
				ExpiresAt: now.Add(session.DefaultLoginLifetime), ClientIP: stagetest.ClientIP.String(), UserAgent: "stagetest",
				Methods: []string{"password"}, // how the flow authenticated her (the OpenID Connect amr)
			}, got)
			stagetest.RequireSessionChange(t, req, false)
			require.Equal(t, alice.ID, req.User.ID)

			u := env.Client.User.GetX(env.Ctx, alice.ID)
			require.NotNil(t, u.LastLogin)
			require.True(t, u.LastLogin.Equal(now), "last login %v", u.LastLogin)
			for _, key := range []string{reputation.IPKey(stagetest.ClientIP), reputation.IdentifierKey("alice")} {
				score, err := env.Counters.Get(env.Ctx, key)
				require.NoError(t, err)
				require.Equal(t, reputation.Success, score, key)
			}
			require.Equal(t, []stagetest.Event{{Action: enum.EventActionLogin, Data: map[string]any{
				"user_id": strconv.Itoa(alice.ID), "username": "alice", "auth_method": "password", "flow": "test-flow",
			}}}, env.Auditor.Events())
		},

		"WithoutSession": func(t *testing.T, env *stagetest.Env) {
			alice := env.User(t, "alice", "", "")
			req := request(t, env, alice)
			req.SessionID, req.Session = "", nil
			require.Equal(t, executor.Next(), login(t, env, `{}`, req, false))
			require.NotEmpty(t, req.SessionID)
			require.NotEmpty(t, req.Session.Scope)
			stagetest.RequireSessionChange(t, req, false)
		},

		"Lifetimes": func(t *testing.T, env *stagetest.Env) {
			alice := env.User(t, "alice", "", "")
			tests := []struct {
				config         string
				remember       bool
				wantLifetime   time.Duration
				wantPersistent bool
			}{
				{config: `{}`, wantLifetime: session.DefaultLoginLifetime},
				{config: `{}`, remember: true, wantLifetime: session.DefaultLoginLifetime},
				{config: `{"session_duration": 3600}`, wantLifetime: time.Hour, wantPersistent: true},
				{config: `{"remember_me_offset": 86400}`, wantLifetime: session.DefaultLoginLifetime},
				{config: `{"remember_me_offset": 86400}`, remember: true, wantLifetime: session.DefaultLoginLifetime + day, wantPersistent: true},
				{config: `{"session_duration": 3600, "remember_me_offset": 600}`, wantLifetime: time.Hour, wantPersistent: true},
				{config: `{"session_duration": 3600, "remember_me_offset": 600}`, remember: true, wantLifetime: 70 * time.Minute, wantPersistent: true},
			}
			for _, tt := range tests {
				req := request(t, env, alice)
				require.Equal(t, executor.Next(), login(t, env, tt.config, req, tt.remember))
				got, err := env.Deps.Sessions.Store.Get(env.Ctx, req.SessionID)
				require.NoError(t, err)
				require.Equal(t, tt.wantLifetime, got.ExpiresAt.Sub(env.Clock.Now()), "%s remember %t", tt.config, tt.remember)
				require.Equal(t, req.Session, got)
				stagetest.RequireSessionChange(t, req, tt.wantPersistent)
			}
		},

		"TerminateOtherSessions": func(t *testing.T, env *stagetest.Env) {
			alice := env.User(t, "alice", "", "")
			bob := env.User(t, "bob", "", "")
			first, _ := env.Login(t, alice)
			second, _ := env.Login(t, alice)
			others := []session.ID{first, second}
			bobs, _ := env.Login(t, bob)

			req := request(t, env, alice)
			require.Equal(t, executor.Next(), login(t, env, `{"terminate_other_sessions": true}`, req, false))
			for _, id := range others {
				env.RequireSessionGone(t, id)
			}
			listed, err := env.Deps.Sessions.List(env.Ctx, alice.ID)
			require.NoError(t, err)
			require.Len(t, listed, 1)
			require.Equal(t, req.SessionID.Key(), listed[0].Key, "the new session stays")
			_, err = env.Deps.Sessions.Resume(env.Ctx, bobs)
			require.NoError(t, err, "other users' sessions stay")

			req = request(t, env, alice)
			require.Equal(t, executor.Next(), login(t, env, `{}`, req, false))
			listed, err = env.Deps.Sessions.List(env.Ctx, alice.ID)
			require.NoError(t, err)
			require.Len(t, listed, 2, "without the option other sessions stay")
		},

		"Refusals": func(t *testing.T, env *stagetest.Env) {
			inactive := env.User(t, "ivan", "", "")
			env.Client.User.UpdateOne(inactive).SetIsActive(false).ExecX(env.Ctx)
			gone := env.User(t, "gone", "", "")
			env.Client.User.DeleteOne(gone).ExecX(env.Ctx)
			for _, tt := range []struct {
				name    string
				pending *ent.User
				want    executor.Result
			}{
				{"no pending user", nil, executor.Deny("There is no user to log in.")},
				{"deleted user", gone, executor.Deny("There is no user to log in.")},
				{"inactive user", inactive, executor.Deny("This account is disabled.")},
			} {
				for _, config := range []string{`{}`, `{"remember_me_offset": 60}`} {
					req := request(t, env, tt.pending)
					before := *req
					require.Equal(t, tt.want, login(t, env, config, req, true), tt.name)
					require.Equal(t, &before, req, "%s: the client keeps its session", tt.name)
					_, err := env.Deps.Sessions.Resume(env.Ctx, req.SessionID)
					require.NoError(t, err, tt.name)
				}
			}
			sessions, err := env.Deps.Sessions.List(env.Ctx, inactive.ID)
			require.NoError(t, err)
			require.Empty(t, sessions)
			require.Nil(t, env.Client.User.GetX(env.Ctx, inactive.ID).LastLogin)
			require.Empty(t, env.Auditor.Events())
		},
	})
}

func TestSubmitWrongResponse(t *testing.T) {
	t.Parallel()

	env := stagetest.New(t, dialect.SQLite, userlogin.Definition())
	alice := env.User(t, "alice", "", "")
	req := request(t, env, alice)
	before := *req
	res := env.Submit(t, env.Skipper(t, userlogin.Kind, `{"remember_me_offset": 60}`), req, nil)
	require.Equal(t, executor.ResultRetry, res.Kind())
	require.Len(t, res.Errors(), 1)
	require.Equal(t, "invalid", res.Errors()[0].Code)
	require.Equal(t, &before, req)
}
