package executor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strconv"
	"time"

	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/seal"
	"github.com/gatehouse-id/gatehouse/session"
)

// Stage is one step of a flow. Implementations live in
// executor/stages/<kind> and implement Interactive, Runner, or both
// (Interactive with a Skipper).
type Stage interface {
	// Kind returns the stage's kind: stable, persisted, sent to clients.
	Kind() string
}

// Interactive is a stage that shows the user a challenge and judges the
// response.
type Interactive interface {
	Stage
	// Challenge returns what the user must answer. It must not change the
	// execution: it may be called any number of times (every read of the
	// execution renders it).
	Challenge(ctx context.Context, req *Request) (Challenge, error)
	// Submit judges a response of the stage's kind. Outcomes (next, retry
	// with field errors, deny, redirect) are the Result; error is reserved
	// for infrastructure failures.
	Submit(ctx context.Context, req *Request, resp Response) (Result, error)
}

// Runner is a stage that acts as soon as it is reached, with no challenge:
// it writes the user, logs in, logs out, denies, redirects.
type Runner interface {
	Stage
	// Run acts and returns the outcome; error is an infrastructure failure.
	Run(ctx context.Context, req *Request) (Result, error)
}

// Skipper is an Interactive stage that can sometimes decide without the
// user (identification when the identifier is already known).
type Skipper interface {
	Interactive
	// Skip reports whether the stage completes without a challenge, and
	// with which outcome.
	Skip(ctx context.Context, req *Request) (Result, bool, error)
}

// Challenge is what an interactive stage asks. Every challenge type embeds
// ChallengeBase, which the executor fills in.
type Challenge interface {
	Base() *ChallengeBase
}

// ChallengeBase holds what every challenge carries.
type ChallengeBase struct {
	// FlowInfo describes the flow (title, layout, background).
	FlowInfo FlowInfo `json:"flow_info"`
	// Errors are the field errors of the last rejected response.
	Errors []FieldError `json:"errors"`
	// PendingUser is how the user being authenticated is shown ("alice",
	// or what they typed); empty before identification.
	PendingUser string `json:"pending_user,omitempty"`
}

// Base implements Challenge.
func (b *ChallengeBase) Base() *ChallengeBase { return b }

// FlowInfo describes a flow to the client.
type FlowInfo struct {
	Slug        string               `json:"slug"`
	Title       string               `json:"title"`
	Designation enum.FlowDesignation `json:"designation"`
	Layout      enum.FlowLayout      `json:"layout"`
	Background  string               `json:"background"`
}

// FieldError says what is wrong with one field of a response. Field is the
// response's field name in GraphQL spelling ("uidField"); empty for errors
// about the whole response.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	// Code is a stable machine-readable reason ("invalid", "required",
	// "mismatch", "rate_limited").
	Code string `json:"code"`
}

// Response is a user's answer to a challenge; each interactive stage kind
// has its own type.
type Response interface {
	// ResponseKind returns the stage kind the response answers.
	ResponseKind() string
}

// Result is a stage's outcome.
type Result struct {
	action  action
	errors  []FieldError
	message string
	to      string
	keep    bool
}

type action int

const (
	actionNext action = iota
	actionRetry
	actionDeny
	actionRedirect
	actionContinue
)

// Next completes the stage; the flow moves on.
func Next() Result { return Result{action: actionNext} }

// Retry rejects the response: the binding's invalid_response_action decides
// whether the same challenge is shown again with errs or the flow restarts.
func Retry(errs ...FieldError) Result { return Result{action: actionRetry, errors: errs} }

// Deny ends the flow: the user sees message (or a generic one).
func Deny(message string) Result { return Result{action: actionDeny, message: message} }

// RedirectTo ends the flow by sending the client to url. Only Gatehouse
// itself decides url (a configured target), never user input.
func RedirectTo(url string) Result { return Result{action: actionRedirect, to: url} }

// Outcome names of Result.Kind.
const (
	ResultNext     = "next"
	ResultRetry    = "retry"
	ResultDeny     = "deny"
	ResultRedirect = "redirect"
	ResultContinue = "continue"
)

// Kind names the outcome: ResultNext, ResultRetry, ResultDeny or ResultRedirect.
func (r Result) Kind() string {
	switch r.action {
	case actionNext:
		return ResultNext
	case actionRetry:
		return ResultRetry
	case actionDeny:
		return ResultDeny
	case actionRedirect:
		return ResultRedirect
	case actionContinue:
		return ResultContinue
	default:
		return ResultNext
	}
}

// Errors returns a retry's field errors.
func (r Result) Errors() []FieldError { return r.errors }

// Message returns a denial's message.
func (r Result) Message() string { return r.message }

// To returns a redirect's target.
func (r Result) To() string { return r.to }

// ContinueIn ends the flow by starting the flow slug for the same client,
// marked as redirected from this one, with this execution's context when
// keepContext is set.
func ContinueIn(slug string, keepContext bool) Result {
	return Result{action: actionContinue, to: slug, keep: keepContext}
}

// Client describes the HTTP client driving a flow.
type Client struct {
	IP        netip.Addr
	UserAgent string
	// Headers are the request's headers, names lower-cased, values joined.
	Headers map[string]string
}

// Request is what a stage sees of the execution it runs in.
type Request struct {
	// Execution is the execution; stages change its Context and Plan.
	Execution *Execution
	// Entry is the current plan entry.
	Entry PlanEntry
	// Flow describes the flow.
	Flow FlowInfo
	// Client is the HTTP client.
	Client Client
	// Session is the client's session and SessionID its ID.
	Session   *session.Session
	SessionID session.ID
	// User is the session's user; nil while anonymous.
	User *ent.User
	// Now is the time of the request.
	Now time.Time

	change *SessionChange
	notes  []OriginNote
}

// SessionChange tells the transport to hand the client a new session ID
// (after a login) or to forget it (after a logout).
type SessionChange struct {
	// ID is the new session ID; empty when the session ended.
	ID session.ID
	// Session is the new session; nil when it ended.
	Session *session.Session
	// Persistent asks the transport to keep the cookie across browser
	// restarts (until Session.ExpiresAt) instead of a browser-session cookie.
	Persistent bool
}

// SetSession records that the client's session was replaced by id.
func (r *Request) SetSession(id session.ID, s *session.Session, persistent bool) {
	r.change = &SessionChange{ID: id, Session: s, Persistent: persistent}
	r.SessionID, r.Session = id, s
}

// EndSession records that the client's session ended.
func (r *Request) EndSession() {
	r.change = &SessionChange{}
	r.SessionID, r.Session, r.User = "", nil, nil
}

// stateKey is where the current entry's private state lives in the context.
func (r *Request) stateKey() string {
	return stageStatePrefix + strconv.Itoa(r.Entry.Position)
}

// LoadState decodes the current stage's private state into v; false when
// the stage has none yet.
func (r *Request) LoadState(v any) (bool, error) {
	return r.Execution.Context.Get(r.stateKey(), v)
}

// SaveState stores v as the current stage's private state.
func (r *Request) SaveState(v any) error {
	return r.Execution.Context.Set(r.stateKey(), v)
}

// PendingUser loads the user the flow is about (the context's
// pending_user); nil when there is none.
func (r *Request) PendingUser(ctx context.Context, c *ent.Client) (*ent.User, error) {
	id, ok := r.Execution.Context.PendingUserID()
	if !ok {
		return nil, nil //nolint:nilnil // no pending user is a normal state
	}
	u, err := c.User.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, nil //nolint:nilnil // the user was deleted meanwhile
	}
	if err != nil {
		return nil, fmt.Errorf("load pending user: %w", err)
	}
	return u, nil
}

// Auditor records audit events; audit.Recorder implements it.
type Auditor interface {
	Record(ctx context.Context, client *ent.Client, action enum.EventAction, data map[string]any) (*ent.Event, error)
}

// Deps are what the executor and its stages use. The executor's own
// fields stay in Executor; stages receive Deps through their constructors.
type Deps struct {
	Client   *ent.Client
	Sessions *session.Manager
	Policies *policy.Engine
	Hasher   *credential.Hasher
	Counters counter.Store
	// Lockouts keep account lockouts where a loss of Counters' backend
	// cannot take them (the SQL database when Counters are in Redis); nil
	// keeps them in Counters.
	Lockouts counter.Store
	Auditor  Auditor
	// Secrets seal what stages store and must read back (TOTP secrets),
	// under the server's secret key.
	Secrets *seal.Keys
	NowFunc func() time.Time
	Logger  *slog.Logger
	// Kinds decode the stored configs of other stages (StageConfig); the
	// executor sets it to its own registry when nil.
	Kinds *StageKinds
	// Mail queues mail for the worker (the email and authenticator_email
	// stages); nil when the server sends no mail.
	Mail Mailer
	// PublicURL is GATEHOUSE_PUBLIC_URL (or the listen address in
	// development), without a trailing slash: links in mail are built
	// from it, never from request headers.
	PublicURL string
}

// Mailer queues mail for the background worker. jobs.Queue implements
// it.
type Mailer interface {
	// EnqueueTx queues m in tx, sealing data (links, codes) into the job:
	// the mail is sent only if tx commits, and at most once per m.Key.
	EnqueueTx(ctx context.Context, tx *ent.Tx, m jobargs.SendMail, data map[string]string) error
	// Ready returns nil when mail can be delivered (an SMTP server is
	// configured, or development mode writes mail to the log), else an
	// error saying why not, for a configuration error shown to the admin.
	Ready() error
}

// MailUnavailable says why stages cannot send mail (no Mailer, or one that
// is not Ready); "" when they can.
func (d Deps) MailUnavailable() string {
	if d.Mail == nil {
		return "the server sends no mail"
	}
	if err := d.Mail.Ready(); err != nil {
		return err.Error()
	}
	return ""
}

// MailReady reports whether stages can send mail. When they cannot, it
// records a CONFIGURATION_ERROR event for the admin naming the stage kind,
// the flow and why.
func (d Deps) MailReady(ctx context.Context, kind, flow string) bool {
	why := d.MailUnavailable()
	if why == "" {
		return true
	}
	d.Record(ctx, enum.EventActionConfigurationError, map[string]any{
		"message": "the " + kind + " stage cannot send mail: " + why, "flow": flow,
	})
	return false
}

// Now returns the time from the injected clock.
func (d Deps) Now() time.Time {
	if d.NowFunc != nil {
		return d.NowFunc()
	}
	return time.Now()
}

// StageConfig returns the config of the stored stage id, decoded and
// validated by Kinds: how a stage reads the settings of another it refers
// to (stages never import each other).
func (d Deps) StageConfig(ctx context.Context, id int) (StageConfig, error) {
	if d.Kinds == nil {
		return nil, errors.New("executor: Deps.Kinds is not set")
	}
	s, err := d.Client.Stage.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("load stage %d: %w", id, err)
	}
	return d.Kinds.Decode(s.Kind, s.Config)
}

// ReplaceSession ends the client's session, if it has one, and gives it a
// new anonymous one so that the rest of the flow runs on: after a logout,
// or when the account is gone.
func (d Deps) ReplaceSession(ctx context.Context, req *Request) error {
	if req.SessionID != "" {
		if err := d.Sessions.Logout(ctx, req.SessionID); err != nil {
			return fmt.Errorf("end the session: %w", err)
		}
	}
	id, fresh, err := d.Sessions.Start(ctx, session.Client{IP: req.Client.IP.String(), UserAgent: req.Client.UserAgent})
	if err != nil {
		return fmt.Errorf("start anonymous session: %w", err)
	}
	req.SetSession(id, fresh, false)
	req.User = nil
	return nil
}

// EmptyConfig is the configuration of a kind that has no settings,
// embedded in its Config: GraphQL types and inputs need a field
// (noSettings), which is never stored.
type EmptyConfig struct {
	// NoSettings is always false.
	NoSettings bool `json:"-"`
}

// Validate implements typedconfig.Config: there is nothing to check.
func (EmptyConfig) Validate() error { return nil }

// Record writes an audit event if an Auditor is configured; failures are
// logged, never fatal to the flow.
func (d Deps) Record(ctx context.Context, action enum.EventAction, data map[string]any) {
	if d.Auditor == nil {
		return
	}
	if _, err := d.Auditor.Record(ctx, d.Client, action, data); err != nil && d.Logger != nil {
		d.Logger.WarnContext(ctx, "record audit event", "action", action, "error", err)
	}
}

// RecordAs writes an audit event, as Record does, whose actor is u (the
// event's user and username): the engine runs stages as the system
// (viewer.SystemContext), so an event that a user causes by their own
// action — logging in or out — names them this way.
func (d Deps) RecordAs(ctx context.Context, u *ent.User, action enum.EventAction, data map[string]any) {
	d.Record(viewer.NewContext(ctx, viewer.Viewer{Kind: viewer.User, UserID: u.ID, Username: u.Username}), action, data)
}
