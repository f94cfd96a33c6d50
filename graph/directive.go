package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/problem"
)

// directives implements the schema's directives (graph/schema/directives.graphqls).
func directives() DirectiveRoot {
	return DirectiveRoot{Superuser: superuser, Outpost: outpostOnly}
}

// superuser implements @superuser, the one permission gate of the fields
// that ent privacy rules do not guard: the field resolves for superusers
// (and the system) only. Anonymous callers get problem.ErrUnauthenticated,
// other users problem.ErrForbidden (UNAUTHENTICATED and FORBIDDEN, as ent
// privacy denials are presented). On a subscription it runs once, when the
// subscription starts; Options.Watch ends the subscription when its user's
// superuser status changes.
func superuser(ctx context.Context, _ any, next graphql.Resolver) (any, error) {
	v := viewer.FromContext(ctx)
	switch {
	case v.IsSuperuser():
		return next(ctx)
	case v.IsAnonymous():
		return nil, problem.ErrUnauthenticated
	default:
		return nil, problem.ErrForbidden
	}
}

// outpostOnly implements @outpost: the field resolves for outposts (their
// token authenticated the request) only. Anonymous callers get
// problem.ErrUnauthenticated, users problem.ErrForbidden.
func outpostOnly(ctx context.Context, _ any, next graphql.Resolver) (any, error) {
	v := viewer.FromContext(ctx)
	switch {
	case v.IsOutpost():
		return next(ctx)
	case v.IsAnonymous():
		return nil, problem.ErrUnauthenticated
	default:
		return nil, problem.ErrForbidden
	}
}
