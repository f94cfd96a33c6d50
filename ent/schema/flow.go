package schema

import (
	"context"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	gen "github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/flow"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/schema/mixin"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// Flow is an ordered list of stages that a person (or a headless client)
// walks through: log in, enrol, recover, authorize an application, log out,
// configure an authenticator.
type Flow struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (Flow) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (Flow) Fields() []ent.Field {
	return []ent.Field{
		field.String("slug").
			Unique().
			MaxLen(100).
			Validate(validSlug).
			Comment("Identifies the flow in URLs: lower-case letters, digits, - and _.").
			Annotations(entgql.OrderField("SLUG")),
		field.String("name").
			MaxLen(200).
			Validate(validName).
			Annotations(entgql.OrderField("NAME")),
		field.String("title").
			MaxLen(200).
			Validate(validName).
			Comment("Shown as the heading of every challenge of the flow."),
		field.Enum("designation").GoType(enum.FlowDesignation("")).Annotations(gqlEnum("FlowDesignation")).
			Comment("What the flow is for."),
		field.Enum("layout").GoType(enum.FlowLayout("")).Annotations(gqlEnum("FlowLayout")).
			Default(string(enum.FlowLayoutStacked)),
		field.String("background").
			Default("").
			MaxLen(2000).
			Validate(validAssetURL).
			Comment("Background image: an absolute path on this server or an https URL; empty uses the brand's."),
		field.Bool("compatibility_mode").
			Default(false).
			Comment("Render inputs so that mobile password managers can see them."),
		field.Enum("denied_action").GoType(enum.DeniedAction("")).Annotations(gqlEnum("DeniedAction")).
			Default(string(enum.DeniedActionMessageContinue)),
		field.Enum("authentication").GoType(enum.AuthenticationRequirement("")).Annotations(gqlEnum("AuthenticationRequirement")).
			Default(string(enum.AuthenticationNone)).
			Comment("What the request must be (anonymous, logged in, superuser, …) before the flow starts."),
		field.Enum("policy_engine_mode").GoType(enum.PolicyEngineMode("")).Annotations(gqlEnum("PolicyEngineMode")).
			Default(string(enum.PolicyEngineModeAny)).
			Comment("How the flow's own policy bindings combine."),
	}
}

// Edges implements ent.Schema.
func (Flow) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("bindings", FlowStageBinding.Type).
			Annotations(cascade(), ownedEdge()).
			Comment("The flow's stages, in order."),
		edge.To("policy_bindings", PolicyBinding.Type).
			Annotations(cascade(), ownedEdge()).
			Comment("Policies, users and groups that decide who may run the flow."),
		edge.To("invitations", Invitation.Type).Annotations(cascade(), entgql.Skip(entgql.SkipAll)),
		edge.To("flow_tokens", FlowToken.Type).
			Annotations(cascade(), entgql.Skip(entgql.SkipAll)),
		edge.To("config_referrers", ConfigReference.Type).
			Annotations(restrict(), entgql.Skip(entgql.SkipAll)),
		edge.To("authentication_brands", Brand.Type).Annotations(restrict(), entgql.Skip(entgql.SkipAll)),
		edge.To("invalidation_brands", Brand.Type).Annotations(restrict(), entgql.Skip(entgql.SkipAll)),
		edge.To("recovery_brands", Brand.Type).Annotations(restrict(), entgql.Skip(entgql.SkipAll)),
		edge.To("unenrollment_brands", Brand.Type).Annotations(restrict(), entgql.Skip(entgql.SkipAll)),
		edge.To("user_settings_brands", Brand.Type).Annotations(restrict(), entgql.Skip(entgql.SkipAll)),
		edge.To("device_code_brands", Brand.Type).Annotations(restrict(), entgql.Skip(entgql.SkipAll)),
		edge.To("authorization_providers", OAuth2Provider.Type).Annotations(restrict(), entgql.Skip(entgql.SkipAll)),
		edge.To("invalidation_providers", OAuth2Provider.Type).Annotations(restrict(), entgql.Skip(entgql.SkipAll)),
	}
}

// Annotations implements ent.Schema.
func (Flow) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Policy implements ent.Schema: see package rule.
func (Flow) Policy() ent.Policy { return rule.AdminOnly() }

// Hooks implements ent.Schema.
func (Flow) Hooks() []ent.Hook {
	return []ent.Hook{
		refuseDeleteIfReferenced[*gen.FlowMutation]("flow", flowReferrers),
		uniqueField[*gen.FlowMutation]("flow", "slug", func(ctx context.Context, c *gen.Client, v string, self int) (bool, error) {
			return c.Flow.Query().Where(flow.Slug(v), flow.IDNEQ(self)).Exist(ctx)
		}),
	}
}
