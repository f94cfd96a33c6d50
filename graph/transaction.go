package graph

import (
	"context"
	"fmt"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// transactioner is entgql.Transactioner (a mutation runs in one
// transaction; its resolvers run one at a time) with our own response
// side: a response without an operation (an error a transport dispatches
// before any operation exists) passes through, where entgql's would
// panic; and a transaction that cannot be opened or committed is an error
// like any other, presented (UNAVAILABLE when the database does not
// answer), where entgql's quotes the driver's error to the client.
type transactioner struct {
	entgql.Transactioner

	present graphql.ErrorPresenterFunc
}

// InterceptResponse implements graphql.ResponseInterceptor.
func (t transactioner) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	// Only mutations run in a transaction (a subscription holding one
	// would lock SQLite's writers out for as long as it lives).
	if op := graphql.GetOperationContext(ctx).Operation; op == nil || op.Operation != ast.Mutation ||
		(t.SkipTxFunc != nil && t.SkipTxFunc(op)) {
		return next(ctx)
	}
	txCtx, tx, err := t.OpenTx(ctx)
	if err != nil {
		return t.fail(ctx, fmt.Errorf("open transaction: %w", err))
	}
	defer func() {
		if r := recover(); r != nil {
			_ = tx.Rollback()
			panic(r)
		}
	}()
	rsp := next(txCtx)
	if rsp == nil || len(rsp.Errors) > 0 {
		_ = tx.Rollback()
		return rsp
	}
	if err := tx.Commit(); err != nil {
		return t.fail(ctx, fmt.Errorf("commit transaction: %w", err))
	}
	return rsp
}

func (t transactioner) fail(ctx context.Context, err error) *graphql.Response {
	return &graphql.Response{Errors: gqlerror.List{t.present(ctx, err)}}
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
