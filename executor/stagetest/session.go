package stagetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/session"
)

// Login starts a session of u, as a login from another browser does, and
// returns it.
func (e *Env) Login(t *testing.T, u *ent.User) (session.ID, *session.Session) {
	t.Helper()
	id, s, err := e.Deps.Sessions.Login(e.Ctx, "", u.ID, session.LoginOptions{})
	require.NoError(t, err)
	return id, s
}

// SignIn makes req come from a client logged in as u: it gives req a new
// session of u's (see Login) and u as its User.
func (e *Env) SignIn(t *testing.T, req *executor.Request, u *ent.User) {
	t.Helper()
	req.SessionID, req.Session = e.Login(t, u)
	req.User = u
}

// Anonymous makes req come from a client that holds a new anonymous
// session, started from req's client.
func (e *Env) Anonymous(t *testing.T, req *executor.Request) {
	t.Helper()
	id, s, err := e.Deps.Sessions.Start(e.Ctx, session.Client{IP: req.Client.IP.String(), UserAgent: req.Client.UserAgent})
	require.NoError(t, err)
	req.SessionID, req.Session = id, s
}

// RequireSessionChange checks that the stage told the transport to hand
// the client req's session, with a cookie kept across browser restarts
// (persistent) or not. Request keeps the change to itself: a copy of req
// given the expected change must equal it.
func RequireSessionChange(t *testing.T, req *executor.Request, persistent bool) {
	t.Helper()
	want := *req
	want.SetSession(req.SessionID, req.Session, persistent)
	require.Equal(t, &want, req, "persistent cookie: %t", persistent)
}

// RequireSessionGone checks that the session id no longer exists.
func (e *Env) RequireSessionGone(t *testing.T, id session.ID) {
	t.Helper()
	_, err := e.Deps.Sessions.Store.Get(e.Ctx, id)
	require.ErrorIs(t, err, session.ErrNotFound)
}
