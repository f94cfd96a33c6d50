package email

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-id/gatehouse/brand"
	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/flowtoken"
	"github.com/gatehouse-id/gatehouse/ent/schema/emailkey"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
	"github.com/gatehouse-id/gatehouse/requestinfo"
)

// Limits on mails per user: at most PerUser in a fixed Window.
const (
	PerUser = 5
	Window  = time.Hour
)

// Field is the response's field (resend).
const Field = "resend"

// Messages of the field errors and denials.
const (
	messageNoMail  = "Email cannot be sent right now. Contact your administrator."
	messageLimited = "Too many emails were sent. Try again later."
	messagePending = "Open the link in the email we sent you to continue."
	// keyVerified is the context key the executor sets in the first
	// device's execution when its verification link was confirmed
	// elsewhere: the token's hash.
	keyVerified = "email_verified"
)

// state is the stage's private state in the execution.
type state struct {
	// Hash is the current link's token hash (a pretend one when no mail
	// was sent).
	Hash string `json:"hash"`
	// To is the masked address shown.
	To string `json:"to"`
	// UserID is the user the link is for; 0 when pretending.
	UserID int `json:"user_id,omitempty"`
	// Intent and Activate say what redeeming the link means.
	Intent   enum.TokenIntent `json:"intent"`
	Activate bool             `json:"activate,omitempty"`
	// Origin is the ID of this execution: the one told when the link is
	// used on another device.
	Origin string `json:"origin,omitempty"`
	// Resends counts the mails asked for again.
	Resends int `json:"resends,omitempty"`
}

// Skip implements executor.Skipper. It never skips: the first time the
// stage is reached it sends the link (a later visit keeps it); a link's
// own execution shows the confirmation.
func (s *Stage) Skip(ctx context.Context, req *executor.Request) (executor.Result, bool, error) {
	if resuming(req) {
		return executor.Result{}, false, nil
	}
	if !s.deps.MailReady(ctx, Kind, req.Flow.Slug) {
		return executor.Deny(messageNoMail), true, nil
	}
	var st state
	ok, err := req.LoadState(&st)
	if err != nil || ok {
		return executor.Result{}, false, err
	}
	u, err := s.recipient(ctx, req)
	if err != nil {
		return executor.Result{}, false, err
	}
	st = state{To: s.masked(req, u), Intent: s.cfg.Template.intent(), Activate: s.cfg.ActivateUserOnSuccess, Origin: req.Execution.ID}
	if u != nil {
		st.UserID = u.ID
		// The link resumes the flow for this user, whoever opens it: a
		// signed-in user becomes the flow's pending user.
		if err := req.Execution.Context.Set(executor.KeyPendingUser, u.ID); err != nil {
			return executor.Result{}, false, err
		}
	}
	if limited, err := s.count(ctx, countKey(req, st)); err != nil || limited {
		if err == nil {
			return executor.Deny(messageLimited), true, nil
		}
		return executor.Result{}, false, err
	}
	if err := s.send(ctx, req, &st, u, ""); err != nil {
		return executor.Result{}, false, err
	}
	return executor.Result{}, false, nil
}

// activates reports whether redeeming the stage's link activates its
// user (a verification): only then may an inactive user get one.
func (s *Stage) activates() bool {
	return s.cfg.ActivateUserOnSuccess && s.cfg.Template == TemplateVerification
}

// recipient returns the pending user if the stage may mail them: one with
// an address that is active, or that the link activates; nil otherwise
// (the flow pretends).
func (s *Stage) recipient(ctx context.Context, req *executor.Request) (*ent.User, error) {
	u, err := req.PendingUser(ctx, s.deps.Client)
	if err != nil {
		return nil, err
	}
	if u == nil {
		u = req.User
	}
	if u == nil || strings.TrimSpace(u.Email) == "" {
		return nil, nil //nolint:nilnil // pretending is a normal state
	}
	if !u.IsActive && !s.activates() {
		return nil, nil //nolint:nilnil // an inactive user gets no link
	}
	return u, nil
}

// masked is the address shown. After an identification it depends on
// what was typed only, so that known and unknown identifiers look alike:
// the typed address masked, or nothing for a username (the user's address
// would tell that the username exists). Without one (a sign-up, a
// signed-in user) it is the user's address, masked.
func (s *Stage) masked(req *executor.Request, u *ent.User) string {
	typed := req.Execution.Context.String(executor.KeyPendingUserIdentifier)
	switch {
	case strings.Contains(typed, "@"):
		return emailkey.Mask(typed)
	case typed != "":
		return ""
	case u != nil:
		return emailkey.Mask(u.Email)
	default:
		return ""
	}
}

// countKey is what mails are counted by: the user, or for a user the
// flow pretends exists what was typed (so both are limited alike).
func countKey(req *executor.Request, st state) string {
	if st.UserID != 0 {
		return "email_links:user:" + strconv.Itoa(st.UserID)
	}
	return "email_links:identifier:" + executor.TokenHash(strings.ToLower(req.Execution.Context.String(executor.KeyPendingUserIdentifier)))
}

// count counts a mail before sending it; limited reports that key is past
// PerUser.
func (s *Stage) count(ctx context.Context, key string) (limited bool, err error) {
	n, err := s.deps.Counters.Add(ctx, key, 1, Window, counter.Fixed)
	if err != nil {
		return false, fmt.Errorf("count email link: %w", err)
	}
	return n > PerUser, nil
}

// send makes a new token for st (revoking the one of hash old, if any)
// and queues its mail, in one transaction; for no user it does the same
// work but stores and sends nothing. st is saved with the new hash before
// the execution is snapshotted into the token.
func (s *Stage) send(ctx context.Context, req *executor.Request, st *state, u *ent.User, old string) error {
	doc, brandTitle, link, err := s.prepare(ctx, req, st)
	if err != nil {
		return err
	}
	tx, err := s.deps.Client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("email: begin: %w", err)
	}
	if err := s.store(ctx, tx, req, st, u, old, doc, brandTitle, link, s.expiry()); err != nil {
		_ = tx.Rollback()
		return err
	}
	if u == nil {
		// Pretending: the same statements ran; nothing is kept.
		_ = tx.Rollback()
		return nil
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("email: commit: %w", err)
	}
	return nil
}

// prepare makes a new link for st: a new secret whose hash st keeps,
// saved as the stage's state before the execution is snapshotted (doc);
// it returns the snapshot, the title of the request's brand and the link.
func (s *Stage) prepare(ctx context.Context, req *executor.Request, st *state) (doc []byte, brandTitle, link string, err error) {
	secret, err := newSecret()
	if err != nil {
		return nil, "", "", err
	}
	st.Hash = executor.TokenHash(secret)
	if err := req.SaveState(st); err != nil {
		return nil, "", "", err
	}
	if doc, err = req.Snapshot(); err != nil {
		return nil, "", "", err
	}
	site, err := brand.ForHost(ctx, s.deps.Client, requestinfo.FromContext(ctx).Host)
	if err != nil {
		return nil, "", "", err
	}
	link = s.deps.PublicURL + executor.FlowPath(req.Flow.Slug) + "?" + executor.ResumeParam + "=" + url.QueryEscape(secret)
	return doc, site.Title, link, nil
}

// store writes the token and queues the mail in tx; for no user it writes
// the same row (rolled back by send) and queues nothing.
func (s *Stage) store(ctx context.Context, tx *ent.Tx, req *executor.Request, st *state, u *ent.User, old string,
	doc []byte, brandTitle, link string, expires time.Time,
) error {
	if old != "" {
		if _, err := tx.FlowToken.Delete().Where(flowtoken.KeyHash(old)).Exec(ctx); err != nil {
			return fmt.Errorf("email: revoke the previous link: %w", err)
		}
	}
	create := tx.FlowToken.Create().
		SetKeyHash(st.Hash).SetIntent(st.Intent).SetFlowID(req.Execution.FlowID).
		SetExecution(doc).SetRevokeOnExecution(s.cfg.SingleUse).SetExpires(expires).SetCreatedAt(s.deps.Now())
	if u != nil {
		create.SetUserID(u.ID)
	}
	// For nobody the same row is written, and rolled back by send.
	if err := create.Exec(ctx); err != nil {
		return fmt.Errorf("email: save link: %w", err)
	}
	if u == nil {
		// The mail is not queued even in a transaction that rolls back: a
		// mailer may act before the commit (development's log).
		return nil
	}
	m := jobargs.SendMail{
		Key: "flow_token:" + st.Hash, To: u.Email, Template: string(s.cfg.Template), Brand: brandTitle,
		Validity: jobargs.Validity{Kind: jobargs.ValidityFlowToken, Ref: st.Hash},
	}
	if err := s.deps.Mail.EnqueueTx(ctx, tx, m, map[string]string{"link": link, "username": u.Username}); err != nil {
		return fmt.Errorf("email: queue mail: %w", err)
	}
	return nil
}

// expiry is when a link made now expires.
func (s *Stage) expiry() time.Time {
	return s.deps.Now().Add(time.Duration(s.cfg.TokenExpiry) * time.Second)
}

// Challenge implements executor.Interactive.
func (s *Stage) Challenge(_ context.Context, req *executor.Request) (executor.Challenge, error) {
	if resuming(req) {
		return &ContinueChallenge{}, nil
	}
	var st state
	if _, err := req.LoadState(&st); err != nil {
		return nil, err
	}
	return &Challenge{To: st.To, Verified: verified(req, st)}, nil
}

// verified reports whether this execution's link was confirmed on another
// device (a verification).
func verified(req *executor.Request, st state) bool {
	return st.Hash != "" && req.Execution.Context.String(keyVerified) == st.Hash
}

// Submit implements executor.Interactive.
func (s *Stage) Submit(ctx context.Context, req *executor.Request, resp executor.Response) (executor.Result, error) {
	if resuming(req) {
		r, ok := resp.(*ContinueResponse)
		if !ok {
			return executor.Retry(executor.FieldError{Field: fieldConfirm, Message: messageConfirm, Code: "required"}), nil
		}
		return s.redeem(ctx, req, r)
	}
	r, ok := resp.(*Response)
	if !ok {
		return executor.Retry(executor.FieldError{Field: Field, Message: messagePending, Code: "pending"}), nil
	}
	var st state
	if _, err := req.LoadState(&st); err != nil {
		return executor.Result{}, err
	}
	if !r.Resend {
		if verified(req, st) {
			return executor.Next(), nil
		}
		return executor.Retry(executor.FieldError{Field: Field, Message: messagePending, Code: "pending"}), nil
	}
	return s.resend(ctx, req, st)
}

// resend sends a new link, revoking the last one, within the limits per
// execution and per user (counted before sending).
func (s *Stage) resend(ctx context.Context, req *executor.Request, st state) (executor.Result, error) {
	if s.deps.MailUnavailable() != "" {
		return executor.Deny(messageNoMail), nil
	}
	if st.Resends >= s.cfg.ResendLimit {
		return executor.Retry(executor.FieldError{Field: Field, Message: messageLimited, Code: "rate_limited"}), nil
	}
	st.Resends++
	limited, err := s.count(ctx, countKey(req, st))
	if err != nil {
		return executor.Result{}, err
	}
	if limited {
		if err := req.SaveState(st); err != nil {
			return executor.Result{}, err
		}
		return executor.Retry(executor.FieldError{Field: Field, Message: messageLimited, Code: "rate_limited"}), nil
	}
	var u *ent.User
	if st.UserID != 0 {
		if u, err = s.recipient(ctx, req); err != nil {
			return executor.Result{}, err
		}
	}
	old := st.Hash
	if u == nil {
		old = ""
	}
	if err := s.send(ctx, req, &st, u, old); err != nil {
		return executor.Result{}, err
	}
	return executor.Retry(), nil
}

// resuming reports whether req's execution was started by a link.
func resuming(req *executor.Request) bool {
	return req.Execution.Context.String(executor.KeyResumeToken) != ""
}

// newSecret returns a new link secret: 256 random bits.
func newSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("email: random secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}
