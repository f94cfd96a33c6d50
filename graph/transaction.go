package graph

import (
	"context"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// transactioner is entgql.Transactioner (a mutation runs in one
// transaction) made safe for responses without an operation: an error a
// transport dispatches before any operation exists reaches the response
// interceptors with no operation context, where entgql's would panic.
type transactioner struct{ entgql.Transactioner }

// InterceptResponse implements graphql.ResponseInterceptor.
func (t transactioner) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) || graphql.GetOperationContext(ctx).Operation == nil {
		return next(ctx)
	}
	return t.Transactioner.InterceptResponse(ctx, next)
}

// singleResponse ends the response stream of a query or mutation after its
// one response. The SSE and websocket transports read responses until nil;
// without this, the second read of a mutation ran the response
// interceptors again, and the transaction middleware opened a transaction
// for the nil end of the stream and panicked on it.
type singleResponse struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = singleResponse{}

// ExtensionName implements graphql.HandlerExtension.
func (singleResponse) ExtensionName() string { return "GatehouseSingleResponse" }

// Validate implements graphql.HandlerExtension.
func (singleResponse) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation implements graphql.OperationInterceptor.
func (singleResponse) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	handle := next(ctx)
	if op := graphql.GetOperationContext(ctx).Operation; op != nil && op.Operation == ast.Subscription {
		return handle
	}
	done := false
	return func(ctx context.Context) *graphql.Response {
		if done {
			return nil
		}
		done = true
		return handle(ctx)
	}
}
