package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// ConfigReference records that a stage's or policy's config points at
// another object (an identification stage's password stage, a prompt's
// validation policy). Package integrity rewrites an owner's references on
// every write of its config; the RESTRICT foreign keys on the targets make
// the database itself refuse to delete a referenced object.
type ConfigReference struct {
	ent.Schema
}

// Fields implements ent.Schema.
func (ConfigReference) Fields() []ent.Field {
	return []ent.Field{
		field.String("field").
			NotEmpty().
			Comment("JSON name of the config field holding the reference."),
		field.Int("owner_stage_id").Optional().Nillable(),
		field.Int("owner_policy_id").Optional().Nillable(),
		field.Int("target_flow_id").Optional().Nillable(),
		field.Int("target_stage_id").Optional().Nillable(),
		field.Int("target_policy_id").Optional().Nillable(),
		field.Int("target_group_id").Optional().Nillable(),
		field.Int("target_user_id").Optional().Nillable(),
	}
}

// Edges implements ent.Schema.
func (ConfigReference) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("owner_stage", Stage.Type).Ref("config_references").Field("owner_stage_id").Unique(),
		edge.From("owner_policy", PolicyDefinition.Type).Ref("config_references").Field("owner_policy_id").Unique(),
		edge.From("target_flow", Flow.Type).Ref("config_referrers").Field("target_flow_id").Unique(),
		edge.From("target_stage", Stage.Type).Ref("config_referrers").Field("target_stage_id").Unique(),
		edge.From("target_policy", PolicyDefinition.Type).Ref("config_referrers").Field("target_policy_id").Unique(),
		edge.From("target_group", Group.Type).Ref("config_referrers").Field("target_group_id").Unique(),
		edge.From("target_user", User.Type).Ref("config_referrers").Field("target_user_id").Unique(),
	}
}

// Annotations implements ent.Schema: internal bookkeeping, not in the API.
func (ConfigReference) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy implements ent.Schema: see package rule.
func (ConfigReference) Policy() ent.Policy { return rule.AdminOnly() }
