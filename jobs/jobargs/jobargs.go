// Package jobargs declares the arguments of Gatehouse's background jobs: one
// struct per job, each with the stable kind River persists in river_job.
//
// It is a leaf: it imports only the standard library. Domain packages that
// enqueue a job import this package, never package jobs, whose workers import
// those same domain packages; keeping the arguments here is what prevents the
// import cycle (River's own split between JobArgs and Worker allows it).
//
// A kind is part of the database: once a job of that kind may have been
// enqueued, never rename it.
package jobargs

// Job kinds, as persisted by River. They are snake_case and never change.
const (
	// KindDeleteExpiredTokens is the kind of DeleteExpiredTokens.
	KindDeleteExpiredTokens = "delete_expired_tokens"
	// KindDeleteExpiredEvents is the kind of DeleteExpiredEvents.
	KindDeleteExpiredEvents = "delete_expired_events"
)

// DeleteExpiredTokens deletes every expired Token (expiring and past its
// expiry) and every FlowToken past its expiry. Expired tokens are already
// refused when presented; this job only reclaims their rows. It runs
// periodically (every jobs.Config.CleanupInterval, and once when the job
// runner starts) and may also be enqueued at any time: it is idempotent.
type DeleteExpiredTokens struct{}

// Kind returns KindDeleteExpiredTokens; it implements river.JobArgs.
func (DeleteExpiredTokens) Kind() string { return KindDeleteExpiredTokens }

// DeleteExpiredEvents deletes the audit events whose retention date (Event
// expires) has passed, and the stored notifications (Notification
// expires, their event's) likewise. It runs periodically (every jobs.Config.CleanupInterval,
// and once when the job runner starts) and may also be enqueued at any time:
// it is idempotent.
type DeleteExpiredEvents struct{}

// Kind returns KindDeleteExpiredEvents; it implements river.JobArgs.
func (DeleteExpiredEvents) Kind() string { return KindDeleteExpiredEvents }

// KindDeleteExpiredState is the kind of DeleteExpiredState.
const KindDeleteExpiredState = "delete_expired_state"

// DeleteExpiredState removes expired sessions, flow executions and counters
// from the stores that keep them in the database (the embedded mode; Redis
// expires them by itself). Expired rows are already ignored; this job only
// reclaims them. It runs periodically and is idempotent.
type DeleteExpiredState struct{}

// Kind returns KindDeleteExpiredState; it implements river.JobArgs.
func (DeleteExpiredState) Kind() string { return KindDeleteExpiredState }

// KindRotateSigningKeys is the kind of RotateSigningKeys.
const KindRotateSigningKeys = "rotate_signing_keys"

// RotateSigningKeys replaces the OpenID Connect provider's signing keys
// that are due (package oidc/keys) and deletes retired keys whose tokens
// have all expired. It runs hourly and is idempotent.
type RotateSigningKeys struct{}

// Kind returns KindRotateSigningKeys; it implements river.JobArgs.
func (RotateSigningKeys) Kind() string { return KindRotateSigningKeys }

// KindSendMail is the kind of SendMail.
const KindSendMail = "send_mail"

// Mail templates: each renders a subject, a text part and an HTML part
// (package mail).
const (
	// TemplateVerification asks the person to confirm their address by a
	// link (sign-up verification). Data: "link", "username".
	TemplateVerification = "verification"
	// TemplateRecovery sends a link that recovers an account. Data:
	// "link", "username".
	TemplateRecovery = "recovery"
	// TemplateEmailOTP sends a one-time code. Data: "code", "username".
	TemplateEmailOTP = "email_otp"
	// TemplateInvitation invites someone to sign up. Data: "link".
	TemplateInvitation = "invitation"
)

// Validity kinds: what the send-mail job re-checks just before sending,
// so that a mail for a token that was used, revoked or expired meanwhile
// is never sent.
const (
	// ValidityFlowToken: Ref is a FlowToken's key_hash; the token must
	// still exist and not be expired.
	ValidityFlowToken = "flow_token"
	// ValidityEmailCode: Ref is the code_hash of an email device's code
	// (package mfa/emailotp); it must still be outstanding and not be
	// expired.
	ValidityEmailCode = "email_code"
)

// SendMail sends one message through the configured SMTP server (or, in
// development without SMTP, writes it to the log). It is enqueued in the
// transaction of the write that causes it, so nothing is sent for a
// rolled-back write; Key makes it unique, so an enqueue repeated by a
// retried request or a worker killed mid-send never sends a second mail.
type SendMail struct {
	// Key identifies the message ("flow_token:<key hash>"): at most one
	// job per key is ever enqueued.
	Key string `json:"key" river:"unique"`
	// To is the recipient's address.
	To string `json:"to"`
	// Template is one of the Template* constants.
	Template string `json:"template"`
	// Brand is the brand's title, shown in the subject and the body.
	Brand string `json:"brand"`
	// Sealed is the template's data (links, codes: secrets) sealed by
	// the queue under the server's secret key, so the job's row in
	// the database never holds a usable link.
	Sealed []byte `json:"sealed,omitempty"`
	// Validity is re-checked just before sending; a zero Validity sends
	// unconditionally.
	Validity Validity `json:"validity"`
}

// Kind returns KindSendMail; it implements river.JobArgs.
func (SendMail) Kind() string { return KindSendMail }

// Validity names what must still hold when a mail is sent.
type Validity struct {
	// Kind is one of the Validity* constants; empty means always valid.
	Kind string `json:"kind,omitempty"`
	// Ref identifies the object the kind checks.
	Ref string `json:"ref,omitempty"`
}

// KindNotifyEvent is the kind of NotifyEvent.
const KindNotifyEvent = "notify_event"

// NotifyEvent matches one audit event against the notification rules and
// queues a NotifyDeliver for each transport of each matching rule (and
// each member of the rule's group where the transport delivers per
// member). It is enqueued in the transaction that writes the event, only
// while some rule exists (notify.Gate); EventID makes it unique.
type NotifyEvent struct {
	// EventID is the event's ID.
	EventID int `json:"event_id" river:"unique"`
}

// Kind returns KindNotifyEvent; it implements river.JobArgs.
func (NotifyEvent) Kind() string { return KindNotifyEvent }

// KindNotifyDeliver is the kind of NotifyDeliver.
const KindNotifyDeliver = "notify_deliver"

// NotifyDeliver delivers one event through one transport (to one member
// of the rule's group, or once when UserID is 0). EventID, TransportID and
// UserID make it unique: an event goes out at most once per transport
// and recipient, however many rules match it.
type NotifyDeliver struct {
	// EventID is the event's ID.
	EventID int `json:"event_id" river:"unique"`
	// TransportID is the transport's ID.
	TransportID int `json:"transport_id" river:"unique"`
	// UserID is the recipient (a member of the rule's group); 0 for a
	// delivery made once per event (a webhook with send_once).
	UserID int `json:"user_id" river:"unique"`
	// RuleID is the first rule that matched (its name and severity are
	// sent).
	RuleID int `json:"rule_id"`
}

// Kind returns KindNotifyDeliver; it implements river.JobArgs.
func (NotifyDeliver) Kind() string { return KindNotifyDeliver }

// TemplateNotification tells a member of a rule's group about an event.
// Data: "rule", "severity", "summary", "details". The EMAIL_SENT event of
// such a mail is never notified (no notification loops).
const TemplateNotification = "notification"
