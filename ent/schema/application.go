package schema

import (
	"context"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	gen "github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/application"
	"github.com/gatehouse-id/gatehouse/ent/hook"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/schema/mixin"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Application is something users log in to through Gatehouse: it has a
// place in the users' application list, policy bindings that decide who
// may use it, and at most one provider that speaks a protocol to it (an
// OAuth2/OpenID Connect client).
type Application struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (Application) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (Application) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			MaxLen(200).
			Validate(validName).
			Annotations(entgql.OrderField("NAME")),
		field.String("slug").
			Unique().
			MaxLen(200).
			Validate(validSlug).
			Comment("Names the application in URLs and blueprints; unique.").
			Annotations(entgql.OrderField("SLUG")),
		field.String("launch_url").
			Default("").
			MaxLen(2000).
			Validate(validOptionalWebURL).
			Comment("Where the user's application list sends the user; empty: the provider's first redirect URI's origin, or none.").
			Annotations(entgql.MapsTo("launchUrl")),
		field.String("description").
			Default("").
			MaxLen(1000),
		field.String("icon").
			Default("").
			MaxLen(2000).
			Validate(validAssetURL).
			Comment("An https URL or an absolute path of an image; empty: initials."),
		field.String("group").
			Default("").
			MaxLen(200).
			Comment("Applications of one group are listed together in the user's application list."),
		field.Enum("policy_engine_mode").GoType(enum.PolicyEngineMode("")).Annotations(gqlEnum("PolicyEngineMode")).
			Default(string(enum.PolicyEngineModeAny)).
			Comment("How the application's policy bindings combine into who may use it."),
		field.Int("provider_id").
			Optional().
			Nillable().
			Unique().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges implements ent.Schema.
func (Application) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("provider", OAuth2Provider.Type).
			Ref("application").
			Field("provider_id").
			Unique(),
		edge.To("policy_bindings", PolicyBinding.Type).
			Annotations(cascade(), ownedEdge()),
		edge.To("consents", UserConsent.Type).
			Annotations(cascade(), entgql.Skip(entgql.SkipAll)),
	}
}

// Annotations implements ent.Schema.
func (Application) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}

// Policy implements ent.Schema: see package rule.
func (Application) Policy() ent.Policy { return rule.AdminOnly() }

// Hooks implements ent.Schema.
func (Application) Hooks() []ent.Hook {
	return []ent.Hook{
		uniqueField[*gen.ApplicationMutation]("application", "slug", func(ctx context.Context, c *gen.Client, v string, self int) (bool, error) {
			return c.Application.Query().Where(application.Slug(v), application.IDNEQ(self)).Exist(ctx)
		}),
		providerOfOneApplication(),
	}
}

// providerOfOneApplication refuses to attach a provider that another
// application already has, naming that application (the unique index is
// the backstop).
func providerOfOneApplication() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ApplicationFunc(func(ctx context.Context, m *gen.ApplicationMutation) (gen.Value, error) {
			providerID, set := m.ProviderID()
			if !set {
				return next.Mutate(ctx, m)
			}
			self, _ := m.ID()
			other, err := m.Client().Application.Query().
				Where(application.ProviderID(providerID), application.IDNEQ(self)).
				Only(allowed(ctx))
			switch {
			case gen.IsNotFound(err):
				return next.Mutate(ctx, m)
			case err != nil:
				return nil, err
			}
			return nil, problem.Invalid("provider_id", "the provider belongs to application %q; a provider serves one application", other.Slug)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}
