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

// FlowStageBinding places a stage in a flow at an order, with the policies
// that decide whether it runs for a given user and request.
type FlowStageBinding struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (FlowStageBinding) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (FlowStageBinding) Fields() []ent.Field {
	return []ent.Field{
		field.Int("flow_id").Immutable(),
		field.Int("stage_id"),
		field.Int("order").
			Comment("Stages run in ascending order.").
			Annotations(entgql.OrderField("ORDER")),
		field.Bool("evaluate_on_plan").
			Default(false).
			Comment("Evaluate the binding's policies when the plan is built; a failing stage is left out."),
		field.Bool("re_evaluate_policies").
			Default(true).
			Comment("Evaluate the binding's policies again just before the stage is shown; a failing stage is skipped."),
		field.Enum("invalid_response_action").GoType(enum.InvalidResponseAction("")).Annotations(gqlEnum("InvalidResponseAction")).
			Default(string(enum.InvalidResponseActionRetry)),
		field.Enum("policy_engine_mode").GoType(enum.PolicyEngineMode("")).Annotations(gqlEnum("PolicyEngineMode")).
			Default(string(enum.PolicyEngineModeAny)),
	}
}

// Edges implements ent.Schema.
func (FlowStageBinding) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("flow", Flow.Type).
			Ref("bindings").
			Field("flow_id").
			Unique().
			Required().
			Immutable(),
		edge.From("stage", Stage.Type).
			Ref("bindings").
			Field("stage_id").
			Unique().
			Required(),
		edge.To("policy_bindings", PolicyBinding.Type).
			Annotations(cascade(), ownedEdge()),
	}
}

// Indexes implements ent.Schema.
func (FlowStageBinding) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("flow_id", "stage_id", "order").Unique(),
		index.Fields("flow_id", "order"),
	}
}

// Annotations implements ent.Schema.
func (FlowStageBinding) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Policy implements ent.Schema: see package rule.
func (FlowStageBinding) Policy() ent.Policy { return rule.AdminOnly() }
