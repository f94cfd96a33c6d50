package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// Counter backs package counter's SQL store (the embedded mode; production
// keeps counters in Redis): a named integer that expires, for reputation
// scores, failed-attempt throttling and cache generations.
type Counter struct {
	ent.Schema
}

// Fields implements ent.Schema.
func (Counter) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").Unique().Immutable(),
		field.Int64("value"),
		field.Time("expires_at").Optional().Nillable(),
	}
}

// Indexes implements ent.Schema.
func (Counter) Indexes() []ent.Index {
	return []ent.Index{index.Fields("expires_at")}
}

// Annotations implements ent.Schema: internal.
func (Counter) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy implements ent.Schema: only the system touches counters.
func (Counter) Policy() ent.Policy { return rule.AdminOnly() }
