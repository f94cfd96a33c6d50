package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// OAuth2AuthRequest is an OAuth2 authorization request in flight: created
// when a client sends the user to /authorize, completed when the user has
// logged in and the authorization flow passed, turned into a code, and
// redeemed once at the token endpoint. The code is stored hashed. A row
// outlives its redemption as long as the tokens it issued (it is their
// family: a replayed code revokes them all). A device authorization is
// the same row without a redirect URI: its user code is entered in a
// browser, its device code redeemed by polling.
type OAuth2AuthRequest struct {
	ent.Schema
}

// Fields implements ent.Schema.
func (OAuth2AuthRequest) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").Unique().Immutable().NotEmpty().MaxLen(64),
		field.Time("created_at").Immutable(),
		field.Time("expires_at").Comment("When an unredeemed request or code stops working."),
		field.Int("provider_id").Immutable(),
		field.String("client_id").Immutable(),
		field.String("redirect_uri").Immutable(),
		field.Strings("scopes").Immutable(),
		field.String("state").Immutable().Default(""),
		field.String("nonce").Immutable().Default(""),
		field.String("response_type").Immutable(),
		field.String("response_mode").Immutable().Default(""),
		field.String("code_challenge").Immutable().Default(""),
		field.String("code_challenge_method").Immutable().Default(""),
		field.Strings("prompt").Immutable().Optional(),
		field.Int("max_age").Optional().Nillable().Immutable().Comment("Seconds; the login must be this recent."),
		field.String("login_hint").Immutable().Default(""),
		field.Int("user_id").Optional().Nillable().Comment("Set when the request is authorized."),
		field.Time("auth_time").Optional().Nillable(),
		field.Strings("amr").Optional(),
		field.Strings("granted_scopes").Optional(),
		field.String("session_key").Optional().Sensitive().Comment("The Gatehouse session that authorized it (its key, not its secret)."),
		field.Time("authorized_at").Optional().Nillable(),
		field.Time("denied_at").Optional().Nillable().Comment("When the authorization flow refused it (the client is answered access_denied)."),
		field.String("code_hash").Optional().Nillable().Unique().Sensitive(),
		field.Time("redeemed_at").Optional().Nillable(),
		field.Time("replayed_at").Optional().Nillable().Comment("When its code was presented again: every token it issued is revoked."),
		// Device authorization (RFC 8628): the device polls with its device
		// code; the user enters the user code in a browser.
		field.String("device_code_hash").Optional().Nillable().Unique().Immutable().Sensitive().
			Comment("SHA-256 of a device authorization's device code; nil for a browser's request."),
		field.String("user_code_hash").Optional().Nillable().Unique().Immutable().Sensitive().
			Comment("SHA-256 of a device authorization's user code (normalised)."),
		field.Int("device_user_id").Optional().Nillable().
			Comment("The user who entered the user code: only they may authorize the device."),
		field.Time("polled_at").Optional().Nillable().Comment("When the device last polled the token endpoint."),
	}
}

// Indexes implements ent.Schema.
func (OAuth2AuthRequest) Indexes() []ent.Index {
	return []ent.Index{index.Fields("expires_at")}
}

// Annotations implements ent.Schema.
func (OAuth2AuthRequest) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy implements ent.Schema: see package rule.
func (OAuth2AuthRequest) Policy() ent.Policy { return rule.AdminOnly() }
