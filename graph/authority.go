package graph

import (
	"context"
	"errors"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gatehouse-id/gatehouse/authn"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/problem"
)

// WatchFunc derives a context for a long-lived operation that ends, with
// a cause wrapping authn.ErrAuthorityEnded, once the credentials of ctx's
// viewer stop granting it (authn.Watcher.Watch).
type WatchFunc func(ctx context.Context) (context.Context, context.CancelFunc, error)

// authorityExtension keeps every subscription under the authority that
// opened it: the subscription runs in a watched context, and when the
// session or token behind it ends, or its user's permissions change, the
// stream ends with a final error (UNAUTHENTICATED or FORBIDDEN), on every
// transport; a websocket is then closed as a whole with 4403 Forbidden.
type authorityExtension struct {
	watch   WatchFunc
	present graphql.ErrorPresenterFunc
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = authorityExtension{}

// ExtensionName implements graphql.HandlerExtension.
func (authorityExtension) ExtensionName() string { return "GatehouseAuthority" }

// Validate implements graphql.HandlerExtension.
func (authorityExtension) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation implements graphql.OperationInterceptor.
func (e authorityExtension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Subscription {
		return next(ctx)
	}
	watched, stop, err := e.watch(ctx)
	if err != nil {
		if errors.Is(err, authn.ErrAuthorityEnded) {
			return e.end(err)
		}
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{e.present(ctx, err)}})
	}
	handle := next(watched)
	var final graphql.ResponseHandler // once the stream ended
	return func(ctx context.Context) *graphql.Response {
		if final != nil {
			return final(ctx)
		}
		resp := handle(ctx)
		cause := context.Cause(watched)
		ended := errors.Is(cause, authn.ErrAuthorityEnded)
		// An error while the authority ended is the authority's end: a
		// resolver still starting (subscribing to its topic) fails with
		// its context's cancellation, which would answer CANCELLED.
		if resp != nil && (!ended || len(resp.Errors) == 0) {
			return resp
		}
		stop()
		if !ended {
			final = func(context.Context) *graphql.Response { return nil }
			return nil
		}
		final = e.end(cause)
		return final(ctx)
	}
}

// end answers a subscription whose authority ended: the final error, then
// (the next call) the end of the stream; a websocket is closed as a whole
// (4403), since its other subscriptions ran on the same authority.
func (e authorityExtension) end(cause error) graphql.ResponseHandler {
	sent := false
	return func(ctx context.Context) *graphql.Response {
		if !sent {
			sent = true
			return &graphql.Response{Errors: gqlerror.List{e.present(ctx, cause)}}
		}
		CloseWebsocket(ctx, closeForbidden, "Forbidden")
		return nil
	}
}

// outpostFields are the root fields an outpost may use: the
// outpost-facing API (and introspection's), nothing else.
var outpostFields = map[string]bool{"outpostConfig": true, "outpostSessions": true, "outpostConfigChanged": true}

// rootTypes are the schema's root operation types.
var rootTypes = map[string]bool{"Query": true, "Mutation": true, "Subscription": true} //nolint:goconst // the names, once

// outpostGate confines an outpost (a request its token authenticated) to
// the outpost-facing API: every other root field answers FORBIDDEN before
// it resolves. (The ent privacy rules admit an outpost nowhere either;
// this also covers the fields they do not guard.)
type outpostGate struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.FieldInterceptor
} = outpostGate{}

// ExtensionName implements graphql.HandlerExtension.
func (outpostGate) ExtensionName() string { return "GatehouseOutpostGate" }

// Validate implements graphql.HandlerExtension.
func (outpostGate) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptField implements graphql.FieldInterceptor.
func (outpostGate) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !rootTypes[fc.Object] {
		return next(ctx)
	}
	if viewer.FromContext(ctx).IsOutpost() && !outpostFields[fc.Field.Name] && !strings.HasPrefix(fc.Field.Name, "__") {
		return nil, problem.ErrForbidden
	}
	return next(ctx)
}
