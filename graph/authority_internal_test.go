package graph

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gatehouse-id/gatehouse/authn"
)

// A subscription whose authority ends while its resolver is still
// starting fails with its context's cancellation; the client hears why it
// ended (UNAUTHENTICATED), not CANCELLED. (CI once saw CANCELLED: the
// token was deleted while the resolver subscribed to Redis.)
func TestAuthorityEndsAStartingSubscription(t *testing.T) {
	t.Parallel()
	present := presentError(slog.New(slog.DiscardHandler))
	for _, tc := range []struct {
		name  string
		cause error // the watched context's end, nil while it lasts
		want  string
	}{
		{"AuthorityEnded", authn.ErrCredentialsEnded, CodeUnauthenticated},
		{"PermissionsChanged", authn.ErrPermissionsChanged, CodeForbidden},
		{"OtherError", nil, CodeCancelled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			watched, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			e := authorityExtension{
				watch: func(context.Context) (context.Context, context.CancelFunc, error) {
					return watched, func() { cancel(context.Canceled) }, nil
				},
				present: present,
			}
			ctx := graphql.WithOperationContext(context.Background(), &graphql.OperationContext{
				Operation: &ast.OperationDefinition{Operation: ast.Subscription},
			})
			handle := e.InterceptOperation(ctx, func(ctx context.Context) graphql.ResponseHandler {
				if tc.cause != nil {
					cancel(tc.cause) // the authority ends under the resolver
				}
				err := fmt.Errorf("pubsub: subscribe audit: %w", context.Canceled)
				return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{present(ctx, err)}})
			})
			first := handle(ctx)
			require.NotNil(t, first)
			require.Len(t, first.Errors, 1)
			require.Equal(t, tc.want, first.Errors[0].Extensions["code"])
			require.Nil(t, handle(ctx), "then the stream ends")
		})
	}
}
