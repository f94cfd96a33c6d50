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
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/session"
)

type testBundle struct {
	env   *stagetest.Env
	kinds *executor.StageKinds
}

func setup(t *testing.T, d string) *testBundle {
	t.Helper()
	return &testBundle{env: stagetest.New(t, d), kinds: executor.NewStageKinds(userdelete.Definition())}
}

// run builds a user delete stage and runs it on req.
func (b *testBundle) run(t *testing.T, req *executor.Request) executor.Result {
	t.Helper()
	s, ok := b.env.Build(t, b.kinds, userdelete.Kind, `{}`).(executor.Runner)
	require.True(t, ok, "user_delete is a runner")
	res, err := s.Run(b.env.Ctx, req)
	require.NoError(t, err)
	return res
}

// signedIn returns a request from a client signed in as u, in a flow
// about pending (nil: none).
func (b *testBundle) signedIn(t *testing.T, u, pending *ent.User) *executor.Request {
	t.Helper()
	req := b.env.Request(userdelete.Kind)
	if u != nil {
		id, s, err := b.env.Deps.Sessions.Login(b.env.Ctx, "", u.ID, session.LoginOptions{})
		require.NoError(t, err)
		req.SessionID, req.Session, req.User = id, s, u
	}
	if pending != nil {
		require.NoError(t, req.Execution.Context.Set(executor.KeyPendingUser, pending.ID))
	}
	return req
}

func (b *testBundle) exists(t *testing.T, u *ent.User) bool {
	t.Helper()
	ok, err := b.env.Client.User.Query().Where(user.ID(u.ID)).Exist(b.env.Ctx)
	require.NoError(t, err)
	return ok
}

func TestDeletesTheSignedInAccount(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			alice := b.env.User(t, "alice", "alice@example.com", "pw")
			_, _, err := credential.IssueToken(b.env.Ctx, b.env.Client, credential.IssueParams{
				Identifier: "ci", Intent: enum.TokenIntentAPI, UserID: alice.ID,
			})
			require.NoError(t, err)
			other, _, err := b.env.Deps.Sessions.Login(b.env.Ctx, "", alice.ID, session.LoginOptions{})
			require.NoError(t, err)
			req := b.signedIn(t, alice, alice)
			old := req.SessionID

			require.Equal(t, executor.Next(), b.run(t, req))
			require.False(t, b.exists(t, alice), "the account is gone")
			tokens, err := b.env.Client.Token.Query().Count(b.env.Ctx)
			require.NoError(t, err)
			require.Zero(t, tokens, "its tokens went with it")
			_, err = b.env.Deps.Sessions.Resume(b.env.Ctx, old)
			require.ErrorIs(t, err, session.ErrNotFound, "this session ended")
			require.NotEqual(t, old, req.SessionID)
			fresh, err := b.env.Deps.Sessions.Resume(b.env.Ctx, req.SessionID)
			require.NoError(t, err)
			require.Zero(t, fresh.UserID, "the client carries on anonymous")
			require.Nil(t, req.User)
			_, pending := req.Execution.Context.PendingUserID()
			require.False(t, pending)
			_ = other // its other sessions end through session/userhook, wired by the server
			events := b.env.Auditor.Events()
			require.Equal(t, stagetest.Event{Action: enum.EventActionUserWrite, Data: map[string]any{
				"user_id": strconv.Itoa(alice.ID), "username": "alice", "deleted": true, "flow": "test-flow",
			}}, events[len(events)-1])
		})
	}
}

func TestRefuses(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			alice := b.env.User(t, "alice", "alice@example.com", "pw")
			bob := b.env.User(t, "bob", "bob@example.com", "pw")

			require.Equal(t, executor.Deny(userdelete.MessageNotSignedIn), b.run(t, b.signedIn(t, nil, alice)), "nobody signed in")
			require.Equal(t, executor.Deny(userdelete.MessageNotSignedIn), b.run(t, b.signedIn(t, bob, alice)), "another account than the session's")
			require.Equal(t, executor.Deny(userdelete.MessageNotSignedIn), b.run(t, b.signedIn(t, bob, nil)), "a flow about nobody")
			require.True(t, b.exists(t, alice))
			require.True(t, b.exists(t, bob))

			admins := b.env.Client.Group.Create().SetName("admins").SetIsSuperuser(true).AddUsers(alice).SaveX(b.env.Ctx)
			require.Equal(t, executor.Deny(userdelete.MessageLastAdmin), b.run(t, b.signedIn(t, alice, alice)), "the last administrator")
			require.True(t, b.exists(t, alice))
			b.env.Client.Group.UpdateOne(admins).AddUsers(bob).ExecX(b.env.Ctx)
			require.Equal(t, executor.Next(), b.run(t, b.signedIn(t, alice, alice)), "another administrator remains")
			require.False(t, b.exists(t, alice))

			f := b.env.Client.Flow.Create().SetSlug("f").SetName("f").SetTitle("f").SetDesignation(enum.FlowDesignationAuthentication).SaveX(b.env.Ctx)
			carol := b.env.User(t, "carol", "carol@example.com", "pw")
			b.env.Client.PolicyBinding.Create().SetFlow(f).SetUser(carol).SetOrder(0).ExecX(b.env.Ctx)
			require.Equal(t, executor.Deny(userdelete.MessageReferenced), b.run(t, b.signedIn(t, carol, carol)), "a policy binding names carol")
			require.True(t, b.exists(t, carol))
		})
	}
}
