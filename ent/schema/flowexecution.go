package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// FlowExecution backs the executor's SQL execution store (the embedded
// mode; production keeps executions in Redis): one in-flight run of a flow,
// as the executor's versioned JSON document. Only a hash of the execution's
// ID is stored.
type FlowExecution struct {
	ent.Schema
}

// Fields implements ent.Schema.
func (FlowExecution) Fields() []ent.Field {
	return []ent.Field{
		field.String("key_hash").Unique().Immutable().Sensitive(),
		field.Int64("version").Comment("Compare-and-set version: every update increments it."),
		field.Bytes("document"),
		field.Time("expires_at"),
	}
}

// Indexes implements ent.Schema.
func (FlowExecution) Indexes() []ent.Index {
	return []ent.Index{index.Fields("expires_at")}
}

// Annotations implements ent.Schema: internal to the executor.
func (FlowExecution) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy implements ent.Schema: only the system touches executions.
func (FlowExecution) Policy() ent.Policy { return rule.AdminOnly() }
