package schema

import (
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/gatehouse-id/gatehouse/ent/schema/mixin"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// PolicyBinding attaches exactly one subject (a policy, a user or a group)
// to exactly one target (a flow, a flow's stage binding, an application or a
// notification rule). A target with no
// bindings passes; otherwise its bindings combine by the target's
// policy_engine_mode.
type PolicyBinding struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (PolicyBinding) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (PolicyBinding) Fields() []ent.Field {
	return []ent.Field{
		field.Int("policy_id").Optional().Nillable(),
		field.Int("user_id").Optional().Nillable(),
		field.Int("group_id").Optional().Nillable(),
		field.Int("flow_id").Optional().Nillable().Immutable(),
		field.Int("flow_stage_binding_id").Optional().Nillable().Immutable(),
		field.Int("application_id").Optional().Nillable().Immutable().
			Comment("Decides who may use the application."),
		field.Int("notification_rule_id").Optional().Nillable().Immutable().
			Comment("Decides which events the notification rule matches."),
		field.Bool("enabled").
			Default(true).
			Comment("Disabled bindings are ignored, as if absent."),
		field.Bool("negate").
			Default(false).
			Comment("Invert the result (pass becomes fail); messages are kept."),
		field.Int("order").
			Default(0).
			Annotations(entgql.OrderField("ORDER")),
		field.Int("timeout").
			Default(30).
			Range(1, 600).
			Comment("Seconds the policy may run before it counts as failure_result."),
		field.Bool("failure_result").
			Default(false).
			Comment("The result when the policy fails to evaluate (error or timeout)."),
	}
}

// Edges implements ent.Schema.
func (PolicyBinding) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("policy", PolicyDefinition.Type).Ref("bindings").Field("policy_id").Unique(),
		edge.From("user", User.Type).Ref("policy_bindings").Field("user_id").Unique(),
		edge.From("group", Group.Type).Ref("policy_bindings").Field("group_id").Unique(),
		edge.From("flow", Flow.Type).Ref("policy_bindings").Field("flow_id").Unique().Immutable(),
		edge.From("flow_stage_binding", FlowStageBinding.Type).
			Ref("policy_bindings").
			Field("flow_stage_binding_id").
			Unique().
			Immutable(),
		edge.From("application", Application.Type).
			Ref("policy_bindings").
			Field("application_id").
			Unique().
			Immutable(),
		edge.From("notification_rule", NotificationRule.Type).
			Ref("policy_bindings").
			Field("notification_rule_id").
			Unique().
			Immutable(),
	}
}

// oneOf is a portable SQL expression that is true when exactly one of cols is set.
func oneOf(cols ...string) string {
	terms := make([]string, len(cols))
	for i, c := range cols {
		terms[i] = "(CASE WHEN " + c + " IS NULL THEN 0 ELSE 1 END)"
	}
	return "(" + strings.Join(terms, " + ") + ") = 1"
}

// Annotations implements ent.Schema.
func (PolicyBinding) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entsql.Checks(map[string]string{
			"policy_binding_one_subject": oneOf("policy_id", "user_id", "group_id"),
			"policy_binding_one_target":  oneOf("flow_id", "flow_stage_binding_id", "application_id", "notification_rule_id"),
		}),
	}
}

// Policy implements ent.Schema: see package rule.
func (PolicyBinding) Policy() ent.Policy { return rule.AdminOnly() }

// Hooks implements ent.Schema.
func (PolicyBinding) Hooks() []ent.Hook {
	return []ent.Hook{
		policyBindingShape(),
	}
}
