package graph

import (
	"context"
	"database/sql/driver"
	"errors"
	"net"
	"testing"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gatehouse-id/gatehouse/internal/logtest"
)

// TestPresentErrorRequestErrors: gqlgen's transports report a body they
// cannot decode with a message quoting the body, dispatched before any
// operation exists. It is the client's fault: BAD_REQUEST, and nothing of
// it is logged.
func TestPresentErrorRequestErrors(t *testing.T) {
	t.Parallel()
	logs := &logtest.Buffer{}
	present := presentError(logs.Logger())
	got := present(context.Background(), gqlerror.Errorf(`json request body could not be decoded: unexpected EOF body:{"password":"SECRET-1"`))
	require.Equal(t, CodeBadRequest, got.Extensions["code"])
	require.NotContains(t, got.Message, "SECRET-1")
	require.Empty(t, logs.String())

	// Other errors outside an operation are still internal, and logged.
	got = present(context.Background(), errors.New("internal panic"))
	require.Equal(t, CodeInternalError, got.Extensions["code"])
	require.Contains(t, logs.String(), "internal panic")
}

// TestTransactionerWithoutOperation: an error dispatched before any
// operation exists passes the transaction middleware untouched, where
// entgql's panicked ("missing operation context").
func TestTransactionerWithoutOperation(t *testing.T) {
	t.Parallel()
	tx := transactioner{Transactioner: entgql.Transactioner{TxOpener: entgql.TxOpenerFunc(func(context.Context) (context.Context, driver.Tx, error) {
		return nil, nil, errors.New("no transaction may be opened without an operation")
	})}}
	want := &graphql.Response{Errors: gqlerror.List{{Message: "bad request"}}}
	var got *graphql.Response
	require.NotPanics(t, func() {
		got = tx.InterceptResponse(context.Background(), func(context.Context) *graphql.Response { return want })
	})
	require.Same(t, want, got)
}

// failingTx is a driver.Tx whose commit fails as a dropped connection does.
type failingTx struct{}

func (failingTx) Commit() error {
	return &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by db.internal:5432")}
}
func (failingTx) Rollback() error { return nil }

// TestTransactionFailuresArePresented: a transaction that cannot be opened
// or committed is presented like any error — UNAVAILABLE when the database
// does not answer — never with the driver's text, which entgql's
// Transactioner sent to the client.
func TestTransactionFailuresArePresented(t *testing.T) {
	t.Parallel()
	mutation := graphql.WithOperationContext(context.Background(), &graphql.OperationContext{
		Operation: &ast.OperationDefinition{Operation: ast.Mutation},
	})
	ok := func(context.Context) *graphql.Response { return &graphql.Response{Data: []byte(`{}`)} }
	for name, opener := range map[string]entgql.TxOpenerFunc{
		"open": func(context.Context) (context.Context, driver.Tx, error) {
			return nil, nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused by db.internal:5432")}
		},
		"commit": func(ctx context.Context) (context.Context, driver.Tx, error) { return ctx, failingTx{}, nil },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			logs := &logtest.Buffer{}
			tx := transactioner{Transactioner: entgql.Transactioner{TxOpener: opener}, present: presentError(logs.Logger())}
			got := tx.InterceptResponse(mutation, ok)
			require.Len(t, got.Errors, 1)
			require.Equal(t, CodeUnavailable, got.Errors[0].Extensions["code"])
			require.NotContains(t, got.Errors[0].Message, "db.internal")
			require.Contains(t, logs.String(), "db.internal", "the cause is logged")
		})
	}
}

// TestOnlyMutationsRunInATransaction: queries and subscriptions never open
// one (a subscription would hold it, and SQLite's write lock, while it
// lives).
func TestOnlyMutationsRunInATransaction(t *testing.T) {
	t.Parallel()
	opened := 0
	tx := transactioner{Transactioner: entgql.Transactioner{TxOpener: entgql.TxOpenerFunc(func(ctx context.Context) (context.Context, driver.Tx, error) {
		opened++
		return ctx, failingTx{}, nil
	})}, present: presentError((&logtest.Buffer{}).Logger())}
	ok := func(context.Context) *graphql.Response { return &graphql.Response{Data: []byte(`{}`)} }
	for _, op := range []ast.Operation{ast.Query, ast.Subscription} {
		ctx := graphql.WithOperationContext(context.Background(), &graphql.OperationContext{Operation: &ast.OperationDefinition{Operation: op}})
		require.Empty(t, tx.InterceptResponse(ctx, ok).Errors, op)
	}
	require.Zero(t, opened)
}
