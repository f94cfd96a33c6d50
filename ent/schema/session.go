package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// Session backs package session's SQL store (the embedded mode; production
// keeps sessions in Redis). The session's ID is never stored, only its hash.
type Session struct {
	ent.Schema
}

// Fields implements ent.Schema.
func (Session) Fields() []ent.Field {
	return []ent.Field{
		field.String("key_hash").Unique().Immutable().Sensitive(),
		field.Int("user_id").Optional().Nillable(),
		field.String("scope").
			Immutable().
			Comment("Stable across ID rotations: flow executions belong to a scope."),
		field.Time("created_at").Immutable(),
		field.Time("last_seen_at"),
		field.Int64("idle_timeout_seconds"),
		field.Time("expires_at").Comment("Absolute expiry."),
		field.Time("idle_expires_at").Comment("last_seen_at + idle timeout, for expiry sweeps."),
		field.String("client_ip").Default(""),
		field.String("user_agent").Default(""),
		field.Bytes("data").Comment("The session record as its store encodes it."),
	}
}

// Edges implements ent.Schema.
func (Session) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("sessions").Field("user_id").Unique(),
	}
}

// Indexes implements ent.Schema.
func (Session) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id"), index.Fields("expires_at"), index.Fields("idle_expires_at")}
}

// Annotations implements ent.Schema: internal to package session.
func (Session) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy implements ent.Schema: only the system touches sessions.
func (Session) Policy() ent.Policy { return rule.AdminOnly() }
