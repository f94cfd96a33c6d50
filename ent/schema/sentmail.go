package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gatehouse-id/gatehouse/ent/schema/rule"
)

// SentMail records a mail the send-mail job delivered (or is delivering),
// by the message's idempotency key: a job retried after the SMTP server
// accepted its mail (the worker was killed before River marked the job
// done) finds the record and sends nothing again. It holds no secret: no
// link, no code, no body.
type SentMail struct {
	ent.Schema
}

// Fields implements ent.Schema.
func (SentMail) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").
			Unique().
			Immutable().
			Comment("The message's idempotency key (jobargs.SendMail.Key)."),
		field.String("template").Immutable(),
		field.String("recipient").Immutable(),
		field.String("message_id").
			Immutable().
			Comment("The Message-ID every attempt sends, so a duplicate is recognisable."),
		field.Int("attempts").
			Default(0).
			Comment("Deliveries started; more than one means an earlier attempt's outcome was unknown."),
		field.Time("sent_at").
			Optional().
			Nillable().
			Comment("When the SMTP server accepted the message; nil while sending."),
		field.Time("created_at").
			Immutable().
			Default(time.Now),
	}
}

// Indexes implements ent.Schema.
func (SentMail) Indexes() []ent.Index {
	return []ent.Index{index.Fields("created_at")}
}

// Annotations implements ent.Schema: internal to the mail job.
func (SentMail) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy implements ent.Schema: only the system writes or reads it.
func (SentMail) Policy() ent.Policy { return rule.AdminOnly() }
