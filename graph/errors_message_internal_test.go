package graph

import (
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gatehouse-id/gatehouse/executor"
)

// The presenter receives a resolver's error wrapped by gqlgen with the
// field's path and location (graphql.AddFieldLocationToError, for every
// field, subscriptions included); the message is the error's own, without
// the "input:3:3: flowInspector " that the wrapper's Error() starts with.
func TestPresentErrorMessageIsTheErrorsOwn(t *testing.T) {
	t.Parallel()
	present := presentError(slog.New(slog.DiscardHandler))
	for _, c := range []struct {
		err  error
		code string
	}{
		{executor.ErrFlowNotFound, CodeNotFound},
		{executor.ErrExecutionNotFound, CodeNotFound},
		{executor.ErrWrongStage, CodeWrongStage},
		{executor.ErrStale, CodeStaleExecution},
		{executor.ErrInvalidNext, CodeBadUserInput},
		{badIDError{id: "x"}, CodeBadUserInput},
	} {
		wrapped := gqlerror.WrapPath(ast.Path{ast.PathName("flowInspector")}, c.err)
		wrapped.Locations = []gqlerror.Location{{Line: 3, Column: 3}}
		require.Contains(t, wrapped.Error(), "input:3:3: flowInspector ", "gqlgen's wrapper")

		got := present(context.Background(), wrapped)
		require.Equal(t, c.code, got.Extensions["code"], "%v", c.err)
		require.Equal(t, c.err.Error(), got.Message)
		require.Equal(t, wrapped.Path, got.Path, "the path and location stay where they belong")
		require.Equal(t, wrapped.Locations, got.Locations)
	}
}
