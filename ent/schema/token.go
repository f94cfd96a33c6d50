package schema

import (
	"context"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	gen "github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/schema/mixin"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
	"github.com/gatehouse-id/gatehouse/ent/token"
)

// Token is a secret that stands for its user for one intent: calling the
// API, recovering the account, verifying an address, or an app password.
// Only a hash of the secret is stored; the secret is shown once, at creation.
type Token struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (Token) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (Token) Fields() []ent.Field {
	return []ent.Field{
		field.String("identifier").
			Unique().
			MaxLen(200).
			Validate(validSlug).
			Comment("Names the token; unique, slug-formatted.").
			Annotations(entgql.OrderField("IDENTIFIER")),
		field.String("key_hash").
			Unique().
			Immutable().
			Sensitive().
			Comment("SHA-256 of the secret, hex-encoded.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("intent").GoType(enum.TokenIntent("")).Annotations(gqlEnum("TokenIntent")).
			Default(string(enum.TokenIntentAPI)).
			Immutable(),
		field.String("description").
			Default("").
			MaxLen(1000),
		field.Int("user_id").Immutable(),
		field.Bool("expiring").
			Default(true).
			Comment("When set, the token stops working at expires."),
		field.Time("expires").
			Optional().
			Nillable().
			Annotations(entgql.OrderField("EXPIRES")),
		field.Time("last_used_at").
			Optional().
			Nillable().
			Comment("When the token last authenticated a request (updated at most once a minute).").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Edges implements ent.Schema.
func (Token) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).
			Ref("tokens").
			Field("user_id").
			Unique().
			Required().
			Immutable(),
	}
}

// Indexes implements ent.Schema.
func (Token) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("expiring", "expires"),
	}
}

// Annotations implements ent.Schema. Tokens are created by the createToken
// mutation, which generates the secret; the generated update input is used.
func (Token) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationUpdate()),
	}
}

// Policy implements ent.Schema: see package rule.
func (Token) Policy() ent.Policy { return rule.TokenPolicy() }

// Hooks implements ent.Schema.
func (Token) Hooks() []ent.Hook {
	return []ent.Hook{
		uniqueField[*gen.TokenMutation]("token", "identifier", func(ctx context.Context, c *gen.Client, v string, self int) (bool, error) {
			return c.Token.Query().Where(token.Identifier(v), token.IDNEQ(self)).Exist(ctx)
		}),
		tokenExpiry(),
	}
}
