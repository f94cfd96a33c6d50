package schema

import (
	"context"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	gen "github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/oauth2provider"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/schema/mixin"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// Token lifetimes an OAuth2 provider starts with, in seconds.
const (
	defaultAccessTokenValidity  = 10 * 60
	defaultIDTokenValidity      = 10 * 60
	defaultRefreshTokenValidity = 30 * 24 * 60 * 60
)

// OAuth2Provider is an OAuth2 / OpenID Connect client registration: how an
// application logs its users in through Gatehouse. The client secret is
// stored as a hash; it is shown once, when it is set.
type OAuth2Provider struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (OAuth2Provider) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (OAuth2Provider) Fields() []ent.Field {
	return []ent.Field{
		nameField(),
		field.Enum("client_type").GoType(enum.ClientType("")).Annotations(gqlEnum("ClientType")).
			Default(string(enum.ClientTypeConfidential)),
		field.String("client_id").
			Unique().
			NotEmpty().
			MaxLen(200).
			Validate(validClientID).
			Comment("The client's public identifier; unique.").
			Annotations(entgql.MapsTo("clientId")),
		field.String("client_secret_hash").
			Default("").
			Sensitive().
			Comment("SHA-256 of the client secret, hex-encoded; empty for public clients.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.JSON("redirect_uris", []enum.RedirectURI{}).
			Default([]enum.RedirectURI{}).
			Comment("Where the client may be sent with a code; matched exactly unless a rule says regex.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.JSON("post_logout_redirect_uris", []enum.RedirectURI{}).
			Default([]enum.RedirectURI{}).
			Comment("Where end_session may send the client afterwards.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Strings("scopes").
			Default([]string{"openid", "profile", "email"}).
			Comment("The scopes the client may be granted, by name.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("signing_algorithm").GoType(enum.SigningAlgorithm("")).Annotations(gqlEnum("SigningAlgorithm")).
			Default(string(enum.SigningAlgorithmRS256)).
			Comment("The algorithm of the key that signs the provider's tokens: the algorithm's current key, or the pinned key (whose algorithm this then is)."),
		field.Int("access_token_validity").
			Default(defaultAccessTokenValidity).
			Range(60, 24*60*60).
			Comment("Seconds an access token is valid."),
		field.Int("id_token_validity").
			Default(defaultIDTokenValidity).
			Range(60, 24*60*60).
			Comment("Seconds an ID token is valid."),
		field.Int("refresh_token_validity").
			Default(defaultRefreshTokenValidity).
			Range(60, 366*24*60*60).
			Comment("Seconds a refresh token is valid (each refresh issues a new one)."),
		field.Enum("subject_mode").GoType(enum.SubjectMode("")).Annotations(gqlEnum("SubjectMode")).
			Default(string(enum.SubjectModeHashedUserID)),
		field.Bool("include_claims_in_id_token").
			Default(true).
			Comment("Put the granted scopes' claims in the ID token too, not only in userinfo.").
			Annotations(entgql.MapsTo("includeClaimsInIdToken")),
		field.Int("authorization_flow_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("invalidation_flow_id").
			Optional().
			Nillable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("signing_key_id").
			Optional().
			Nillable().
			Comment("The key pinned to sign the provider's tokens instead of the algorithm's current key; rotation neither retires nor deletes it.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Bool("device_authorization").
			Default(false).
			Comment("Let the client use the device authorization grant (RFC 8628): a device shows a code the user enters here."),
	}
}

// Edges implements ent.Schema.
func (OAuth2Provider) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("application", Application.Type).
			Unique().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.From("authorization_flow", Flow.Type).
			Ref("authorization_providers").
			Field("authorization_flow_id").
			Unique().
			Required(),
		edge.To("proxy_provider", ProxyProvider.Type).
			Unique().
			Comment("The proxy provider that manages this provider (its outpost's client), if any.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.From("invalidation_flow", Flow.Type).
			Ref("invalidation_providers").
			Field("invalidation_flow_id").
			Unique(),
		edge.From("signing_key", SigningKey.Type).
			Ref("pinned_by").
			Field("signing_key_id").
			Unique(),
	}
}

// Annotations implements ent.Schema.
func (OAuth2Provider) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField("oauth2Providers"),
		entgql.RelayConnection(),
	}
}

// Policy implements ent.Schema: see package rule.
func (OAuth2Provider) Policy() ent.Policy { return rule.AdminOnly() }

// Hooks implements ent.Schema.
func (OAuth2Provider) Hooks() []ent.Hook {
	return []ent.Hook{
		uniqueField[*gen.OAuth2ProviderMutation]("oauth2 provider", "name", func(ctx context.Context, c *gen.Client, v string, self int) (bool, error) {
			return c.OAuth2Provider.Query().Where(oauth2provider.Name(v), oauth2provider.IDNEQ(self)).Exist(ctx)
		}),
		uniqueField[*gen.OAuth2ProviderMutation]("oauth2 provider", "client_id", func(ctx context.Context, c *gen.Client, v string, self int) (bool, error) {
			return c.OAuth2Provider.Query().Where(oauth2provider.ClientID(v), oauth2provider.IDNEQ(self)).Exist(ctx)
		}),
	}
}
