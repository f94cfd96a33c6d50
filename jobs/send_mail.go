package jobs

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/flowtoken"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/sentmail"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
	"github.com/gatehouse-id/gatehouse/mail"
	"github.com/gatehouse-id/gatehouse/mfa/emailotp"
	"github.com/gatehouse-id/gatehouse/seal"
)

// sendMailTimeout bounds one delivery attempt, SMTP included.
const sendMailTimeout = time.Minute

// Auditor records audit events; audit.Recorder implements it.
type Auditor interface {
	Record(ctx context.Context, client *ent.Client, action enum.EventAction, data map[string]any) (*ent.Event, error)
}

// MailValidity checks, just before a mail is sent, that what it is about
// still holds (the token was not used, revoked or expired meanwhile).
type MailValidity func(ctx context.Context, client *ent.Client, ref string, now time.Time) (bool, error)

// MailValidities are the checks per jobargs.Validity kind.
var MailValidities = map[string]MailValidity{
	jobargs.ValidityFlowToken: flowTokenValid,
	jobargs.ValidityEmailCode: emailotp.Outstanding,
}

// flowTokenValid reports whether the flow token whose key hash is ref
// exists and has not expired.
func flowTokenValid(ctx context.Context, client *ent.Client, ref string, now time.Time) (bool, error) {
	n, err := client.FlowToken.Query().Where(flowtoken.KeyHash(ref), flowtoken.ExpiresGT(now)).Count(ctx)
	if err != nil {
		return false, fmt.Errorf("check flow token: %w", err)
	}
	return n > 0, nil
}

// SendMailWorker works jobargs.SendMail: it re-checks the mail's
// validity, renders its template with the unsealed data and delivers it
// through Sender, at most once per key (the sent_mails record survives a
// worker killed after the SMTP server accepted the mail). A failed
// delivery returns an error, so River retries with back-off.
type SendMailWorker struct {
	river.WorkerDefaults[jobargs.SendMail]

	ent      *ent.Client
	logger   *slog.Logger
	now      func() time.Time
	sender   mail.Sender
	box      *seal.Box
	auditor  Auditor
	idDomain string
}

// NewSendMailWorker returns the worker; deps.Mail is required.
func NewSendMailWorker(deps Deps) (*SendMailWorker, error) {
	deps = deps.withDefaults()
	if deps.Mail.Sender == nil || deps.Mail.Secrets == nil {
		return nil, errors.New("send mail worker: no sender or secrets")
	}
	box, err := deps.Mail.Secrets.Box(MailPurpose)
	if err != nil {
		return nil, fmt.Errorf("send mail worker: %w", err)
	}
	domain := deps.Mail.MessageIDDomain
	if domain == "" {
		domain = "gatehouse.invalid"
	}
	return &SendMailWorker{
		ent: deps.Ent, logger: deps.Logger, now: deps.NowFunc, sender: deps.Mail.Sender,
		box: box, auditor: deps.Auditor, idDomain: domain,
	}, nil
}

// Timeout bounds one attempt; it implements river.Worker.
func (w *SendMailWorker) Timeout(*river.Job[jobargs.SendMail]) time.Duration { return sendMailTimeout }

// Work sends the mail unless it is no longer valid or was sent already.
func (w *SendMailWorker) Work(ctx context.Context, job *river.Job[jobargs.SendMail]) error {
	ctx = viewer.SystemContext(ctx)
	args := job.Args
	if ok, err := w.valid(ctx, args.Validity); err != nil {
		return err
	} else if !ok {
		w.logger.InfoContext(ctx, "mail not sent: no longer valid", "template", args.Template, "validity", args.Validity.Kind)
		return nil
	}
	rec, err := w.record(ctx, args)
	if err != nil {
		return err
	}
	if rec.SentAt != nil {
		w.logger.InfoContext(ctx, "mail already sent", "template", args.Template, "sent_mail", rec.ID)
		return nil
	}
	plain, err := w.box.Open(args.Sealed, []byte(args.Key))
	if err != nil {
		// Sealed under another secret key: retrying cannot help.
		return river.JobCancel(fmt.Errorf("open mail data: %w", err))
	}
	var data map[string]string
	if err := json.Unmarshal(plain, &data); err != nil {
		return river.JobCancel(fmt.Errorf("decode mail data: %w", err))
	}
	msg, err := mail.Render(args.Template, args.Brand, data)
	if err != nil {
		return river.JobCancel(err)
	}
	msg.To, msg.MessageID = args.To, rec.MessageID
	if err := w.sender.Send(ctx, msg); err != nil {
		return fmt.Errorf("send %s mail: %w", args.Template, err)
	}
	return w.sent(ctx, rec, args)
}

// valid runs the check the mail's validity names.
func (w *SendMailWorker) valid(ctx context.Context, v jobargs.Validity) (bool, error) {
	if v.Kind == "" {
		return true, nil
	}
	check, ok := MailValidities[v.Kind]
	if !ok {
		return false, river.JobCancel(fmt.Errorf("unknown mail validity %q", v.Kind))
	}
	return check(ctx, w.ent, v.Ref, w.now())
}

// record returns the mail's sent_mails row, creating it on the first
// attempt, with this attempt counted.
func (w *SendMailWorker) record(ctx context.Context, args jobargs.SendMail) (*ent.SentMail, error) {
	sum := sha256.Sum256([]byte(args.Key))
	err := w.ent.SentMail.Create().
		SetKey(args.Key).
		SetTemplate(args.Template).
		SetRecipient(args.To).
		SetMessageID(hex.EncodeToString(sum[:16]) + "." + args.Template + "@" + w.idDomain).
		SetCreatedAt(w.now()).
		OnConflictColumns(sentmail.FieldKey).DoNothing().
		Exec(ctx)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("record mail: %w", err)
	}
	rec, err := w.ent.SentMail.Query().Where(sentmail.Key(args.Key)).Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("load mail record: %w", err)
	}
	if rec.SentAt == nil {
		if rec, err = rec.Update().AddAttempts(1).Save(ctx); err != nil {
			return nil, fmt.Errorf("count mail attempt: %w", err)
		}
	}
	return rec, nil
}

// sent marks the record sent and writes EMAIL_SENT.
func (w *SendMailWorker) sent(ctx context.Context, rec *ent.SentMail, args jobargs.SendMail) error {
	if _, err := rec.Update().SetSentAt(w.now()).Save(ctx); err != nil {
		// The mail is out; a retry finds no sent_at and would send again.
		// Log loudly: this is the one window where a duplicate can happen.
		w.logger.ErrorContext(ctx, "mail sent but not recorded; a retry may send it again", "sent_mail", rec.ID, "error", err)
		return fmt.Errorf("record sent mail: %w", err)
	}
	if w.auditor != nil {
		if _, err := w.auditor.Record(ctx, w.ent, enum.EventActionEmailSent, map[string]any{
			"template": args.Template, "to": args.To, "message_id": rec.MessageID, "attempts": rec.Attempts,
		}); err != nil {
			w.logger.WarnContext(ctx, "record email_sent event", "error", err)
		}
	}
	w.logger.InfoContext(ctx, "mail sent", "template", args.Template, "sent_mail", rec.ID, "attempts", rec.Attempts)
	return nil
}
