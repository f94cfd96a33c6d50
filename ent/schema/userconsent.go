package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gatehouse-id/gatehouse/ent/schema/mixin"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// UserConsent remembers that a user let an application have some scopes
// (a consent stage in permanent or expiring mode): a later request for
// those scopes asks nothing, one for more asks only for the new ones.
type UserConsent struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (UserConsent) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (UserConsent) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id").Immutable(),
		field.Int("application_id").Immutable(),
		field.Strings("scopes").Comment("The scopes consented to."),
		field.Time("expires_at").Optional().Nillable().Comment("When the consent lapses; null: never (permanent)."),
	}
}

// Edges implements ent.Schema.
func (UserConsent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("consents").Field("user_id").Unique().Required().Immutable(),
		edge.From("application", Application.Type).Ref("consents").Field("application_id").Unique().Required().Immutable(),
	}
}

// Indexes implements ent.Schema.
func (UserConsent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id", "application_id").Unique()}
}

// Annotations implements ent.Schema.
func (UserConsent) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy implements ent.Schema: see package rule.
func (UserConsent) Policy() ent.Policy { return rule.AdminOnly() }
