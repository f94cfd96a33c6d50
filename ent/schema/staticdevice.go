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

// StaticDevice is a user's set of recovery codes (static one-time codes),
// saved by the authenticator_static stage. A user has at most one: issuing
// new codes replaces the device and every code of it (package
// mfa/recovery).
type StaticDevice struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (StaticDevice) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (StaticDevice) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id").Immutable(),
		field.String("name").NotEmpty().MaxLen(100).Comment("The name the user knows the codes by."),
		field.Time("last_used_at").Optional().Nillable().Comment("When a code was last redeemed."),
	}
}

// Edges implements ent.Schema.
func (StaticDevice) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("static_devices").Field("user_id").Unique().Required().Immutable(),
		edge.To("tokens", StaticToken.Type).
			Annotations(cascade(), entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes implements ent.Schema: one set of codes per user.
func (StaticDevice) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id").Unique()}
}

// Annotations implements ent.Schema.
func (StaticDevice) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy implements ent.Schema: see package rule.
func (StaticDevice) Policy() ent.Policy { return rule.StaticDevicePolicy() }
