package schema

import (
	"context"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	gen "github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/invitation"
	"github.com/gatehouse-id/gatehouse/ent/schema/mixin"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// Invitation lets someone sign up through one enrolment flow: the link
// carries a secret token, of which only a hash is stored (the token is
// shown once, when the invitation is created). The flow's invitation
// stage checks it and merges FixedData into the answers of the sign-up
// prompts; a single-use invitation is spent by that stage, by
// compare-and-set, so two sign-ups with one link cannot both pass.
type Invitation struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (Invitation) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (Invitation) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			Unique().
			MaxLen(200).
			Validate(validSlug).
			Comment("Names the invitation; unique, slug-formatted.").
			Annotations(entgql.OrderField("NAME")),
		field.String("key_hash").
			Unique().
			Immutable().
			Sensitive().
			Comment("SHA-256 of the token, hex-encoded.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("flow_id").
			Immutable().
			Comment("The enrolment flow the invitation signs up through."),
		field.Time("expires").
			Optional().
			Nillable().
			Comment("After this the invitation is refused; null: it does not expire.").
			Annotations(entgql.OrderField("EXPIRES")),
		field.JSON("fixed_data", map[string]any{}).
			Default(map[string]any{}).
			Comment("Merged into the sign-up's prompt answers (e.g. an email or a group's attributes); the invitee cannot change these.").
			Annotations(entgql.Type("Map")),
		field.Bool("single_use").
			Default(true).
			Comment("Spent by its first sign-up; otherwise usable until it expires or is deleted."),
		field.Int("uses").
			Default(0).
			Comment("Sign-ups that used the invitation.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Int("created_by_id").
			Optional().
			Nillable().
			Immutable().
			Comment("The administrator who created it.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Edges implements ent.Schema.
func (Invitation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("flow", Flow.Type).
			Ref("invitations").
			Field("flow_id").
			Unique().
			Required().
			Immutable(),
		edge.From("created_by", User.Type).
			Ref("invitations_created").
			Field("created_by_id").
			Unique().
			Immutable().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput)),
	}
}

// Indexes implements ent.Schema.
func (Invitation) Indexes() []ent.Index {
	return []ent.Index{index.Fields("expires")}
}

// Annotations implements ent.Schema. Invitations are created by the
// createInvitation mutation, which generates the token.
func (Invitation) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}

// Policy implements ent.Schema: see package rule.
func (Invitation) Policy() ent.Policy { return rule.AdminOnly() }

// Hooks implements ent.Schema.
func (Invitation) Hooks() []ent.Hook {
	return []ent.Hook{
		uniqueField[*gen.InvitationMutation]("invitation", "name", func(ctx context.Context, c *gen.Client, v string, self int) (bool, error) {
			return c.Invitation.Query().Where(invitation.Name(v), invitation.IDNEQ(self)).Exist(ctx)
		}),
	}
}
