package authn

import (
	"context"
	"errors"
	"sync"

	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/session"
)

// A websocket connection carries many operations but has no response to
// set a cookie on: its session lives in a socketSession instead, which
// the connection's context holds for its whole life. A flow mutation sent
// over the socket that creates, rotates or ends a session changes it
// (SetSessionCookie, ClearSessionCookie), and the operations that follow
// on the socket authenticate with the session it holds then
// (SocketSessionID, Authenticator.WebsocketSession) — as a browser's next
// request would with its new cookie.

type socketKey struct{}

// socketSession is one websocket connection's current session ID.
type socketSession struct {
	mu sync.Mutex
	id session.ID
}

// WithSocketSession returns a context for a websocket connection whose
// session is id ("" for none); see SocketSessionID.
func WithSocketSession(ctx context.Context, id session.ID) context.Context {
	return context.WithValue(ctx, socketKey{}, &socketSession{id: id})
}

// SocketSessionID returns the session the websocket connection of ctx
// holds now, and whether ctx belongs to such a connection at all. It is
// safe for concurrent use with the flow mutations that change it.
func SocketSessionID(ctx context.Context) (session.ID, bool) {
	s, ok := ctx.Value(socketKey{}).(*socketSession)
	if !ok {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.id, true
}

// setSocketSession makes id the session of ctx's websocket connection,
// reporting whether ctx belongs to one.
func setSocketSession(ctx context.Context, id session.ID) bool {
	s, ok := ctx.Value(socketKey{}).(*socketSession)
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.id = id
	return true
}

// WebsocketSession returns ctx authenticated by session id, for an
// operation on a websocket connection: SessionID(ctx) is id, the viewer is
// the session's user, or anonymous for an anonymous, expired, revoked or
// unknown session (as the Middleware treats a cookie), and the session is
// resumed afresh (a request cache of its own). An error means the session
// could not be read (the store failed); the caller must not serve the
// operation anonymously then.
func (a *Authenticator) WebsocketSession(ctx context.Context, id string) (context.Context, error) {
	ctx = session.WithRequestCache(ctx)
	ctx = context.WithValue(ctx, sessionKey{}, session.ID(id))
	ctx = viewer.NewContext(ctx, viewer.Viewer{})
	if id == "" || a.Sessions == nil {
		return ctx, nil
	}
	v, err := a.session(ctx, session.ID(id))
	switch {
	case err == nil:
		return viewer.NewContext(ctx, v), nil
	case errors.Is(err, session.ErrNotFound):
		return ctx, nil
	}
	a.logger().ErrorContext(ctx, "authenticate websocket session", "error", err)
	return ctx, err
}
