package graph

import (
	"context"
	"database/sql/driver"
	"errors"
	"testing"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/require"
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
	tx := transactioner{entgql.Transactioner{TxOpener: entgql.TxOpenerFunc(func(context.Context) (context.Context, driver.Tx, error) {
		return nil, nil, errors.New("no transaction may be opened without an operation")
	})}}
	want := &graphql.Response{Errors: gqlerror.List{{Message: "bad request"}}}
	var got *graphql.Response
	require.NotPanics(t, func() {
		got = tx.InterceptResponse(context.Background(), func(context.Context) *graphql.Response { return want })
	})
	require.Same(t, want, got)
}
