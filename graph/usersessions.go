package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/gatehouse-id/gatehouse/applications"
	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/authn"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/graph/model"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/session"
)

// sessionsOf lists the live sessions of userID, most recently used
// first; current marks the session of the request.
func (r *Resolver) sessionsOf(ctx context.Context, userID int) ([]*model.UserSession, error) {
	listed, err := r.Sessions.List(ctx, userID)
	if err != nil {
		return nil, err
	}
	current := currentSessionKey(ctx)
	out := make([]*model.UserSession, len(listed))
	for i, l := range listed {
		s := l.Session
		out[i] = &model.UserSession{
			Key: l.Key, Current: l.Key == current,
			CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt, ExpiresAt: s.ExpiresAt,
			ClientIP: s.ClientIP, UserAgent: s.UserAgent,
		}
	}
	return out, nil
}

// revokeUserSessions ends sessions of user id (all when keys is nil) as
// an admin's action, through the session Manager as revokeSession does
// (recorded in its Revocations, announced to every server), and audits
// it as the viewer's. Like revokeSession it runs outside the mutation
// transaction (graph/handler.go): on SQLite the sessions live in the same
// database. Ending the caller's own current session also clears the
// session cookie.
func (r *Resolver) revokeUserSessions(ctx context.Context, id string, keys []string) (int, error) {
	uid, err := parseID(id)
	if err != nil {
		return 0, err
	}
	c := r.client(ctx)
	u, err := c.User.Get(ctx, uid)
	if err != nil {
		return 0, err
	}
	var n int
	if keys == nil {
		n, err = r.Sessions.RevokeOthers(ctx, u.ID, "")
	} else {
		n, err = r.Sessions.RevokeKeys(ctx, u.ID, keys)
	}
	if errors.Is(err, session.ErrNotFound) {
		return 0, fmt.Errorf("session: %w", problem.ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	if current := currentSessionKey(ctx); current != "" && (keys == nil && viewer.FromContext(ctx).UserID == u.ID || slices.Contains(keys, current)) {
		authn.ClearSessionCookie(ctx)
	}
	if n > 0 {
		// The event's user is the viewer: the admin who ended them.
		data := audit.Subject(map[string]any{"ended": n, "all": keys == nil}, u)
		if err := r.audit(ctx, c, enum.EventActionSessionRevoked, data); err != nil {
			return n, err
		}
	}
	return n, nil
}

// consentsOf lists the applications userID has consented to, by name.
func (r *Resolver) consentsOf(ctx context.Context, userID int) ([]*model.ConnectedApplication, error) {
	connected, err := applications.Connected(ctx, r.client(ctx), userID)
	if err != nil {
		return nil, err
	}
	out := make([]*model.ConnectedApplication, len(connected))
	for i, c := range connected {
		out[i] = &model.ConnectedApplication{Application: c.Application, Scopes: c.Scopes, ConsentedAt: c.ConsentedAt, ExpiresAt: c.ExpiresAt}
	}
	return out, nil
}

// revokeUserConsent forgets user id's consent to the application slug and
// revokes its tokens for the user (applications.RevokeAccess), in the
// mutation's transaction.
func (r *Resolver) revokeUserConsent(ctx context.Context, id, slug string) error {
	uid, err := parseID(id)
	if err != nil {
		return err
	}
	return r.revokeConsent(ctx, uid, slug)
}

// revokeConsent forgets userID's consent to the application slug and
// revokes what it granted (applications.RevokeAccess), and records it as
// the viewer's action (the user's own, or an admin's): MODEL_DELETED of a
// user_consent about the user, naming the application.
func (r *Resolver) revokeConsent(ctx context.Context, userID int, slug string) error {
	c := r.client(ctx)
	if err := applications.RevokeAccess(ctx, c, userID, slug); err != nil {
		return err
	}
	u, err := c.User.Get(viewer.SystemContext(ctx), userID)
	if err != nil {
		return fmt.Errorf("read user %d: %w", userID, err)
	}
	data := map[string]any{audit.KeyModel: "user_consent", keyApplication: slug}
	return r.audit(ctx, c, enum.EventActionModelDeleted, audit.Subject(data, u))
}

// keyApplication is the event context key of the application (its slug)
// a consent revocation was about.
const keyApplication = "application"
