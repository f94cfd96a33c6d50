package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gatehouse-id/gatehouse/ent/schema/mixin"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// EmailDevice is a user's second factor by mail: one-time codes sent to an
// address (package mfa/emailotp). The authenticator_email stage saves it
// unconfirmed with a code sent to the address, and confirms it when that
// code comes back, which proves the address; at login a new code is sent
// on request. At most one code is outstanding per device: only its keyed
// hash is stored, and using it clears it by compare-and-set, so of
// concurrent uses exactly one succeeds.
type EmailDevice struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (EmailDevice) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (EmailDevice) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id").Immutable(),
		field.String("name").NotEmpty().MaxLen(100).Comment("The name the user knows the device by."),
		field.String("email").Immutable().NotEmpty().MaxLen(254).Comment("The address codes are sent to."),
		field.Bool("confirmed").Default(false).Comment("Whether a code sent to the address has come back."),
		field.String("code_hash").
			Optional().
			Nillable().
			Sensitive().
			Comment("HMAC-SHA256 of the outstanding code under a key derived from the secret key; null when none is.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("code_expires_at").Optional().Nillable().Comment("When the outstanding code stops being accepted."),
		field.Time("last_used_at").Optional().Nillable().Comment("When a code was last accepted."),
	}
}

// Edges implements ent.Schema.
func (EmailDevice) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("email_devices").Field("user_id").Unique().Required().Immutable(),
	}
}

// Indexes implements ent.Schema.
func (EmailDevice) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id")}
}

// Annotations implements ent.Schema.
func (EmailDevice) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Table("email_devices"), entgql.Skip(entgql.SkipAll)}
}

// Policy implements ent.Schema: see package rule.
func (EmailDevice) Policy() ent.Policy { return rule.EmailDevicePolicy() }
