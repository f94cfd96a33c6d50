package userlogout_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/userlogout"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/session"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

// setup returns an Env for user_logout stages on a fresh database of dialect d.
func setup(t *testing.T, d string) *stagetest.Env {
	t.Helper()
	return stagetest.New(t, d, userlogout.Definition())
}

// loggedIn returns a request from a client logged in as u.
func loggedIn(t *testing.T, env *stagetest.Env, u *ent.User) *executor.Request {
	t.Helper()
	req := env.Request(userlogout.Kind)
	env.SignIn(t, req, u)
	return req
}

// requireAnonymous checks that req now holds a new anonymous session, which
// the stage handed to the client with a browser-session cookie.
func requireAnonymous(t *testing.T, env *stagetest.Env, req *executor.Request, old *session.Session) {
	t.Helper()
	require.NotEmpty(t, req.SessionID)
	require.Nil(t, req.User)
	got, err := env.Deps.Sessions.Resume(env.Ctx, req.SessionID)
	require.NoError(t, err)
	require.Zero(t, got.UserID)
	require.Equal(t, stagetest.ClientIP.String(), got.ClientIP)
	require.Equal(t, "stagetest", got.UserAgent)
	require.Equal(t, got.Scope, req.Session.Scope)
	if old != nil {
		require.NotEqual(t, old.Scope, got.Scope, "the logged-out session's flows stay behind")
	}
	stagetest.RequireSessionChange(t, req, false)
}

func TestKind(t *testing.T) {
	t.Parallel()
	var s executor.Stage = &userlogout.Stage{}
	stagetest.RequireKind(t, "user_logout", userlogout.Kind, s)
	_, interactive := s.(executor.Interactive)
	require.False(t, interactive, "user_logout is a runner only")
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()

	stagetest.RunValidation(t, userlogout.Definition(), []typedconfigtest.Case{
		{Name: "defaults", Want: &userlogout.Config{}},
		{Name: "empty", Config: `{}`, Want: &userlogout.Config{}},
		{Name: "no_settings is not stored", Config: `{"no_settings": true}`, Field: "no_settings"},
		{Name: "unknown field", Config: `{"all_sessions": true}`, Field: "all_sessions"},
		{Name: "not an object", Config: `[]`, Field: typedconfigtest.Whole},
	})
}

func TestRun(t *testing.T) {
	t.Parallel()

	stagetest.Dialects(t, setup, map[string]func(t *testing.T, env *stagetest.Env){
		"EndsTheSession": func(t *testing.T, env *stagetest.Env) {
			alice := env.User(t, "alice", "", "")
			elsewhere := loggedIn(t, env, alice).SessionID
			req := loggedIn(t, env, alice)
			old, oldSession := req.SessionID, req.Session
			require.Equal(t, executor.Next(), env.Run(t, userlogout.Kind, `{}`, req))

			_, err := env.Deps.Sessions.Resume(env.Ctx, old)
			require.ErrorIs(t, err, session.ErrNotFound, "the old session ID stops working")
			requireAnonymous(t, env, req, oldSession)
			_, err = env.Deps.Sessions.Resume(env.Ctx, elsewhere)
			require.NoError(t, err, "other browsers stay logged in")
			require.Equal(t, []stagetest.Event{{Action: enum.EventActionLogout, Data: map[string]any{
				"user_id": strconv.Itoa(alice.ID), "username": "alice",
			}}}, env.Auditor.Events())
		},

		"AnonymousClient": func(t *testing.T, env *stagetest.Env) {
			req := env.Request(userlogout.Kind)
			env.Anonymous(t, req)
			id, s := req.SessionID, req.Session
			require.Equal(t, executor.Next(), env.Run(t, userlogout.Kind, `{}`, req))
			requireAnonymous(t, env, req, s)
			_, err := env.Deps.Sessions.Resume(env.Ctx, id)
			require.ErrorIs(t, err, session.ErrNotFound)
			require.Empty(t, env.Auditor.Events(), "nobody logged out")
		},

		"NoSession": func(t *testing.T, env *stagetest.Env) {
			req := env.Request(userlogout.Kind)
			require.Equal(t, executor.Next(), env.Run(t, userlogout.Kind, `{}`, req))
			requireAnonymous(t, env, req, nil)
		},

		"SessionAlreadyGone": func(t *testing.T, env *stagetest.Env) {
			alice := env.User(t, "alice", "", "")
			req := loggedIn(t, env, alice)
			require.NoError(t, env.Deps.Sessions.Logout(env.Ctx, req.SessionID))
			old := req.Session
			require.Equal(t, executor.Next(), env.Run(t, userlogout.Kind, `{}`, req))
			requireAnonymous(t, env, req, old)
		},
	})
}
