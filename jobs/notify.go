package jobs

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/brand"
	"github.com/gatehouse-id/gatehouse/ent/notification"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/sentmail"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
	"github.com/gatehouse-id/gatehouse/notify"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/pubsub"
	"github.com/gatehouse-id/gatehouse/seal"
)

// notifyDeliverMaxAttempts caps a delivery's attempts: with
// notifyRetryDelay's back-off the last comes about 40 minutes after the
// first failure.
const notifyDeliverMaxAttempts = 8

// notifyFirstRetry is how long after its first failure a delivery is
// retried; each later retry waits twice as long (River's default back-off,
// attempt⁴ seconds, would wait too long for an alert).
const notifyFirstRetry = 10 * time.Second

// notifyTimeout bounds one attempt of a notify job (a webhook's own
// timeout is at most a minute).
const notifyTimeout = 2 * time.Minute

// NotifyDeps are what the notification workers need.
type NotifyDeps struct {
	// Policies build the rules' policies. Required for the workers.
	Policies *policy.Kinds
	// PolicyDeps are what those policies may use (counters, clock).
	PolicyDeps policy.Deps
	// Webhooks call webhooks; nil: notify.NewWebhookClient(false).
	Webhooks *notify.WebhookClient
	// Queue queues deliveries and notification mails. Required.
	Queue *Queue
	// Broker announces new LOCAL notifications on notify.Topic; nil
	// announces nothing.
	Broker pubsub.Broker
	// Secrets open the webhook secrets the API sealed (the server's
	// secret key); nil fails every delivery of a transport with a secret
	// (never sent unsigned).
	Secrets *seal.Keys
}

// NotifyEventWorker works jobargs.NotifyEvent: it matches the event
// against the rules (notify.Matcher) and queues one NotifyDeliver per
// transport of each matching rule and recipient, in one transaction.
type NotifyEventWorker struct {
	river.WorkerDefaults[jobargs.NotifyEvent]

	ent     *ent.Client
	matcher *notify.Matcher
	queue   *Queue
	logger  *slog.Logger
}

// NewNotifyEventWorker returns the worker; deps.Notify's Policies and Queue are required.
func NewNotifyEventWorker(deps Deps) *NotifyEventWorker {
	deps = deps.withDefaults()
	return &NotifyEventWorker{
		ent: deps.Ent, matcher: notify.NewMatcher(deps.Ent, deps.Notify.Policies, deps.Notify.PolicyDeps),
		queue: deps.Notify.Queue, logger: deps.Logger,
	}
}

// Timeout bounds one attempt; it implements river.Worker.
func (w *NotifyEventWorker) Timeout(*river.Job[jobargs.NotifyEvent]) time.Duration {
	return notifyTimeout
}

// Work matches the event and queues its deliveries. An event deleted
// meanwhile (retention) is done.
func (w *NotifyEventWorker) Work(ctx context.Context, job *river.Job[jobargs.NotifyEvent]) error {
	ctx = viewer.SystemContext(ctx)
	ev, err := w.ent.Event.Get(ctx, job.Args.EventID)
	if ent.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("load event: %w", err)
	}
	rules, err := w.matcher.Match(ctx, ev)
	if err != nil || len(rules) == 0 {
		return err
	}
	tx, err := w.ent.Tx(ctx)
	if err != nil {
		return fmt.Errorf("queue notifications: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // a no-op once committed
	queued := 0
	for _, r := range rules {
		members, err := notify.Members(ctx, tx.Client(), r.DestinationGroupID)
		if err != nil {
			return err
		}
		for _, t := range r.Edges.Transports {
			for _, uid := range recipients(t, members) {
				args := jobargs.NotifyDeliver{EventID: ev.ID, TransportID: t.ID, UserID: uid, RuleID: r.ID}
				ok, err := w.queue.enqueueDeliverTx(ctx, tx, args)
				if err != nil {
					return err
				}
				if ok {
					queued++
				}
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("queue notifications: %w", err)
	}
	w.logger.InfoContext(ctx, "event matched notification rules", "event_id", ev.ID, "rules", len(rules), "deliveries", queued)
	return nil
}

// recipients are the user IDs t delivers to for one event: every member
// for EMAIL and LOCAL (sendOnce does not merge mails: one mail to many
// people would show each their addresses), every member for a WEBHOOK
// unless it is send_once or the rule has no group, then once (0).
func recipients(t *ent.NotificationTransport, members []*ent.User) []int {
	switch t.Mode {
	case enum.NotificationTransportModeWebhook:
		if t.SendOnce || len(members) == 0 {
			return []int{0}
		}
	case enum.NotificationTransportModeEmail, enum.NotificationTransportModeLocal:
	}
	ids := make([]int, 0, len(members))
	for _, m := range members {
		ids = append(ids, m.ID)
	}
	return ids
}

// NotifyDeliverWorker works jobargs.NotifyDeliver: it stores a LOCAL
// notification, queues a notification mail, or calls a webhook, at most
// once per event, transport and recipient. A failing webhook marks its
// transport (failing, lastError, lastFailureAt) and is retried with
// back-off, the first retry within notifyFirstRetry.
type NotifyDeliverWorker struct {
	river.WorkerDefaults[jobargs.NotifyDeliver]

	ent      *ent.Client
	queue    *Queue
	webhooks *notify.WebhookClient
	secrets  *notify.Secrets // nil: no secret key, no secret opens
	broker   pubsub.Broker
	logger   *slog.Logger
	now      func() time.Time
}

// NewNotifyDeliverWorker returns the worker; deps.Notify.Queue is required.
func NewNotifyDeliverWorker(deps Deps) *NotifyDeliverWorker {
	deps = deps.withDefaults()
	webhooks := deps.Notify.Webhooks
	if webhooks == nil {
		webhooks = notify.NewWebhookClient(false)
	}
	secrets, err := notify.NewSecrets(deps.Notify.Secrets)
	if err != nil {
		secrets = nil // webhookSecret fails each delivery that needs one
	}
	return &NotifyDeliverWorker{
		ent: deps.Ent, queue: deps.Notify.Queue, webhooks: webhooks, secrets: secrets, broker: deps.Notify.Broker,
		logger: deps.Logger, now: deps.NowFunc,
	}
}

// Timeout bounds one attempt; it implements river.Worker.
func (w *NotifyDeliverWorker) Timeout(*river.Job[jobargs.NotifyDeliver]) time.Duration {
	return notifyTimeout
}

// NextRetry implements river.Worker: notifyFirstRetry after the first
// failure, doubling after each later one.
func (w *NotifyDeliverWorker) NextRetry(job *river.Job[jobargs.NotifyDeliver]) time.Time {
	return w.now().Add(NotifyRetryDelay(job.Attempt))
}

// NotifyRetryDelay is how long a delivery waits after its attempt-th
// failed attempt: 10 s, 20 s, 40 s, … capped at an hour.
func NotifyRetryDelay(attempt int) time.Duration {
	d := notifyFirstRetry
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// delivery is what one NotifyDeliver is about.
type delivery struct {
	event     *ent.Event
	rule      *ent.NotificationRule
	transport *ent.NotificationTransport
	user      *ent.User // nil when the delivery is once per event
	id        string
}

// Work delivers, unless what it is about is gone (the event expired, the
// rule, transport or recipient was deleted): then it is done.
func (w *NotifyDeliverWorker) Work(ctx context.Context, job *river.Job[jobargs.NotifyDeliver]) error {
	ctx = viewer.SystemContext(ctx)
	d, err := w.load(ctx, job.Args)
	if errors.Is(err, errGone) {
		return nil
	}
	if err != nil {
		return err
	}
	switch d.transport.Mode {
	case enum.NotificationTransportModeLocal:
		return w.local(ctx, d)
	case enum.NotificationTransportModeEmail:
		return w.email(ctx, d)
	case enum.NotificationTransportModeWebhook:
		return w.webhook(ctx, d)
	default:
		return river.JobCancel(fmt.Errorf("unknown transport mode %q", d.transport.Mode))
	}
}

// errGone is what load returns when what a delivery is about is gone:
// the event expired, or the rule, transport or recipient was deleted (or
// the recipient deactivated). The delivery is then done.
var errGone = errors.New("notification delivery: gone")

// load reads the delivery's objects.
func (w *NotifyDeliverWorker) load(ctx context.Context, a jobargs.NotifyDeliver) (*delivery, error) {
	d := &delivery{id: notify.DeliveryID(a.EventID, a.TransportID, a.UserID)}
	var err error
	if d.event, err = w.ent.Event.Get(ctx, a.EventID); err != nil {
		return nil, gone(err)
	}
	if d.rule, err = w.ent.NotificationRule.Get(ctx, a.RuleID); err != nil {
		return nil, gone(err)
	}
	if d.transport, err = w.ent.NotificationTransport.Get(ctx, a.TransportID); err != nil {
		return nil, gone(err)
	}
	if a.UserID != 0 {
		if d.user, err = w.ent.User.Get(ctx, a.UserID); err != nil {
			return nil, gone(err)
		}
		if !d.user.IsActive {
			return nil, errGone
		}
	}
	return d, nil
}

// gone turns not-found into errGone and wraps anything else.
func gone(err error) error {
	if ent.IsNotFound(err) {
		return errGone
	}
	return fmt.Errorf("load notification delivery: %w", err)
}

// local stores the recipient's notification once (its key is unique) and
// announces it on notify.Topic after commit.
func (w *NotifyDeliverWorker) local(ctx context.Context, d *delivery) error {
	if d.user == nil {
		return nil
	}
	key := d.id
	err := w.ent.Notification.Create().
		SetUserID(d.user.ID).
		SetKey(key).
		SetEventID(d.event.ID).
		SetRule(d.rule.Name).
		SetSeverity(d.rule.Severity).
		SetAction(d.event.Action).
		SetBody(notify.Summary(d.event)).
		SetEvent(notify.Event(d.event)).
		SetCreatedAt(w.now()).
		SetExpires(d.event.Expires).
		OnConflictColumns(notification.FieldKey).DoNothing().
		Exec(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // stored by an earlier attempt
	}
	if err != nil {
		return fmt.Errorf("store notification: %w", err)
	}
	n, err := w.ent.Notification.Query().Where(notification.Key(key)).Only(ctx)
	if err != nil {
		return fmt.Errorf("load stored notification: %w", err)
	}
	if w.broker != nil {
		if err := w.broker.Publish(context.WithoutCancel(ctx), notify.Topic, []byte(strconv.Itoa(n.ID))); err != nil {
			w.logger.WarnContext(ctx, "announce notification", "notification_id", n.ID, "error", err)
		}
	}
	return nil
}

// email queues the notification mail to the recipient through the
// send-mail job (which sends it at most once: its key is the delivery's).
func (w *NotifyDeliverWorker) email(ctx context.Context, d *delivery) error {
	if d.user == nil || d.user.Email == "" {
		return nil
	}
	title := "Gatehouse"
	if b, err := w.ent.Brand.Query().Where(brand.IsDefault(true)).First(ctx); err == nil {
		title = b.BrandingTitle
	} else if !ent.IsNotFound(err) {
		return fmt.Errorf("load brand: %w", err)
	}
	tx, err := w.ent.Tx(ctx)
	if err != nil {
		return fmt.Errorf("queue notification mail: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // a no-op once committed
	err = w.queue.EnqueueTx(ctx, tx, jobargs.SendMail{
		Key: "notification:" + d.id, To: d.user.Email, Template: jobargs.TemplateNotification, Brand: title,
	}, map[string]string{
		"username": d.user.Username,
		"rule":     d.rule.Name,
		"severity": string(d.rule.Severity),
		"summary":  notify.Summary(d.event),
		"details":  notify.Details(d.event),
	})
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("queue notification mail: %w", err)
	}
	return nil
}

// webhook calls the transport's webhook once per delivery: a record in
// sent_mails (the ledger of outgoing messages, keyed by delivery) marks it
// done, so a retry after success sends nothing; the one window left — the
// receiver answered, the worker died before recording — resends with the
// same X-Gatehouse-Delivery, which receivers drop.
func (w *NotifyDeliverWorker) webhook(ctx context.Context, d *delivery) error {
	rec, err := w.ledger(ctx, d)
	if err != nil || rec.SentAt != nil {
		return err
	}
	secret, err := w.webhookSecret(d.transport)
	var raw []byte
	if err == nil {
		raw, err = notify.Encode(ctx, d.transport, notify.Body(d.event, d.rule, d.user))
	}
	if err == nil {
		err = w.webhooks.Send(ctx, d.transport, secret, raw, d.id)
	}
	if err != nil {
		w.failed(ctx, d.transport, err)
		return fmt.Errorf("deliver webhook %s: %w", d.transport.Name, err)
	}
	if _, err := rec.Update().SetSentAt(w.now()).Save(ctx); err != nil {
		w.logger.ErrorContext(ctx, "webhook delivered but not recorded; a retry may call it again", "delivery", d.id, "error", err)
		return fmt.Errorf("record webhook delivery: %w", err)
	}
	if d.transport.Failing {
		if err := w.ent.NotificationTransport.UpdateOne(d.transport).SetFailing(false).Exec(ctx); err != nil {
			w.logger.WarnContext(ctx, "clear failing transport", "transport", d.transport.ID, "error", err)
		}
	}
	return nil
}

// webhookSecret opens t's webhook secret ("" when it has none): a secret
// that does not open is notify.ErrSecretUnreadable, and the call is not
// made (never unsigned).
func (w *NotifyDeliverWorker) webhookSecret(t *ent.NotificationTransport) (string, error) {
	if t.WebhookSecret == "" {
		return "", nil
	}
	if w.secrets == nil {
		return "", notify.ErrSecretUnreadable
	}
	return w.secrets.Open(t)
}

// ledger returns the delivery's record, created on the first attempt,
// with this attempt counted.
func (w *NotifyDeliverWorker) ledger(ctx context.Context, d *delivery) (*ent.SentMail, error) {
	key := "webhook:" + d.id
	sum := sha256.Sum256([]byte(key))
	err := w.ent.SentMail.Create().
		SetKey(key).
		SetTemplate("webhook").
		SetRecipient(d.transport.Name).
		SetMessageID(d.id + "." + hex.EncodeToString(sum[:4])).
		SetCreatedAt(w.now()).
		OnConflictColumns(sentmail.FieldKey).DoNothing().
		Exec(ctx)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("record webhook delivery: %w", err)
	}
	rec, err := w.ent.SentMail.Query().Where(sentmail.Key(key)).Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("load webhook delivery record: %w", err)
	}
	if rec.SentAt == nil {
		if rec, err = rec.Update().AddAttempts(1).Save(ctx); err != nil {
			return nil, fmt.Errorf("count webhook attempt: %w", err)
		}
	}
	return rec, nil
}

// failed marks the transport failing with err's safe message. It uses a
// context that outlives a cancelled attempt, so a killed call is shown.
func (w *NotifyDeliverWorker) failed(ctx context.Context, t *ent.NotificationTransport, err error) {
	msg := "webhook call failed"
	if we, ok := errors.AsType[*notify.WebhookError](err); ok {
		msg = we.Error()
	} else if err != nil {
		msg = err.Error() // encoding and mapping errors describe the admin's expression only
	}
	uerr := w.ent.NotificationTransport.UpdateOne(t).
		SetFailing(true).SetLastError(msg).SetLastFailureAt(w.now()).
		Exec(context.WithoutCancel(ctx))
	if uerr != nil {
		w.logger.WarnContext(ctx, "mark failing transport", "transport", t.ID, "error", uerr)
	}
}
