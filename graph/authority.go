package graph

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gatehouse-id/gatehouse/authn"
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
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{e.present(ctx, err)}})
	}
	handle := next(watched)
	var ended error // the cause, until the websocket is closed
	done := false
	return func(ctx context.Context) *graphql.Response {
		switch {
		case ended != nil:
			// The final error went out: a websocket is closed as a whole,
			// for its other subscriptions ran on the same authority.
			CloseWebsocket(ctx, closeForbidden, "Forbidden")
			ended = nil
			return nil
		case done:
			return nil
		}
		if resp := handle(ctx); resp != nil {
			return resp
		}
		done = true
		cause := context.Cause(watched)
		stop()
		if errors.Is(cause, authn.ErrAuthorityEnded) {
			ended = cause
			return &graphql.Response{Errors: gqlerror.List{e.present(ctx, cause)}}
		}
		return nil
	}
}
