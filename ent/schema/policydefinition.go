package schema

import (
	"context"
	"encoding/json"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	gen "github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/policydefinition"
	"github.com/gatehouse-id/gatehouse/ent/schema/mixin"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// PolicyDefinition is a configured policy (ent reserves the name Policy, so
// Go and GraphQL both call it PolicyDefinition; the API lists them as
// `policies`): a check (an expression, a password rule, a
// reputation threshold) that bindings attach to flows, stage bindings and
// applications. Like Stage, its config belongs to its kind.
type PolicyDefinition struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (PolicyDefinition) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (PolicyDefinition) Fields() []ent.Field {
	return []ent.Field{
		nameField(),
		field.String("kind").
			Immutable().
			NotEmpty().
			MaxLen(64).
			Comment("Stable snake_case name of the policy's code (expression, password, …).").
			Annotations(entgql.OrderField("KIND")),
		field.JSON("config", json.RawMessage{}).
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Bool("execution_logging").
			Default(false).
			Comment("Record an audit event for every evaluation, not only failures."),
	}
}

// Edges implements ent.Schema.
func (PolicyDefinition) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("bindings", PolicyBinding.Type).
			Annotations(restrict(), ownedEdge()).
			Comment("Where the policy is bound."),
		edge.To("config_references", ConfigReference.Type).
			Annotations(cascade(), entgql.Skip(entgql.SkipAll)),
		edge.To("config_referrers", ConfigReference.Type).
			Annotations(restrict(), entgql.Skip(entgql.SkipAll)),
	}
}

// Annotations implements ent.Schema; inputs are hand-written, as for Stage.
func (PolicyDefinition) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Table("policies"),
		entgql.QueryField("policies"),
		entgql.RelayConnection(),
	}
}

// Policy implements ent.Schema: see package rule.
func (PolicyDefinition) Policy() ent.Policy { return rule.AdminOnly() }

// Hooks implements ent.Schema.
func (PolicyDefinition) Hooks() []ent.Hook {
	return []ent.Hook{
		refuseDeleteIfReferenced[*gen.PolicyDefinitionMutation]("policy", policyReferrers),
		uniqueField[*gen.PolicyDefinitionMutation]("policy", "name", func(ctx context.Context, c *gen.Client, v string, self int) (bool, error) {
			return c.PolicyDefinition.Query().Where(policydefinition.Name(v), policydefinition.IDNEQ(self)).Exist(ctx)
		}),
	}
}
