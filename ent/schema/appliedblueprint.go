package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// AppliedBlueprint records that a blueprint shipped with the binary was
// applied, so it is applied once: an administrator who edits or deletes a
// default flow does not see it come back on the next start.
type AppliedBlueprint struct {
	ent.Schema
}

// Fields implements ent.Schema.
func (AppliedBlueprint) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Unique().Immutable().NotEmpty().MaxLen(200).
			Comment("The blueprint's file name, e.g. default/authentication.yaml."),
		field.String("digest").Immutable().
			Comment("SHA-256 of the document as applied (hex)."),
		field.Time("applied_at").Immutable().Default(time.Now),
	}
}

// Annotations implements ent.Schema: internal to package blueprints.
func (AppliedBlueprint) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy implements ent.Schema: only the system applies blueprints.
func (AppliedBlueprint) Policy() ent.Policy { return rule.AdminOnly() }
