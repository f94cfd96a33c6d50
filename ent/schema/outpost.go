package schema

import (
	"context"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	gen "github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/outpost"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/schema/mixin"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// Outpost is a process that serves proxy providers: the embedded one
// inside every Gatehouse server (exactly one row, created at start-up),
// or a standalone `gatehouse outpost`. It authenticates to the core's API
// with its token, of which only a hash is stored.
type Outpost struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (Outpost) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (Outpost) Fields() []ent.Field {
	return []ent.Field{
		nameField(),
		field.Enum("type").GoType(enum.OutpostType("")).Annotations(gqlEnum("OutpostType")).
			Default(string(enum.OutpostTypeProxy)),
		field.Bool("embedded").
			Default(false).
			Immutable().
			Comment("The outpost inside the Gatehouse servers: it serves every proxy provider no other outpost serves."),
		field.String("token_hash").
			Unique().
			NotEmpty().
			Sensitive().
			Comment("SHA-256 of the outpost's token, hex-encoded.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("last_seen_at").
			Optional().
			Nillable().
			Comment("When the outpost last used the API (recorded at most once a minute)."),
	}
}

// Edges implements ent.Schema.
func (Outpost) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("providers", ProxyProvider.Type).
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Annotations implements ent.Schema.
func (Outpost) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField("outposts"),
		entgql.RelayConnection(),
	}
}

// Policy implements ent.Schema: see package rule.
func (Outpost) Policy() ent.Policy { return rule.AdminOnly() }

// Hooks implements ent.Schema.
func (Outpost) Hooks() []ent.Hook {
	return []ent.Hook{
		uniqueField[*gen.OutpostMutation]("outpost", "name", func(ctx context.Context, c *gen.Client, v string, self int) (bool, error) {
			return c.Outpost.Query().Where(outpost.Name(v), outpost.IDNEQ(self)).Exist(ctx)
		}),
	}
}
