package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/schema/mixin"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// SigningKey is a key the OpenID Connect provider signs tokens with. The
// private part is encrypted with a key derived from the server's secret
// key (package oidc/keys); the public part is published in the JWKS until
// every token the key signed has expired. Keys are created on first start
// and rotated by a background job; a provider may pin one (it then signs
// that provider's tokens, and rotation neither retires nor deletes it).
type SigningKey struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (SigningKey) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (SigningKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("kid").
			Unique().
			Immutable().
			NotEmpty().
			MaxLen(100).
			Comment("The key ID tokens name in their header."),
		field.Enum("algorithm").GoType(enum.SigningAlgorithm("")).Annotations(gqlEnum("SigningAlgorithm")).
			Immutable(),
		field.Text("public_key").
			Immutable().
			Comment("The public key, PEM-encoded (PKIX)."),
		field.Bytes("private_key").
			Immutable().
			Sensitive().
			Comment("The private key (PKCS #8), sealed with AES-256-GCM under a key derived from the secret key.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("retired_at").
			Optional().
			Nillable().
			Comment("When a newer key replaced this one for signing; it is still published until its tokens expire."),
		field.Time("unpinned_at").
			Optional().
			Nillable().
			Comment("When a provider last stopped pinning this key: a pinned key signs until then, so its retention runs from the later of this and retiredAt."),
	}
}

// Edges implements ent.Schema.
func (SigningKey) Edges() []ent.Edge {
	return []ent.Edge{
		// Rotation never deletes a pinned key; the constraint is the
		// backstop should a pin and a deletion race.
		edge.To("pinned_by", OAuth2Provider.Type).
			Annotations(restrict(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)).
			Comment("The providers that pin this key."),
	}
}

// Indexes implements ent.Schema.
func (SigningKey) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("algorithm", "retired_at"),
	}
}

// Annotations implements ent.Schema.
func (SigningKey) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}

// Policy implements ent.Schema: see package rule.
func (SigningKey) Policy() ent.Policy { return rule.AdminOnly() }
