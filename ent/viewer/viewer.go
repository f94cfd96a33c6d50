// Package viewer carries who is making a request through a context, for the
// ent privacy rules and for audit records.
//
// The authentication middleware stores a Viewer once per request; everything
// below reads it with FromContext. A context without a Viewer is anonymous.
// Code that acts on its own behalf (start-up bootstrap, jobs, the flow
// engine) uses System, which the privacy rules admit everywhere.
package viewer

import "context"

// Kind says what sort of principal a Viewer is.
type Kind int

// Viewer kinds.
const (
	// Anonymous is an unauthenticated caller.
	Anonymous Kind = iota
	// User is a caller authenticated as a user, by session or API token.
	User
	// System is Gatehouse acting on its own behalf.
	System
	// Outpost is an outpost authenticated by its token: it may use only
	// the outpost-facing API (the privacy rules admit it nowhere).
	Outpost
)

// Viewer is the principal of a request.
type Viewer struct {
	// Kind is what sort of principal this is.
	Kind Kind
	// UserID is the authenticated user's ID; zero unless Kind is User.
	UserID int
	// Username is the authenticated user's username, for logs and audit events.
	Username string
	// Superuser reports whether the user belongs to a superuser group
	// (directly or through a parent group).
	Superuser bool
	// TokenID is the ID of the API token that authenticated the request, or
	// zero when a session (or nothing) did.
	TokenID int
	// OutpostID is the authenticated outpost's ID; zero unless Kind is
	// Outpost.
	OutpostID int
}

// IsAnonymous reports whether v is unauthenticated.
func (v Viewer) IsAnonymous() bool { return v.Kind == Anonymous }

// IsSystem reports whether v is Gatehouse itself.
func (v Viewer) IsSystem() bool { return v.Kind == System }

// IsOutpost reports whether v is an outpost.
func (v Viewer) IsOutpost() bool { return v.Kind == Outpost }

// IsSuperuser reports whether v may do everything: the system, or a superuser.
func (v Viewer) IsSuperuser() bool { return v.Kind == System || (v.Kind == User && v.Superuser) }

type ctxKey struct{}

// NewContext returns a copy of ctx that carries v.
func NewContext(ctx context.Context, v Viewer) context.Context {
	return context.WithValue(ctx, ctxKey{}, v)
}

// FromContext returns the Viewer of ctx; the zero Viewer (anonymous) when none
// was stored.
func FromContext(ctx context.Context) Viewer {
	v, _ := ctx.Value(ctxKey{}).(Viewer)
	return v
}

// SystemContext returns a copy of ctx in which Gatehouse acts on its own
// behalf. Use it only in code that no request can steer into acting for
// another principal: start-up, jobs, and engine internals.
func SystemContext(ctx context.Context) context.Context {
	return NewContext(ctx, Viewer{Kind: System})
}
