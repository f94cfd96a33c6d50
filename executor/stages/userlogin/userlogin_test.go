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
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/reputation"
	"github.com/gatehouse-id/gatehouse/session"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

const day = 24 * time.Hour

type testBundle struct {
	env   *stagetest.Env
	kinds *executor.StageKinds
}

func setup(t *testing.T, d string) *testBundle {
	t.Helper()
	return &testBundle{env: stagetest.New(t, d), kinds: executor.NewStageKinds(userlogin.Definition())}
}

// stage builds a login stage of config.
func (b *testBundle) stage(t *testing.T, config string) executor.Skipper {
	t.Helper()
	s, ok := b.env.Build(t, b.kinds, userlogin.Kind, config).(executor.Skipper)
	require.True(t, ok, "a login stage is interactive and can skip")
	return s
}

// request returns a request about pending (nil: none) from a client that
// holds a new anonymous session.
func (b *testBundle) request(t *testing.T, pending *ent.User) *executor.Request {
	t.Helper()
	req := b.env.Request(userlogin.Kind)
	id, s, err := b.env.Deps.Sessions.Start(b.env.Ctx, session.Client{IP: req.Client.IP.String(), UserAgent: req.Client.UserAgent})
	require.NoError(t, err)
	req.SessionID, req.Session = id, s
	require.NoError(t, req.Execution.Context.Set(executor.KeyAuthMethod, "password"))
	if pending != nil {
		require.NoError(t, req.Execution.Context.Set(executor.KeyPendingUser, pending.ID))
	}
	return req
}

// login runs s on req the way the executor does: skipping when it can,
// else answering the challenge with remember.
func (b *testBundle) login(t *testing.T, s executor.Skipper, req *executor.Request, remember bool) executor.Result {
	t.Helper()
	res, skip, err := s.Skip(b.env.Ctx, req)
	require.NoError(t, err)
	if skip {
		return res
	}
	res, err = s.Submit(b.env.Ctx, req, &userlogin.Response{RememberMe: remember})
	require.NoError(t, err)
	return res
}

// loggedIn returns a live session of u, as from another browser.
func (b *testBundle) loggedIn(t *testing.T, u *ent.User) session.ID {
	t.Helper()
	id, _, err := b.env.Deps.Sessions.Login(b.env.Ctx, "", u.ID, session.LoginOptions{})
	require.NoError(t, err)
	return id
}

// requireSessionChange checks that the stage told the transport to hand
// the client req's session, with a cookie kept across browser restarts
// (persistent) or not. Request keeps the change to itself: a copy of req
// given the expected change must equal it.
func requireSessionChange(t *testing.T, req *executor.Request, persistent bool) {
	t.Helper()
	want := *req
	want.SetSession(req.SessionID, req.Session, persistent)
	require.Equal(t, &want, req, "persistent cookie: %t", persistent)
}

func requireGone(t *testing.T, b *testBundle, id session.ID) {
	t.Helper()
	_, err := b.env.Deps.Sessions.Store.Get(b.env.Ctx, id)
	require.ErrorIs(t, err, session.ErrNotFound)
}

func TestKind(t *testing.T) {
	t.Parallel()
	require.Equal(t, "user_login", userlogin.Kind)
	require.Equal(t, userlogin.Kind, (&userlogin.Stage{}).Kind())
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()

	kinds := executor.NewStageKinds(userlogin.Definition())
	typedconfigtest.RunValidation(t, kinds, userlogin.Kind, []typedconfigtest.Case{
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

	b := setup(t, dialect.SQLite)
	alice := b.env.User(t, "alice", "", "")
	req := b.request(t, alice)
	before := *req
	s := b.stage(t, `{"remember_me_offset": 2592000}`)
	res, skip, err := s.Skip(b.env.Ctx, req)
	require.NoError(t, err)
	require.False(t, skip, "offering to stay signed in needs the user")
	require.Equal(t, executor.Result{}, res)
	b.env.Golden(t, s, req, "remember_me")
	require.Equal(t, &before, req, "nothing happens before the answer")
	sessions, err := b.env.Deps.Sessions.List(b.env.Ctx, alice.ID)
	require.NoError(t, err)
	require.Empty(t, sessions)
}

func TestLogin(t *testing.T) {
	t.Parallel()

	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()

			t.Run("RotatesTheSession", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				alice := b.env.User(t, "alice", "", "")
				req := b.request(t, alice)
				anonymous, scope := req.SessionID, req.Session.Scope
				require.Equal(t, executor.Next(), b.login(t, b.stage(t, `{}`), req, false))

				require.NotEqual(t, anonymous, req.SessionID)
				requireGone(t, b, anonymous)
				got, err := b.env.Deps.Sessions.Store.Get(b.env.Ctx, req.SessionID)
				require.NoError(t, err)
				now := b.env.Clock.Now()
				require.Equal(t, &session.Session{
					UserID: alice.ID, Scope: scope, CreatedAt: now, LastSeenAt: now, IdleTimeout: session.DefaultIdleTimeout,
					ExpiresAt: now.Add(session.DefaultLoginLifetime), ClientIP: stagetest.ClientIP.String(), UserAgent: "stagetest",
				}, got)
				requireSessionChange(t, req, false)
				require.Equal(t, alice.ID, req.User.ID)

				u := b.env.Client.User.GetX(b.env.Ctx, alice.ID)
				require.NotNil(t, u.LastLogin)
				require.True(t, u.LastLogin.Equal(now), "last login %v", u.LastLogin)
				for _, key := range []string{reputation.IPKey(stagetest.ClientIP), reputation.IdentifierKey("alice")} {
					score, err := b.env.Counters.Get(b.env.Ctx, key)
					require.NoError(t, err)
					require.Equal(t, reputation.Success, score, key)
				}
				require.Equal(t, []stagetest.Event{{Action: enum.EventActionLogin, Data: map[string]any{
					"user_id": strconv.Itoa(alice.ID), "username": "alice", "auth_method": "password", "flow": "test-flow",
				}}}, b.env.Auditor.Events())
			})

			t.Run("WithoutSession", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				alice := b.env.User(t, "alice", "", "")
				req := b.request(t, alice)
				req.SessionID, req.Session = "", nil
				require.Equal(t, executor.Next(), b.login(t, b.stage(t, `{}`), req, false))
				require.NotEmpty(t, req.SessionID)
				require.NotEmpty(t, req.Session.Scope)
				requireSessionChange(t, req, false)
			})

			t.Run("Lifetimes", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				alice := b.env.User(t, "alice", "", "")
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
					req := b.request(t, alice)
					require.Equal(t, executor.Next(), b.login(t, b.stage(t, tt.config), req, tt.remember))
					got, err := b.env.Deps.Sessions.Store.Get(b.env.Ctx, req.SessionID)
					require.NoError(t, err)
					require.Equal(t, tt.wantLifetime, got.ExpiresAt.Sub(b.env.Clock.Now()), "%s remember %t", tt.config, tt.remember)
					require.Equal(t, req.Session, got)
					requireSessionChange(t, req, tt.wantPersistent)
				}
			})

			t.Run("TerminateOtherSessions", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				alice := b.env.User(t, "alice", "", "")
				bob := b.env.User(t, "bob", "", "")
				others := []session.ID{b.loggedIn(t, alice), b.loggedIn(t, alice)}
				bobs := b.loggedIn(t, bob)

				req := b.request(t, alice)
				require.Equal(t, executor.Next(), b.login(t, b.stage(t, `{"terminate_other_sessions": true}`), req, false))
				for _, id := range others {
					requireGone(t, b, id)
				}
				listed, err := b.env.Deps.Sessions.List(b.env.Ctx, alice.ID)
				require.NoError(t, err)
				require.Len(t, listed, 1)
				require.Equal(t, req.SessionID.Key(), listed[0].Key, "the new session stays")
				_, err = b.env.Deps.Sessions.Resume(b.env.Ctx, bobs)
				require.NoError(t, err, "other users' sessions stay")

				req = b.request(t, alice)
				require.Equal(t, executor.Next(), b.login(t, b.stage(t, `{}`), req, false))
				listed, err = b.env.Deps.Sessions.List(b.env.Ctx, alice.ID)
				require.NoError(t, err)
				require.Len(t, listed, 2, "without the option other sessions stay")
			})

			t.Run("Refusals", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				inactive := b.env.User(t, "ivan", "", "")
				b.env.Client.User.UpdateOne(inactive).SetIsActive(false).ExecX(b.env.Ctx)
				gone := b.env.User(t, "gone", "", "")
				b.env.Client.User.DeleteOne(gone).ExecX(b.env.Ctx)
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
						req := b.request(t, tt.pending)
						before := *req
						require.Equal(t, tt.want, b.login(t, b.stage(t, config), req, true), tt.name)
						require.Equal(t, &before, req, "%s: the client keeps its session", tt.name)
						_, err := b.env.Deps.Sessions.Resume(b.env.Ctx, req.SessionID)
						require.NoError(t, err, tt.name)
					}
				}
				sessions, err := b.env.Deps.Sessions.List(b.env.Ctx, inactive.ID)
				require.NoError(t, err)
				require.Empty(t, sessions)
				require.Nil(t, b.env.Client.User.GetX(b.env.Ctx, inactive.ID).LastLogin)
				require.Empty(t, b.env.Auditor.Events())
			})
		})
	}
}

func TestSubmitWrongResponse(t *testing.T) {
	t.Parallel()

	b := setup(t, dialect.SQLite)
	alice := b.env.User(t, "alice", "", "")
	req := b.request(t, alice)
	before := *req
	res, err := b.stage(t, `{"remember_me_offset": 60}`).Submit(b.env.Ctx, req, nil)
	require.NoError(t, err)
	require.Equal(t, executor.ResultRetry, res.Kind())
	require.Len(t, res.Errors(), 1)
	require.Equal(t, "invalid", res.Errors()[0].Code)
	require.Equal(t, &before, req)
}
