package userdelete_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/userdelete"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/session"
)

// setup returns an Env for user_delete stages on a fresh database of dialect d.
func setup(t *testing.T, d string) *stagetest.Env {
	t.Helper()
	return stagetest.New(t, d, userdelete.Definition())
}

// run builds a user delete stage and runs it on req.
func run(t *testing.T, env *stagetest.Env, req *executor.Request) executor.Result {
	t.Helper()
	return env.Run(t, userdelete.Kind, `{}`, req)
}

// signedIn returns a request from a client signed in as u (nil: none), in
// a flow about pending (nil: none).
func signedIn(t *testing.T, env *stagetest.Env, u, pending *ent.User) *executor.Request {
	t.Helper()
	req := env.RequestAbout(t, userdelete.Kind, pending)
	if u != nil {
		env.SignIn(t, req, u)
	}
	return req
}

func exists(t *testing.T, env *stagetest.Env, u *ent.User) bool {
	t.Helper()
	ok, err := env.Client.User.Query().Where(user.ID(u.ID)).Exist(env.Ctx)
	require.NoError(t, err)
	return ok
}

func TestDeletesTheSignedInAccount(t *testing.T) {
	t.Parallel()
	stagetest.EachDialect(t, func(t *testing.T, d string) {
		env := setup(t, d)
		alice := env.User(t, "alice", "alice@example.com", "pw")
		_, _, err := credential.IssueToken(env.Ctx, env.Client, credential.IssueParams{
			Identifier: "ci", Intent: enum.TokenIntentAPI, UserID: alice.ID,
		})
		require.NoError(t, err)
		other, _ := env.Login(t, alice)
		req := signedIn(t, env, alice, alice)
		old := req.SessionID

		require.Equal(t, executor.Next(), run(t, env, req))
		require.False(t, exists(t, env, alice), "the account is gone")
		tokens, err := env.Client.Token.Query().Count(env.Ctx)
		require.NoError(t, err)
		require.Zero(t, tokens, "its tokens went with it")
		_, err = env.Deps.Sessions.Resume(env.Ctx, old)
		require.ErrorIs(t, err, session.ErrNotFound, "this session ended")
		require.NotEqual(t, old, req.SessionID)
		fresh, err := env.Deps.Sessions.Resume(env.Ctx, req.SessionID)
		require.NoError(t, err)
		require.Zero(t, fresh.UserID, "the client carries on anonymous")
		require.Nil(t, req.User)
		_, pending := req.Execution.Context.PendingUserID()
		require.False(t, pending)
		_ = other // its other sessions end through session/userhook, wired by the server
		events := env.Auditor.Events()
		require.Equal(t, stagetest.Event{Action: enum.EventActionUserWrite, Data: map[string]any{
			"user_id": strconv.Itoa(alice.ID), "username": "alice", "deleted": true, "flow": "test-flow",
		}}, events[len(events)-1])
	})
}

func TestRefuses(t *testing.T) {
	t.Parallel()
	stagetest.EachDialect(t, func(t *testing.T, d string) {
		env := setup(t, d)
		alice := env.User(t, "alice", "alice@example.com", "pw")
		bob := env.User(t, "bob", "bob@example.com", "pw")

		require.Equal(t, executor.Deny(userdelete.MessageNotSignedIn), run(t, env, signedIn(t, env, nil, alice)), "nobody signed in")
		require.Equal(t, executor.Deny(userdelete.MessageNotSignedIn), run(t, env, signedIn(t, env, bob, alice)), "another account than the session's")
		require.Equal(t, executor.Deny(userdelete.MessageNotSignedIn), run(t, env, signedIn(t, env, bob, nil)), "a flow about nobody")
		require.True(t, exists(t, env, alice))
		require.True(t, exists(t, env, bob))

		admins := env.Client.Group.Create().SetName("admins").SetIsSuperuser(true).AddUsers(alice).SaveX(env.Ctx)
		require.Equal(t, executor.Deny(userdelete.MessageLastAdmin), run(t, env, signedIn(t, env, alice, alice)), "the last administrator")
		require.True(t, exists(t, env, alice))
		env.Client.Group.UpdateOne(admins).AddUsers(bob).ExecX(env.Ctx)
		require.Equal(t, executor.Next(), run(t, env, signedIn(t, env, alice, alice)), "another administrator remains")
		require.False(t, exists(t, env, alice))

		f := env.Client.Flow.Create().SetSlug("f").SetName("f").SetTitle("f").SetDesignation(enum.FlowDesignationAuthentication).SaveX(env.Ctx)
		carol := env.User(t, "carol", "carol@example.com", "pw")
		env.Client.PolicyBinding.Create().SetFlow(f).SetUser(carol).SetOrder(0).ExecX(env.Ctx)
		require.Equal(t, executor.Deny(userdelete.MessageReferenced), run(t, env, signedIn(t, env, carol, carol)), "a policy binding names carol")
		require.True(t, exists(t, env, carol))
	})
}
