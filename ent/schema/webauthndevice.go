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

// WebAuthnDevice is a user's WebAuthn credential (a passkey or a security
// key), saved by the authenticator_webauthn stage once its attestation
// verified (package mfa/webauthn). sign_count is advanced by
// compare-and-set at every login; an assertion whose counter does not grow
// (a cloned authenticator) is refused.
type WebAuthnDevice struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (WebAuthnDevice) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (WebAuthnDevice) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id").Immutable(),
		field.String("name").NotEmpty().MaxLen(100).Comment("The name the user knows the device by."),
		field.Bytes("credential_id").
			Immutable().
			Unique().
			NotEmpty().
			MaxLen(1023).
			Comment("The credential's ID (rawId), chosen by the authenticator."),
		field.Bytes("public_key").
			Immutable().
			NotEmpty().
			Comment("The credential's public key, COSE-encoded."),
		field.String("attestation_type").Immutable().Default("").
			Comment("The attestation type verified at registration (none, self, basic_full, …)."),
		field.String("attestation_format").Immutable().Default("").
			Comment("The attestation statement format (none, packed, fido-u2f, …)."),
		field.Bytes("aaguid").Immutable().Optional().
			Comment("The authenticator model's AAGUID (16 bytes; zero for attestation none)."),
		field.Int64("sign_count").Default(0).
			Comment("The last signature counter accepted; a later assertion must carry a greater one unless both are zero."),
		field.Strings("transports").Default([]string{}).
			Comment("How the client can reach the authenticator (usb, nfc, ble, internal, hybrid)."),
		field.String("attachment").Default("").
			Comment("platform or cross-platform, as the client reported at registration; empty if unknown."),
		field.Bool("backup_eligible").Immutable().Default(false).Comment("The BE flag: the credential can be synced (a passkey)."),
		field.Bool("backup_state").Default(false).Comment("The BS flag of the last ceremony: the credential is backed up."),
		field.Bool("user_verified").Default(false).Comment("Whether the registration verified the user (PIN, biometrics)."),
		field.Time("last_used_at").Optional().Nillable().Comment("When an assertion was last accepted."),
	}
}

// Edges implements ent.Schema.
func (WebAuthnDevice) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("webauthn_devices").Field("user_id").Unique().Required().Immutable(),
	}
}

// Indexes implements ent.Schema.
func (WebAuthnDevice) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id")}
}

// Annotations implements ent.Schema.
func (WebAuthnDevice) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Table("webauthn_devices"), entgql.Skip(entgql.SkipAll)}
}

// Policy implements ent.Schema: see package rule.
func (WebAuthnDevice) Policy() ent.Policy { return rule.WebAuthnDevicePolicy() }
