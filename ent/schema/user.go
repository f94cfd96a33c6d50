package schema

import (
	"context"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	gen "github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/schema/mixin"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
	"github.com/gatehouse-id/gatehouse/ent/user"
)

// User is a person or a service account that can authenticate.
type User struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (User) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("username").
			Unique().
			MaxLen(150).
			Validate(validUsername).
			Comment("Unique regardless of letter case.").
			Annotations(entgql.OrderField("USERNAME")),
		field.String("name").
			Default("").
			MaxLen(200).
			Annotations(entgql.OrderField("NAME")),
		field.String("email").
			Default("").
			MaxLen(254).
			Validate(validEmail).
			Comment("Empty (no address) or unique among users regardless of letter case and Unicode composition.").
			Annotations(entgql.OrderField("EMAIL")),
		field.String("email_key").
			Optional().
			Nillable().
			Unique().
			Comment("emailkey.Of(email), kept by a hook; NULL without an address, and for an account whose " +
				"address an older account already had when the user_email_key migration ran. " +
				"Unique, so an address identifies one account at most.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Bool("is_active").
			Default(true).
			Comment("Inactive users cannot log in; their sessions and tokens stop working."),
		field.Enum("type").GoType(enum.UserType("")).Annotations(gqlEnum("UserType")).
			Default(string(enum.UserTypeInternal)),
		field.String("password_hash").
			Default("").
			Sensitive().
			Comment("PHC-formatted argon2id hash; empty means no usable password.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("password_changed_at").
			Optional().
			Nillable().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Time("last_login").
			Optional().
			Nillable().
			Annotations(
				entgql.OrderField("LAST_LOGIN"),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
			),
		field.Bytes("webauthn_user_handle").
			Optional().
			Nillable().
			Unique().
			MaxLen(64).
			Comment("The user's WebAuthn user handle: 32 random bytes, set when the first passkey is registered " +
				"and never changed, so a passkey finds its account without the database ID (package mfa/webauthn).").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.JSON("attributes", map[string]any{}).
			Default(map[string]any{}).
			Comment("Free-form data for policies, prompts and claims.").
			Annotations(entgql.Type("Map")),
	}
}

// Edges implements ent.Schema.
func (User) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("groups", Group.Type).Ref("users"),
		edge.To("tokens", Token.Type).
			Annotations(cascade(), ownedEdge()),
		edge.To("flow_tokens", FlowToken.Type).
			Annotations(cascade(), entgql.Skip(entgql.SkipAll)),
		edge.To("consents", UserConsent.Type).
			Annotations(cascade(), entgql.Skip(entgql.SkipAll)),
		edge.To("totp_devices", TOTPDevice.Type).
			Annotations(cascade(), entgql.Skip(entgql.SkipAll)),
		edge.To("invitations_created", Invitation.Type).
			Annotations(entsql.OnDelete(entsql.SetNull), entgql.Skip(entgql.SkipAll)),
		edge.To("webauthn_devices", WebAuthnDevice.Type).
			Annotations(cascade(), entgql.Skip(entgql.SkipAll)),
		edge.To("static_devices", StaticDevice.Type).
			Annotations(cascade(), entgql.Skip(entgql.SkipAll)),
		edge.To("email_devices", EmailDevice.Type).
			Annotations(cascade(), entgql.Skip(entgql.SkipAll)),
		edge.To("sessions", Session.Type).
			Annotations(cascade(), entgql.Skip(entgql.SkipAll)),
		edge.To("policy_bindings", PolicyBinding.Type).
			Annotations(restrict(), ownedEdge()),
		edge.To("config_referrers", ConfigReference.Type).
			Annotations(restrict(), entgql.Skip(entgql.SkipAll)),
	}
}

// Annotations implements ent.Schema.
func (User) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Policy implements ent.Schema: see package rule.
func (User) Policy() ent.Policy { return rule.UserPolicy() }

// Hooks implements ent.Schema.
func (User) Hooks() []ent.Hook {
	return []ent.Hook{
		refuseDeleteIfReferenced[*gen.UserMutation]("user", userReferrers),
		// Usernames are unique regardless of case, so that case-insensitive
		// identification can never match two users.
		uniqueField[*gen.UserMutation]("user", "username", func(ctx context.Context, c *gen.Client, v string, self int) (bool, error) {
			return c.User.Query().Where(user.UsernameEqualFold(v), user.IDNEQ(self)).Exist(ctx)
		}),
		// Email addresses are unique by their normalised key.
		emailKey(),
	}
}
