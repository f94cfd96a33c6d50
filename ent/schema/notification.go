package schema

import (
	"context"
	"crypto/rand"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	gen "github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/hook"
	"github.com/gatehouse-id/gatehouse/ent/notificationrule"
	"github.com/gatehouse-id/gatehouse/ent/notificationtransport"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/schema/mixin"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
	"github.com/gatehouse-id/gatehouse/problem"
)

// NotificationTransport is how a notification rule's notifications leave
// Gatehouse: a signed webhook, mail to the rule's destination group, or
// notifications stored for that group's members (package notify).
type NotificationTransport struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (NotificationTransport) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// skipOutput hides a field from the GraphQL type (and its filters) but
// keeps it in the generated create and update inputs: write-only secrets
// and settings.
func skipOutput() schema.Annotation {
	return entgql.Skip(entgql.SkipType | entgql.SkipWhereInput | entgql.SkipOrderField)
}

// skipInput shows a field but keeps it out of the generated mutation
// inputs: state Gatehouse maintains.
func skipInput() schema.Annotation {
	return entgql.Skip(entgql.SkipMutationCreateInput | entgql.SkipMutationUpdateInput)
}

// Fields implements ent.Schema.
func (NotificationTransport) Fields() []ent.Field {
	return []ent.Field{
		nameField(),
		field.Enum("mode").GoType(enum.NotificationTransportMode("")).Annotations(gqlEnum("NotificationTransportMode")),
		field.String("webhook_url").
			Default("").
			MaxLen(2000).
			Validate(validOptionalWebURL).
			Comment("Where a WEBHOOK transport POSTs (http or https); required in that mode.").
			Annotations(entgql.MapsTo("webhookUrl"), entgql.Skip(entgql.SkipWhereInput)), // the where input would spell it webhookURL
		field.String("webhook_secret").
			Default("").
			MaxLen(4000). // sealed: notify.MaxSecretLen characters (up to 4 bytes each), sealed and encoded
			Sensitive().
			Comment("Keys the X-Gatehouse-Signature HMAC; write-only, stored sealed (the API seals what it is given). Empty: calls carry no signature.").
			Annotations(skipOutput()),
		field.String("secret_binding").
			// Optional (nullable) only so SQLite can add the column without
			// rebuilding a table other tables reference
			// (TestSQLiteKeepsReferencingRows); every row has one.
			Optional().
			Immutable().
			NotEmpty().
			DefaultFunc(newSecretBinding).
			Sensitive().
			Comment("A random ID fixed at creation that webhook_secret is sealed to (seal's additional data), so a sealed secret copied to another transport does not open.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("webhook_mapping").
			Default("").
			MaxLen(10000).
			Comment("A CEL expression over the variable body (the JSON document) whose result, a map, is sent instead; empty sends the body as is."),
		field.Int("webhook_timeout").
			Default(10).
			Range(1, 60).
			Comment("Seconds a webhook call may take."),
		field.Bool("send_once").
			Default(false).
			Comment("One delivery per event, not one per member of the rule's group (see README)."),
		field.Bool("failing").
			Default(false).
			Comment("The last delivery failed; cleared by the next successful one.").
			Annotations(skipInput()),
		field.String("last_error").
			Default("").
			Comment("Why the last delivery failed (no secrets); empty when none did.").
			Annotations(skipInput()),
		field.Time("last_failure_at").
			Optional().
			Nillable().
			Annotations(skipInput()),
	}
}

// Edges implements ent.Schema.
func (NotificationTransport) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("rules", NotificationRule.Type).Ref("transports").
			Annotations(skipInput()),
	}
}

// Annotations implements ent.Schema.
func (NotificationTransport) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField("notificationTransports"),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Policy implements ent.Schema: see package rule.
func (NotificationTransport) Policy() ent.Policy { return rule.AdminOnly() }

// Hooks implements ent.Schema.
func (NotificationTransport) Hooks() []ent.Hook {
	return []ent.Hook{
		uniqueField[*gen.NotificationTransportMutation]("notification_transport", "name",
			func(ctx context.Context, c *gen.Client, v string, self int) (bool, error) {
				return c.NotificationTransport.Query().Where(notificationtransport.Name(v), notificationtransport.IDNEQ(self)).Exist(ctx)
			}),
		webhookNeedsURL(),
	}
}

// newSecretBinding returns a transport's random secret_binding (128
// bits, base32).
func newSecretBinding() string { return rand.Text() }

// webhookNeedsURL refuses a WEBHOOK transport without a URL.
func webhookNeedsURL() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.NotificationTransportFunc(func(ctx context.Context, m *gen.NotificationTransportMutation) (gen.Value, error) {
			mode, ok := m.Mode()
			if !ok && m.Op().Is(ent.OpUpdateOne) {
				old, err := m.OldMode(allowed(ctx))
				if err != nil {
					return nil, err
				}
				mode = old
			}
			u, ok := m.WebhookURL()
			if !ok && m.Op().Is(ent.OpUpdateOne) {
				old, err := m.OldWebhookURL(allowed(ctx))
				if err != nil {
					return nil, err
				}
				u = old
			}
			if mode == enum.NotificationTransportModeWebhook && u == "" {
				return nil, problem.Invalid("webhook_url", "a WEBHOOK transport needs a URL")
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

// NotificationRule sends a notification through its transports for every
// event its bound policies match. A rule with no policy bindings matches
// nothing.
type NotificationRule struct {
	ent.Schema
}

// Mixin implements ent.Schema.
func (NotificationRule) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }

// Fields implements ent.Schema.
func (NotificationRule) Fields() []ent.Field {
	return []ent.Field{
		nameField(),
		field.Enum("severity").GoType(enum.NotificationSeverity("")).Annotations(gqlEnum("NotificationSeverity")).
			Default(string(enum.NotificationSeverityNotice)),
		field.Int("destination_group_id").
			Optional().
			Nillable().
			Comment("The group whose members EMAIL and LOCAL transports notify."),
		field.Enum("policy_engine_mode").GoType(enum.PolicyEngineMode("")).Annotations(gqlEnum("PolicyEngineMode")).
			Default(string(enum.PolicyEngineModeAny)).
			Comment("How the bound policies combine into a match."),
	}
}

// Edges implements ent.Schema.
func (NotificationRule) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("destination_group", Group.Type).
			Field("destination_group_id").
			Unique().
			Annotations(setNull()),
		edge.To("transports", NotificationTransport.Type),
		edge.To("policy_bindings", PolicyBinding.Type).
			Annotations(cascade(), ownedEdge()).
			Comment("Policies that decide which events the rule matches; none: no event."),
	}
}

// Annotations implements ent.Schema.
func (NotificationRule) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField("notificationRules"),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Policy implements ent.Schema: see package rule.
func (NotificationRule) Policy() ent.Policy { return rule.AdminOnly() }

// Hooks implements ent.Schema.
func (NotificationRule) Hooks() []ent.Hook {
	return []ent.Hook{
		uniqueField[*gen.NotificationRuleMutation]("notification_rule", "name",
			func(ctx context.Context, c *gen.Client, v string, self int) (bool, error) {
				return c.NotificationRule.Query().Where(notificationrule.Name(v), notificationrule.IDNEQ(self)).Exist(ctx)
			}),
	}
}

// Notification is what a LOCAL transport stores for one user: a snapshot
// of the event that matched (its stored context, never a secret) and the
// rule, so it outlives both.
type Notification struct {
	ent.Schema
}

// Fields implements ent.Schema.
func (Notification) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id").Immutable(),
		field.String("key").
			Unique().
			Immutable().
			Comment("event:transport:user; at most one notification per event, transport and user.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("event_id").
			Immutable().
			Comment("The event's ID; the event itself may have expired since.").
			Annotations(entgql.Type("ID")),
		field.String("rule").Immutable().Comment("The rule's name at the time."),
		field.Enum("severity").GoType(enum.NotificationSeverity("")).Annotations(gqlEnum("NotificationSeverity")).
			Immutable(),
		field.Enum("action").GoType(enum.EventAction("")).Annotations(gqlEnum("EventAction")).
			Immutable(),
		field.String("body").Immutable().Comment("A one-line summary of the event."),
		field.JSON("event", map[string]any{}).
			Immutable().
			Comment("The event as webhooks receive it (action, username, clientIp, context, createdAt).").
			Annotations(entgql.Type("Map")),
		field.Bool("seen").Default(false),
		field.Time("created_at").
			Immutable().
			Default(time.Now).
			Annotations(entgql.OrderField("CREATED_AT")),
		field.Time("expires").
			Immutable().
			Default(defaultNotificationExpiry).
			Comment("When the retention job deletes the notification: its event's expires (GATEHOUSE_EVENT_RETENTION); by default a year after it is stored.").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// defaultNotificationExpiry is the expiry of a notification stored
// without its event's: a year (audit.DefaultRetention) from now.
func defaultNotificationExpiry() time.Time { return time.Now().Add(365 * 24 * time.Hour) }

// Edges implements ent.Schema.
func (Notification) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("user", User.Type).
			Field("user_id").
			Unique().
			Required().
			Immutable().
			Annotations(cascade(), entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes implements ent.Schema.
func (Notification) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id", "seen", "created_at"), index.Fields("expires")}
}

// Annotations implements ent.Schema: read through viewer.notifications.
func (Notification) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy implements ent.Schema: see package rule.
func (Notification) Policy() ent.Policy { return rule.NotificationPolicy() }
