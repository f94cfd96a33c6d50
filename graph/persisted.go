package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// PersistedQueryCacheSize is how many automatic persisted queries each
// server remembers, least recently used first out. A client whose hash
// was forgotten gets PERSISTED_QUERY_NOT_FOUND and sends the query again,
// as the protocol's clients do on their own.
const PersistedQueryCacheSize = 1000

// persistedQueries is gqlgen's AutomaticPersistedQuery extension (Apollo's
// automatic persisted queries: a request may carry
// extensions.persistedQuery.sha256Hash instead of, or besides, the query;
// an unknown hash answers PERSISTED_QUERY_NOT_FOUND, HTTP 200, and the
// client retries with the query, which registers it). Its other refusals
// (an unsupported version, a hash that does not match the query) get
// BAD_REQUEST, not an uncoded error.
type persistedQueries struct {
	apq extension.AutomaticPersistedQuery
}

var _ interface {
	graphql.OperationParameterMutator
	graphql.HandlerExtension
} = persistedQueries{}

// ExtensionName implements graphql.HandlerExtension.
func (p persistedQueries) ExtensionName() string { return p.apq.ExtensionName() }

// Validate implements graphql.HandlerExtension.
func (p persistedQueries) Validate(s graphql.ExecutableSchema) error { return p.apq.Validate(s) }

// MutateOperationParameters implements graphql.OperationParameterMutator.
func (p persistedQueries) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	err := p.apq.MutateOperationParameters(ctx, params)
	if err != nil && err.Extensions[extensionCode] == nil {
		errcode.Set(err, CodeBadRequest)
	}
	return err
}
