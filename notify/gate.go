package notify

import (
	"context"
	"log/slog"
	"sync"
	"time"

	entgo "entgo.io/ent"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/privacy"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/internal/aftercommit"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
	"github.com/gatehouse-id/gatehouse/pubsub"
)

// RulesTopic is the pub/sub topic on which a server announces that the
// set of notification rules changed, so that every server's Gate asks
// the database again.
const RulesTopic = "notify.rules"

// gateTTL bounds how long a Gate trusts its answer without an
// announcement: a lost announcement (a full subscriber buffer, a Redis
// reconnect) delays a new rule by at most this long.
const gateTTL = 30 * time.Second

// Enqueuer queues jobs in an ent transaction; jobs.Queue implements it.
type Enqueuer interface {
	// EnqueueNotifyTx queues args in tx; a NotifyEvent of the same event
	// queued before is not queued again.
	EnqueueNotifyTx(ctx context.Context, tx *ent.Tx, args jobargs.NotifyEvent) error
}

// Gate is the hot path of notifications, as audit.Recorder sees it
// (audit.Notifier): while no notification rule exists it answers Wanted
// with false from memory, and no job is queued; once one exists every
// notifiable event gets one NotifyEvent job, in the event's transaction,
// whatever the number of rules (matching happens on the worker). It is
// safe for concurrent use.
type Gate struct {
	client *ent.Client
	queue  Enqueuer
	broker pubsub.Broker
	logger *slog.Logger
	now    func() time.Time

	mu      sync.Mutex
	known   bool
	any     bool
	checked time.Time
}

// GateParams configure NewGate.
type GateParams struct {
	// Client reads whether a rule exists. Required.
	Client *ent.Client
	// Queue queues the NotifyEvent jobs. Required.
	Queue Enqueuer
	// Broker carries RulesTopic between servers; nil: this process only.
	Broker pubsub.Broker
	// Logger receives lookup failures; nil discards.
	Logger *slog.Logger
	// NowFunc is the clock; nil means time.Now.
	NowFunc func() time.Time
}

// NewGate returns a gate; call Install on the ent client that writes
// rules, and Run to follow other servers' changes.
func NewGate(p GateParams) *Gate {
	g := &Gate{client: p.Client, queue: p.Queue, broker: p.Broker, logger: p.Logger, now: p.NowFunc}
	if g.logger == nil {
		g.logger = slog.New(slog.DiscardHandler)
	}
	if g.now == nil {
		g.now = time.Now
	}
	return g
}

// Wanted implements audit.Notifier: false for events that are never
// notified (Notifiable) and while no rule exists. A failed lookup says
// yes: a job too many is cheaper than a lost alert.
func (g *Gate) Wanted(ctx context.Context, action enum.EventAction) bool {
	if !notifiableAction(action) {
		return false
	}
	g.mu.Lock()
	if g.known && g.now().Sub(g.checked) < gateTTL {
		defer g.mu.Unlock()
		return g.any
	}
	g.mu.Unlock()
	exists, err := g.client.NotificationRule.Query().Exist(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		g.logger.WarnContext(ctx, "check for notification rules", "error", err)
		return true
	}
	g.mu.Lock()
	g.known, g.any, g.checked = true, exists, g.now()
	g.mu.Unlock()
	return exists
}

// EnqueueTx implements audit.Notifier.
func (g *Gate) EnqueueTx(ctx context.Context, tx *ent.Tx, ev *ent.Event) error {
	if !Notifiable(ev) {
		return nil
	}
	return g.queue.EnqueueNotifyTx(ctx, tx, jobargs.NotifyEvent{EventID: ev.ID})
}

// forget makes the next Wanted ask the database.
func (g *Gate) forget() {
	g.mu.Lock()
	g.known = false
	g.mu.Unlock()
}

// Install adds a hook to client: a write of a notification rule makes
// this gate (at once) and every other server's (through RulesTopic, once
// the write commits) ask again.
func (g *Gate) Install(client *ent.Client) {
	client.NotificationRule.Use(func(next entgo.Mutator) entgo.Mutator {
		return entgo.MutateFunc(func(ctx context.Context, m entgo.Mutation) (entgo.Value, error) {
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			announce := func() {
				g.forget()
				if g.broker == nil {
					return
				}
				if err := g.broker.Publish(context.WithoutCancel(ctx), RulesTopic, []byte("changed")); err != nil {
					g.logger.WarnContext(ctx, "announce notification rule change", "error", err)
				}
			}
			var tx *ent.Tx
			if mm, ok := m.(*ent.NotificationRuleMutation); ok {
				tx, _ = mm.Tx()
			}
			if tx == nil {
				tx = ent.TxFromContext(ctx)
			}
			aftercommit.Run(tx, announce)
			return v, nil
		})
	})
}

// Run follows other servers' announcements until ctx ends; without a
// broker it returns at once. It resubscribes when the subscription ends
// early, forgetting what it knew (announcements may have been missed).
func (g *Gate) Run(ctx context.Context) {
	if g.broker == nil {
		return
	}
	for ctx.Err() == nil {
		msgs, err := g.broker.Subscribe(ctx, RulesTopic)
		if err != nil {
			g.logger.WarnContext(ctx, "follow notification rule changes", "error", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
			continue
		}
		g.forget()
		for range msgs {
			g.forget()
		}
	}
}
