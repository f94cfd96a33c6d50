// Package notify turns audit events into notifications: the rules that
// match events (their bound policies decide, typically event_matcher),
// the transports that deliver them (a signed webhook, mail, or
// notifications stored for users), and the hot-path gate that keeps
// logins cheap.
//
//	audit.Recorder.Record(event)        in the event's transaction
//	  │ Gate.Wanted: any rule? (memory; refreshed on RulesTopic, ≤30 s)
//	  v yes
//	NotifyEvent{event}  (one River job per event, same transaction)
//	  │ worker: Matcher.Match — every rule with an enabled binding,
//	  │ policy.Engine.EvaluateTarget{NotificationRuleID}, the rule's mode
//	  v for each matching rule × transport × recipient (unique)
//	NotifyDeliver{event, transport, user}
//	  ├─ LOCAL    Notification row (unique key, expires with its event),
//	  │           announced on Topic
//	  ├─ EMAIL    SendMail (template notification, key = the delivery)
//	  └─ WEBHOOK  POST, X-Gatehouse-Signature / X-Gatehouse-Delivery,
//	              ledger row in sent_mails; failure marks the transport
//
// Recipients: EMAIL and LOCAL notify every active member of the rule's
// destination group (its child groups included), one each; a WEBHOOK is
// called once per event when send_once is set or the rule has no group,
// else once per member (the body names the recipient). At most one
// delivery per event, transport and recipient, however many rules match.
//
// Webhook secrets are stored sealed (Secrets: seal, under the server's
// secret key, bound to the transport's secret_binding); the API seals
// what it is given, the worker opens it to sign. One that does not open
// fails the delivery (ErrSecretUnreadable); none: the call is unsigned.
// CheckMapping refuses, at write, a mapping Encode could not use.
//
// Failure: a failing webhook is retried (first after 10 s, doubling, 8
// attempts) and marks its transport failing with a safe lastError; it
// never blocks a login, which only inserts a job. Nothing the
// notification system does is notified (Notifiable): no loops.
package notify

// Topic is the pub/sub topic on which the IDs of new LOCAL notifications
// are announced (the notificationCreated subscription follows it).
const Topic = "notify.notifications"
