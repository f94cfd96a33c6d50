package graph

import (
	"context"
	"errors"
	"fmt"

	"github.com/gatehouse-id/gatehouse/authn"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/graph/model"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/session"
)

// currentSessionKey is the key of the session the request presented, or
// "" (an API token, or no session).
func currentSessionKey(ctx context.Context) string {
	if id := authn.SessionID(ctx); id != "" {
		return id.Key()
	}
	return ""
}

// viewerSessions lists the live sessions of ctx's user, most recently used
// first; none for anonymous callers.
func (r *Resolver) viewerSessions(ctx context.Context) ([]*model.UserSession, error) {
	v := viewer.FromContext(ctx)
	if v.Kind != viewer.User {
		return []*model.UserSession{}, nil
	}
	return r.sessionsOf(ctx, v.UserID)
}

// revokeSession ends the caller's session key; the current one also
// clears the session cookie.
func (r *Resolver) revokeSession(ctx context.Context, key string) error {
	v := viewer.FromContext(ctx)
	if v.Kind != viewer.User {
		return problem.ErrUnauthenticated
	}
	if err := r.Sessions.Revoke(ctx, v.UserID, key); err != nil {
		if errors.Is(err, session.ErrNotFound) {
			return fmt.Errorf("session: %w", problem.ErrNotFound)
		}
		return err
	}
	if key == currentSessionKey(ctx) {
		authn.ClearSessionCookie(ctx)
	}
	return nil
}

// revokeOtherSessions ends every session of the caller but the current one.
func (r *Resolver) revokeOtherSessions(ctx context.Context) (int, error) {
	v := viewer.FromContext(ctx)
	if v.Kind != viewer.User {
		return 0, problem.ErrUnauthenticated
	}
	return r.Sessions.RevokeOthers(ctx, v.UserID, currentSessionKey(ctx))
}
