package schema

import (
	"context"
	"encoding/json"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	gen "github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/mixin"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
	"github.com/gatehouse-id/gatehouse/ent/stage"
)

// Stage is one configured step that flows bind: an identification screen, a
// password check, a consent page. Its kind names the code that runs it; its
// config is that kind's own Go struct, stored as JSON and validated on write
// by the kind (see package integrity).
type Stage struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (Stage) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (Stage) Fields() []ent.Field {
	return []ent.Field{
		nameField(),
		field.String("kind").
			Immutable().
			NotEmpty().
			MaxLen(64).
			Comment("Stable snake_case name of the stage's code (identification, password, …).").
			Annotations(entgql.OrderField("KIND")),
		field.JSON("config", json.RawMessage{}).
			Comment("The kind's configuration as JSON; read it through the kind, never directly.").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges implements ent.Schema.
func (Stage) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("bindings", FlowStageBinding.Type).
			Annotations(restrict(), ownedEdge()).
			Comment("Where flows use this stage."),
		edge.To("config_references", ConfigReference.Type).
			Annotations(cascade(), entgql.Skip(entgql.SkipAll)),
		edge.To("config_referrers", ConfigReference.Type).
			Annotations(restrict(), entgql.Skip(entgql.SkipAll)),
	}
}

// Annotations implements ent.Schema. Create and update inputs are written by
// hand in graph/schema/stage.graphqls, where the config is a typed @oneOf.
func (Stage) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}

// Policy implements ent.Schema: see package rule.
func (Stage) Policy() ent.Policy { return rule.AdminOnly() }

// Hooks implements ent.Schema.
func (Stage) Hooks() []ent.Hook {
	return []ent.Hook{
		refuseDeleteIfReferenced[*gen.StageMutation]("stage", stageReferrers),
		uniqueField[*gen.StageMutation]("stage", "name", func(ctx context.Context, c *gen.Client, v string, self int) (bool, error) {
			return c.Stage.Query().Where(stage.Name(v), stage.IDNEQ(self)).Exist(ctx)
		}),
	}
}
