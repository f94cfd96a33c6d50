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

// TOTPDevice is a user's authenticator app (RFC 6238 time-based one-time
// passwords), saved by the authenticator_totp stage once a code verified.
// The secret is sealed with a key derived from the server's secret key
// (package mfa/totp); last_step makes every accepted code single use.
type TOTPDevice struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (TOTPDevice) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (TOTPDevice) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id").Immutable(),
		field.String("name").NotEmpty().MaxLen(100).Comment("The name the user knows the device by."),
		field.Int("digits").Immutable().Default(6).Comment("Digits of a code: 6 or 8."),
		field.Int("period").Immutable().Default(30).Comment("Seconds per time step."),
		field.Bytes("secret").
			Immutable().
			Sensitive().
			Comment("The shared secret, sealed with AES-256-GCM under a key derived from the secret key.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Bool("confirmed").Default(false).Comment("Whether a code from the device has verified."),
		field.Time("last_used_at").Optional().Nillable().Comment("When a code was last accepted."),
		field.Int64("last_step").Default(0).Comment("The last accepted time step (Unix time / period): it and every earlier step are refused."),
	}
}

// Edges implements ent.Schema.
func (TOTPDevice) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("totp_devices").Field("user_id").Unique().Required().Immutable(),
	}
}

// Indexes implements ent.Schema.
func (TOTPDevice) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id")}
}

// Annotations implements ent.Schema.
func (TOTPDevice) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy implements ent.Schema: see package rule.
func (TOTPDevice) Policy() ent.Policy { return rule.TOTPDevicePolicy() }
