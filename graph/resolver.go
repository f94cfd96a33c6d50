package graph

import (
	"context"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"

	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/oidc/keys"
	"github.com/gatehouse-id/gatehouse/outposts"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/pubsub"
	"github.com/gatehouse-id/gatehouse/seal"
	"github.com/gatehouse-id/gatehouse/session"
)

// Deps are what the resolvers use. server.go builds them; they are the only
// way dependencies reach this package.
type Deps struct {
	// Client is the ent client; mutations use the transaction's client from
	// the context instead (ent.FromContext).
	Client *ent.Client
	// Stages and Policies decode typed configs.
	Stages   *executor.StageKinds
	Policies *policy.Kinds
	// Hasher hashes passwords set through the API.
	Hasher *credential.Hasher
	// Broker carries subscription notifications between servers.
	Broker pubsub.Broker
	// Executor runs flows.
	Executor *executor.Executor
	// Sessions manages users' sessions (listing, revoking).
	Sessions *session.Manager
	// PolicyEngine evaluates policies (the policy test API).
	PolicyEngine *policy.Engine
	// Keys are the OpenID Connect provider's signing keys (which a
	// provider may pin, which is current).
	Keys *keys.Store
	// JobQueue holds the background jobs (listing, retry, cancel); nil
	// answers the jobs fields UNAVAILABLE.
	JobQueue JobQueue
	// PublicURL is GATEHOUSE_PUBLIC_URL (without a trailing slash): links
	// the API hands out (invitations) are built from it.
	PublicURL string
	// Logger receives resolver errors that are not shown to clients.
	Logger *slog.Logger
	// OutpostCore is the core's side of the outposts: proxy providers
	// and the outpost-facing API.
	OutpostCore *outposts.Service
	// Auditor records the audit events of actions (a user's deleted
	// second factor); nil records none.
	Auditor executor.Auditor
	// Version is the server's build (serverInfo), as `gatehouse version`
	// prints it.
	Version string
	// Secrets seal the secrets the API stores readable only to the
	// server (webhook secrets); nil refuses to store one.
	Secrets *seal.Keys
}

// Resolver is the root resolver.
type Resolver struct {
	Deps
}

// NewSchema returns the executable schema over deps, with its directives.
func NewSchema(deps Deps) graphql.ExecutableSchema {
	return NewExecutableSchema(Config{Resolvers: &Resolver{Deps: deps}, Directives: directives()})
}

// client returns the transaction's client inside a mutation (so fields of a
// mutation's result see its own uncommitted writes), else the base client.
func (r *Resolver) client(ctx context.Context) *ent.Client {
	if c := ent.FromContext(ctx); c != nil {
		return c
	}
	return r.Client
}
