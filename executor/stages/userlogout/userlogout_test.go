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
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/session"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

type testBundle struct {
	env   *stagetest.Env
	kinds *executor.StageKinds
}

func setup(t *testing.T, d string) *testBundle {
	t.Helper()
	return &testBundle{env: stagetest.New(t, d), kinds: executor.NewStageKinds(userlogout.Definition())}
}

// run builds a logout stage and runs it on req.
func (b *testBundle) run(t *testing.T, req *executor.Request) executor.Result {
	t.Helper()
	s, ok := b.env.Build(t, b.kinds, userlogout.Kind, `{}`).(executor.Runner)
	require.True(t, ok, "user_logout is a runner")
	_, interactive := s.(executor.Interactive)
	require.False(t, interactive)
	res, err := s.Run(b.env.Ctx, req)
	require.NoError(t, err)
	return res
}

// loggedIn returns a request from a client logged in as u.
func (b *testBundle) loggedIn(t *testing.T, u *ent.User) *executor.Request {
	t.Helper()
	req := b.env.Request(userlogout.Kind)
	id, s, err := b.env.Deps.Sessions.Login(b.env.Ctx, "", u.ID, session.LoginOptions{})
	require.NoError(t, err)
	req.SessionID, req.Session, req.User = id, s, u
	return req
}

// requireAnonymous checks that req now holds a new anonymous session, which
// the stage handed to the client with a browser-session cookie.
func requireAnonymous(t *testing.T, b *testBundle, req *executor.Request, old *session.Session) {
	t.Helper()
	require.NotEmpty(t, req.SessionID)
	require.Nil(t, req.User)
	got, err := b.env.Deps.Sessions.Resume(b.env.Ctx, req.SessionID)
	require.NoError(t, err)
	require.Zero(t, got.UserID)
	require.Equal(t, stagetest.ClientIP.String(), got.ClientIP)
	require.Equal(t, "stagetest", got.UserAgent)
	require.Equal(t, got.Scope, req.Session.Scope)
	if old != nil {
		require.NotEqual(t, old.Scope, got.Scope, "the logged-out session's flows stay behind")
	}
	// Request keeps the change to itself: a copy of req given the expected
	// change must equal it.
	want := *req
	want.SetSession(req.SessionID, req.Session, false)
	require.Equal(t, &want, req)
}

func TestKind(t *testing.T) {
	t.Parallel()
	require.Equal(t, "user_logout", userlogout.Kind)
	require.Equal(t, userlogout.Kind, (&userlogout.Stage{}).Kind())
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()

	kinds := executor.NewStageKinds(userlogout.Definition())
	typedconfigtest.RunValidation(t, kinds, userlogout.Kind, []typedconfigtest.Case{
		{Name: "defaults", Want: &userlogout.Config{}},
		{Name: "empty", Config: `{}`, Want: &userlogout.Config{}},
		{Name: "no_settings is not stored", Config: `{"no_settings": true}`, Field: "no_settings"},
		{Name: "unknown field", Config: `{"all_sessions": true}`, Field: "all_sessions"},
		{Name: "not an object", Config: `[]`, Field: typedconfigtest.Whole},
	})
}

func TestRun(t *testing.T) {
	t.Parallel()

	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()

			t.Run("EndsTheSession", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				alice := b.env.User(t, "alice", "", "")
				elsewhere := b.loggedIn(t, alice).SessionID
				req := b.loggedIn(t, alice)
				old, oldSession := req.SessionID, req.Session
				require.Equal(t, executor.Next(), b.run(t, req))

				_, err := b.env.Deps.Sessions.Resume(b.env.Ctx, old)
				require.ErrorIs(t, err, session.ErrNotFound, "the old session ID stops working")
				requireAnonymous(t, b, req, oldSession)
				_, err = b.env.Deps.Sessions.Resume(b.env.Ctx, elsewhere)
				require.NoError(t, err, "other browsers stay logged in")
				require.Equal(t, []stagetest.Event{{Action: enum.EventActionLogout, Data: map[string]any{
					"user_id": strconv.Itoa(alice.ID), "username": "alice",
				}}}, b.env.Auditor.Events())
			})

			t.Run("AnonymousClient", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				req := b.env.Request(userlogout.Kind)
				id, s, err := b.env.Deps.Sessions.Start(b.env.Ctx, session.Client{})
				require.NoError(t, err)
				req.SessionID, req.Session = id, s
				require.Equal(t, executor.Next(), b.run(t, req))
				requireAnonymous(t, b, req, s)
				_, err = b.env.Deps.Sessions.Resume(b.env.Ctx, id)
				require.ErrorIs(t, err, session.ErrNotFound)
				require.Empty(t, b.env.Auditor.Events(), "nobody logged out")
			})

			t.Run("NoSession", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				req := b.env.Request(userlogout.Kind)
				require.Equal(t, executor.Next(), b.run(t, req))
				requireAnonymous(t, b, req, nil)
			})

			t.Run("SessionAlreadyGone", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				alice := b.env.User(t, "alice", "", "")
				req := b.loggedIn(t, alice)
				require.NoError(t, b.env.Deps.Sessions.Logout(b.env.Ctx, req.SessionID))
				old := req.Session
				require.Equal(t, executor.Next(), b.run(t, req))
				requireAnonymous(t, b, req, old)
			})
		})
	}
}
