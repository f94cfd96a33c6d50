package schema

import (
	"context"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	gen "github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/group"
	"github.com/gatehouse-id/gatehouse/ent/schema/mixin"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// Group gathers users. Groups nest: a member of a group is also a member of
// its parents, for superuser rights and for policy bindings.
type Group struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (Group) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (Group) Fields() []ent.Field {
	return []ent.Field{
		nameField(),
		field.Bool("is_superuser").
			Default(false).
			Comment("Members (and members of child groups) may do everything."),
		field.JSON("attributes", map[string]any{}).
			Default(map[string]any{}).
			Annotations(entgql.Type("Map")),
	}
}

// Edges implements ent.Schema.
func (Group) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("users", User.Type).
			Annotations(entgql.RelayConnection()),
		edge.To("children", Group.Type).
			From("parents"),
		edge.To("policy_bindings", PolicyBinding.Type).
			Annotations(restrict(), ownedEdge()),
		edge.To("config_referrers", ConfigReference.Type).
			Annotations(restrict(), entgql.Skip(entgql.SkipAll)),
	}
}

// Annotations implements ent.Schema.
func (Group) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Policy implements ent.Schema: see package rule.
func (Group) Policy() ent.Policy { return rule.GroupPolicy() }

// Hooks implements ent.Schema.
func (Group) Hooks() []ent.Hook {
	return []ent.Hook{
		refuseDeleteIfReferenced[*gen.GroupMutation]("group", groupReferrers),
		uniqueField[*gen.GroupMutation]("group", "name", func(ctx context.Context, c *gen.Client, v string, self int) (bool, error) {
			return c.Group.Query().Where(group.Name(v), group.IDNEQ(self)).Exist(ctx)
		}),
		groupHierarchy(),
	}
}
