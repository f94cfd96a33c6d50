package schema

import (
	"context"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	gen "github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/brand"
	"github.com/gatehouse-id/gatehouse/ent/schema/mixin"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// Brand is what Gatehouse looks like, and which flows it runs, on one domain.
// Requests match the brand whose domain is the longest suffix of their host;
// the default brand serves the rest.
type Brand struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (Brand) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (Brand) Fields() []ent.Field {
	return []ent.Field{
		field.String("domain").
			Unique().
			MaxLen(253).
			Validate(validHostname).
			Comment("Host name (lower case) this brand serves, e.g. login.example.com.").
			Annotations(entgql.OrderField("DOMAIN")),
		field.Bool("is_default").
			Default(false).
			Comment("Serves requests that match no other brand; at most one brand is the default."),
		field.String("branding_title").
			Default("Gatehouse").
			MaxLen(200),
		field.String("branding_logo").
			Default("").
			MaxLen(2000).
			Validate(validAssetURL),
		field.String("branding_favicon").
			Default("").
			MaxLen(2000).
			Validate(validAssetURL),
		field.JSON("attributes", map[string]any{}).
			Default(map[string]any{}).
			Annotations(entgql.Type("Map")),
		field.Int("flow_authentication_id").Optional().Nillable(),
		field.Int("flow_invalidation_id").Optional().Nillable(),
		field.Int("flow_recovery_id").Optional().Nillable(),
		field.Int("flow_unenrollment_id").Optional().Nillable(),
		field.Int("flow_user_settings_id").Optional().Nillable(),
		field.Int("flow_device_code_id").Optional().Nillable(),
	}
}

// Edges implements ent.Schema. Each names the flow that runs for one purpose
// on this brand; a flow a brand uses cannot be deleted.
func (Brand) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("flow_authentication", Flow.Type).Ref("authentication_brands").Field("flow_authentication_id").Unique(),
		edge.From("flow_invalidation", Flow.Type).Ref("invalidation_brands").Field("flow_invalidation_id").Unique(),
		edge.From("flow_recovery", Flow.Type).Ref("recovery_brands").Field("flow_recovery_id").Unique(),
		edge.From("flow_unenrollment", Flow.Type).Ref("unenrollment_brands").Field("flow_unenrollment_id").Unique(),
		edge.From("flow_user_settings", Flow.Type).Ref("user_settings_brands").Field("flow_user_settings_id").Unique(),
		edge.From("flow_device_code", Flow.Type).Ref("device_code_brands").Field("flow_device_code_id").Unique(),
	}
}

// Indexes implements ent.Schema.
func (Brand) Indexes() []ent.Index {
	return []ent.Index{
		// At most one default brand.
		index.Fields("is_default").
			Unique().
			Annotations(entsql.IndexWhere("is_default")),
	}
}

// Annotations implements ent.Schema.
func (Brand) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Policy implements ent.Schema: see package rule.
func (Brand) Policy() ent.Policy { return rule.AdminOnly() }

// Hooks implements ent.Schema.
func (Brand) Hooks() []ent.Hook {
	return []ent.Hook{
		uniqueField[*gen.BrandMutation]("brand", "domain", func(ctx context.Context, c *gen.Client, v string, self int) (bool, error) {
			return c.Brand.Query().Where(brand.Domain(v), brand.IDNEQ(self)).Exist(ctx)
		}),
	}
}
