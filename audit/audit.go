// Package audit writes Gatehouse's audit log (ent Event rows) and announces
// each new event on the pub/sub topic Topic, which the eventCreated
// subscription follows.
//
// Install records a model_created, model_updated or model_deleted event for
// every write of an administrable object, in the same transaction as the
// write; the event names the changed fields but never their values (some
// are secrets). Bookkeeping writes (a user's last_login) are not recorded:
// the action behind them has its own event. Other packages record their own actions with Record. An
// event is announced only once its transaction commits.
package audit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	entgo "entgo.io/ent"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/privacy"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/aftercommit"
	"github.com/gatehouse-id/gatehouse/pubsub"
	"github.com/gatehouse-id/gatehouse/requestinfo"
)

// The data keys that name the user an event is about, when there is one
// (the account a failed login named, the user an admin changed; it may be
// the actor too): the ID as a decimal string, and the username at the
// time. Record also writes the ID to the event's subject_id column, which
// a user's page and the audit log filter by (an event's user is its
// actor, which a failed login does not have).
const (
	KeySubjectID       = "subject_id"
	KeySubjectUsername = "subject_username"
)

// KeyModel is the data key naming the kind of object an event is about,
// in snake_case ("user", "notification_rule"): the model events' and
// others about an object (the event_matcher policy's model).
const KeyModel = "model"

// Subject adds the keys naming u as the user an event is about to data,
// and returns data.
func Subject(data map[string]any, u *ent.User) map[string]any {
	if u != nil {
		data[KeySubjectID] = strconv.Itoa(u.ID)
		data[KeySubjectUsername] = u.Username
	}
	return data
}

// Topic is the pub/sub topic on which new event IDs are announced.
const Topic = "audit.events"

// DefaultRetention is how long events are kept when Recorder.Retention is zero.
const DefaultRetention = 365 * 24 * time.Hour

// Recorder writes audit events.
type Recorder struct {
	// Broker announces new events; nil announces nothing.
	Broker pubsub.Broker
	// Retention is how long events are kept before the cleanup job deletes them.
	Retention time.Duration
	// App names the component recording (graph, jobs, …) when the caller
	// does not say.
	App string
	// Logger receives announcement failures; nil discards.
	Logger *slog.Logger
	// Notifier queues the notification of each event in the event's own
	// transaction (package notify); nil notifies nothing.
	Notifier Notifier
}

// Notifier queues the notification of recorded events (notify.Gate).
// Wanted is asked for every event and must be cheap (no database round
// trip in the steady state); EnqueueTx runs only when it said yes, in the
// transaction that writes the event, so a rolled-back event notifies no
// one and a committed one is always considered.
type Notifier interface {
	// Wanted reports whether an event of action may match a rule.
	Wanted(ctx context.Context, action enum.EventAction) bool
	// EnqueueTx queues the notification of ev in tx.
	EnqueueTx(ctx context.Context, tx *ent.Tx, ev *ent.Event) error
}

// audited are the types whose writes Install records, by ent type name.
var audited = []string{
	ent.TypeApplication, ent.TypeBrand, ent.TypeFlow, ent.TypeFlowStageBinding, ent.TypeGroup, ent.TypeOAuth2Provider, ent.TypePolicyBinding,
	ent.TypePolicyDefinition, ent.TypeScopeMapping, ent.TypeStage, ent.TypeToken, ent.TypeUser,
	ent.TypeProxyProvider, ent.TypeOutpost, ent.TypeNotificationRule, ent.TypeNotificationTransport,
}

// bookkeeping are fields whose writes are records of an action that has
// its own event (a user's last_login, stamped at login): a write of only
// these (and updated_at) records no model event.
var bookkeeping = map[string][]string{
	ent.TypeUser: {"last_login"},
	// An outpost's last use is stamped as it authenticates.
	ent.TypeOutpost: {"last_seen_at"},
}

// routine reports whether m writes only bookkeeping fields.
func routine(m entgo.Mutation) bool {
	allowed := bookkeeping[m.Type()]
	if len(allowed) == 0 || !m.Op().Is(entgo.OpUpdate|entgo.OpUpdateOne) || len(m.ClearedFields()) > 0 || len(m.AddedFields()) > 0 {
		return false
	}
	for _, f := range m.Fields() {
		if f != "updated_at" && !slices.Contains(allowed, f) {
			return false
		}
	}
	return len(m.AddedEdges()) == 0 && len(m.RemovedEdges()) == 0 && len(m.ClearedEdges()) == 0
}

// Install registers the model-change hooks on client.
func (r *Recorder) Install(client *ent.Client) {
	client.Use(func(next entgo.Mutator) entgo.Mutator {
		return entgo.MutateFunc(func(ctx context.Context, m entgo.Mutation) (entgo.Value, error) {
			if !slices.Contains(audited, m.Type()) || routine(m) {
				return next.Mutate(ctx, m)
			}
			return r.recordChange(ctx, m, next)
		})
	})
}

// mutation is what every generated mutation offers.
type mutation interface {
	entgo.Mutation
	Client() *ent.Client
	Tx() (*ent.Tx, error)
	IDs(ctx context.Context) ([]int, error)
}

func (r *Recorder) recordChange(ctx context.Context, m entgo.Mutation, next entgo.Mutator) (entgo.Value, error) {
	mm, ok := m.(mutation)
	if !ok {
		return nil, fmt.Errorf("audit: unexpected mutation %T", m)
	}
	var ids []int
	if !m.Op().Is(entgo.OpCreate) {
		// Deleted rows cannot be listed afterwards; updated ones are the
		// same before and after. Listing is a read by the system: privacy
		// for the write itself is decided by the mutation.
		var err error
		if ids, err = mm.IDs(privacy.DecisionContext(ctx, privacy.Allow)); err != nil {
			return nil, err
		}
	}
	v, err := next.Mutate(ctx, m)
	if err != nil {
		return nil, err
	}
	action := enum.EventActionModelUpdated
	switch {
	case m.Op().Is(entgo.OpCreate):
		action = enum.EventActionModelCreated
		if idm, ok := m.(interface{ ID() (int, bool) }); ok {
			if id, ok := idm.ID(); ok {
				ids = []int{id}
			}
		}
	case m.Op().Is(entgo.OpDelete | entgo.OpDeleteOne):
		action = enum.EventActionModelDeleted
	}
	if tx, err := mm.Tx(); err == nil {
		ctx = ent.NewTxContext(ctx, tx)
	}
	fields := m.Fields()
	slices.Sort(fields)
	for _, id := range ids {
		data := map[string]any{
			KeyModel: snake(m.Type()),
			"id":     strconv.Itoa(id), // GraphQL IDs are strings
			"fields": fields,
		}
		if m.Type() == ent.TypeUser {
			data[KeySubjectID] = data["id"]
		}
		_, err := r.Record(ctx, mm.Client(), action, data)
		if err != nil {
			return nil, err
		}
	}
	return v, nil
}

// Record writes an event with client — a transaction's client when the
// event belongs to a write — on behalf of ctx's viewer and request. It
// announces the event at once, or after commit when ctx carries the
// transaction (ent.NewTxContext; GraphQL mutations do).
func (r *Recorder) Record(ctx context.Context, client *ent.Client, action enum.EventAction, data map[string]any) (*ent.Event, error) {
	if r.Notifier == nil || !r.Notifier.Wanted(ctx, action) {
		return r.write(ctx, client, action, data)
	}
	if tx := ent.TxFromContext(ctx); tx != nil {
		ev, err := r.write(ctx, client, action, data)
		if err != nil {
			return nil, err
		}
		return ev, r.Notifier.EnqueueTx(ctx, tx, ev)
	}
	// The event and its notification job are written together.
	tx, err := client.Tx(ctx)
	if errors.Is(err, ent.ErrTxStarted) {
		// client is a transaction's, which ctx does not carry: the
		// caller's write owns it, and no job can join it from here.
		if r.Logger != nil {
			r.Logger.WarnContext(ctx, "event recorded without its notification: no transaction in the context", "action", action)
		}
		return r.write(ctx, client, action, data)
	}
	if err != nil {
		return nil, fmt.Errorf("record %s event: %w", action, err)
	}
	txCtx := ent.NewTxContext(ctx, tx)
	ev, err := r.write(txCtx, tx.Client(), action, data)
	if err == nil {
		err = r.Notifier.EnqueueTx(txCtx, tx, ev)
	}
	if err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("record %s event: %w", action, err)
	}
	return ev, nil
}

// write writes the event with client and announces it.
func (r *Recorder) write(ctx context.Context, client *ent.Client, action enum.EventAction, data map[string]any) (*ent.Event, error) {
	v := viewer.FromContext(ctx)
	info := requestinfo.FromContext(ctx)
	create := client.Event.Create().
		SetAction(action).
		SetApp(r.App).
		SetContext(data).
		SetExpires(time.Now().Add(r.retention()))
	if v.Kind == viewer.User {
		create.SetUserID(v.UserID).SetUsername(v.Username)
	}
	if id, ok := data[KeySubjectID].(string); ok {
		n, err := strconv.Atoi(id)
		if err != nil {
			return nil, fmt.Errorf("record %s event: %s %q is not an ID", action, KeySubjectID, id)
		}
		create.SetSubjectID(n)
	}
	if info.ClientIP.IsValid() {
		create.SetClientIP(info.ClientIP.String())
	}
	// Anyone whose action is audited may cause an event to be written.
	ev, err := create.Save(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return nil, fmt.Errorf("record %s event: %w", action, err)
	}
	r.announce(ctx, ev.ID)
	return ev, nil
}

// announce publishes id now or, when ctx carries a transaction
// (ent.NewTxContext), once it commits.
func (r *Recorder) announce(ctx context.Context, id int) {
	if r.Broker == nil {
		return
	}
	publish := func() {
		if err := r.Broker.Publish(context.WithoutCancel(ctx), Topic, []byte(strconv.Itoa(id))); err != nil && r.Logger != nil {
			r.Logger.WarnContext(ctx, "announce audit event", "event_id", id, "error", err)
		}
	}
	aftercommit.Run(ent.TxFromContext(ctx), publish)
}

func (r *Recorder) retention() time.Duration {
	if r.Retention > 0 {
		return r.Retention
	}
	return DefaultRetention
}

// snake turns an ent type name (FlowStageBinding) into snake_case, the
// model name events carry.
func snake(name string) string {
	out := make([]byte, 0, len(name)+4)
	for i := range len(name) {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			// A word starts at a capital after a small letter or a digit:
			// FlowStageBinding → flow_stage_binding, OAuth2Provider →
			// oauth2_provider.
			if i > 0 && (name[i-1] >= 'a' && name[i-1] <= 'z' || name[i-1] >= '0' && name[i-1] <= '9') {
				out = append(out, '_')
			}
			c += 'a' - 'A'
		}
		out = append(out, c)
	}
	return string(out)
}

// Bound is a Recorder bound to one ent client, for packages that record
// events through a narrower interface (the policy engine's Recorder).
type Bound struct {
	r      *Recorder
	client *ent.Client
}

// For returns r bound to client.
func (r *Recorder) For(client *ent.Client) Bound { return Bound{r: r, client: client} }

// Record writes an event of action; failures are logged, not returned.
func (b Bound) Record(ctx context.Context, action string, data map[string]any) {
	if _, err := b.r.Record(ctx, b.client, enum.EventAction(action), data); err != nil && b.r.Logger != nil {
		b.r.Logger.WarnContext(ctx, "record audit event", "action", action, "error", err)
	}
}
