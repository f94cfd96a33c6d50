package schema

import (
	"encoding/json"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// FlowToken is a single-use (by default) secret that resumes a saved flow
// execution: the link in a verification or recovery email. The execution is
// a versioned JSON document owned by the executor, never a serialised
// object graph.
type FlowToken struct {
	ent.Schema
}

// Fields implements ent.Schema.
func (FlowToken) Fields() []ent.Field {
	return []ent.Field{
		field.String("key_hash").
			Unique().
			Immutable().
			Sensitive().
			Comment("SHA-256 of the secret, hex-encoded."),
		field.Enum("intent").GoType(enum.TokenIntent("")).Annotations(gqlEnum("TokenIntent")).
			Default(string(enum.TokenIntentVerification)).
			Immutable(),
		field.Int("flow_id").Immutable(),
		field.Int("user_id").Optional().Nillable().Immutable(),
		field.JSON("execution", json.RawMessage{}).
			Immutable().
			Comment("The saved execution, as the executor's versioned JSON document."),
		field.Bool("revoke_on_execution").
			Default(true).
			Comment("Delete the token when it is used."),
		field.Time("expires"),
		field.Time("created_at").
			Immutable().
			Default(time.Now),
	}
}

// Edges implements ent.Schema.
func (FlowToken) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("flow", Flow.Type).Ref("flow_tokens").Field("flow_id").Unique().Required().Immutable(),
		edge.From("user", User.Type).Ref("flow_tokens").Field("user_id").Unique().Immutable(),
	}
}

// Indexes implements ent.Schema.
func (FlowToken) Indexes() []ent.Index {
	return []ent.Index{index.Fields("expires")}
}

// Annotations implements ent.Schema: flow tokens are internal to the engine.
func (FlowToken) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy implements ent.Schema: see package rule.
func (FlowToken) Policy() ent.Policy { return rule.AdminOnly() }
