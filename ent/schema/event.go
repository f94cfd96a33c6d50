package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// Event is one entry of the audit log. Events are written by Gatehouse only
// and never changed; they outlive the users and objects they mention, so
// they hold snapshots rather than foreign keys.
type Event struct {
	ent.Schema
}

// Fields implements ent.Schema.
func (Event) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("action").GoType(enum.EventAction("")).Annotations(gqlEnum("EventAction")).
			Immutable().
			Annotations(entgql.OrderField("ACTION")),
		field.Int("user_id").
			Optional().
			Nillable().
			Immutable().
			Comment("ID the acting user had; kept after the user is deleted.").
			Annotations(entgql.Type("ID")),
		field.String("username").
			Default("").
			Immutable().
			Comment("Username the acting user had at the time."),
		field.Int("subject_id").
			Optional().
			Nillable().
			Immutable().
			Comment("ID of the user the event is about (the account a failed login named, the user an admin changed), when there is one; it may be the actor too. Kept after the user is deleted.").
			Annotations(entgql.Type("ID")),
		field.String("app").
			Default("").
			Immutable().
			Comment("Component that recorded the event (graph, executor, jobs, …)."),
		field.String("client_ip").
			Default("").
			Immutable(),
		field.JSON("context", map[string]any{}).
			Default(map[string]any{}).
			Immutable().
			Annotations(entgql.Type("Map")),
		field.Time("created_at").
			Immutable().
			Default(time.Now).
			Annotations(entgql.OrderField("CREATED_AT")),
		field.Time("expires").
			Immutable().
			Comment("When the retention job deletes the event."),
	}
}

// Indexes implements ent.Schema.
func (Event) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("created_at"),
		index.Fields("action", "created_at"),
		index.Fields("user_id"),
		index.Fields("subject_id"),
		index.Fields("expires"),
	}
}

// Annotations implements ent.Schema: the audit log is read-only in the API.
func (Event) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}

// Policy implements ent.Schema: see package rule.
func (Event) Policy() ent.Policy { return rule.AdminOnly() }
