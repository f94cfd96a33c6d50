package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// OAuth2Token is an access token or a refresh token the OpenID Connect
// provider issued. Access tokens are identified by the random ID sealed
// inside them; refresh tokens by the SHA-256 of the token (never stored).
// Every token is checked here on every use, so revocation takes effect at
// once and survives any cache.
type OAuth2Token struct {
	ent.Schema
}

// Fields implements ent.Schema.
func (OAuth2Token) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").Unique().Immutable().NotEmpty().MaxLen(64),
		field.Enum("kind").Values("access", "refresh").Immutable(),
		field.String("family").Immutable().Comment("The authorization the token descends from (the auth request ID): revoked together."),
		field.Int("provider_id").Immutable(),
		field.String("client_id").Immutable(),
		field.Int("user_id").Optional().Nillable().Immutable(),
		field.Strings("scopes").Immutable(),
		field.Time("auth_time").Optional().Nillable().Immutable(),
		field.Strings("amr").Optional().Immutable(),
		field.Time("created_at").Immutable(),
		field.Time("expires_at").Immutable(),
		field.Time("rotated_at").Optional().Nillable().Comment("A refresh token used once: presenting it again revokes its family."),
		field.Time("revoked_at").Optional().Nillable(),
	}
}

// Indexes implements ent.Schema.
func (OAuth2Token) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("family"),
		index.Fields("user_id"),
		index.Fields("expires_at"),
	}
}

// Annotations implements ent.Schema.
func (OAuth2Token) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy implements ent.Schema: see package rule.
func (OAuth2Token) Policy() ent.Policy { return rule.AdminOnly() }
