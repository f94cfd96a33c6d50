package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// StaticToken is one recovery code of a StaticDevice. Only a keyed hash of
// the code is stored (HMAC-SHA256 under a key derived from the secret key,
// bound to the user), so a database dump reveals no code; used_at makes
// it single use, set by compare-and-set.
type StaticToken struct {
	ent.Schema
}

// Fields implements ent.Schema.
func (StaticToken) Fields() []ent.Field {
	return []ent.Field{
		field.Int("device_id").Immutable(),
		field.Bytes("code_hash").
			Immutable().
			Sensitive().
			Unique().
			Comment("HMAC-SHA256 of the user's ID and the code under a key derived from the secret key.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("used_at").Optional().Nillable().Comment("When the code was redeemed; a used code is refused."),
	}
}

// Edges implements ent.Schema.
func (StaticToken) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("device", StaticDevice.Type).Ref("tokens").Field("device_id").Unique().Required().Immutable(),
	}
}

// Indexes implements ent.Schema.
func (StaticToken) Indexes() []ent.Index {
	return []ent.Index{index.Fields("device_id")}
}

// Annotations implements ent.Schema.
func (StaticToken) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy implements ent.Schema: see package rule.
func (StaticToken) Policy() ent.Policy { return rule.AdminOnly() }
