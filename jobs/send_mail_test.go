package jobs_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/config"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/sentmail"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/internal/smtptest"
	"github.com/gatehouse-id/gatehouse/jobs"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
	"github.com/gatehouse-id/gatehouse/mail"
	"github.com/gatehouse-id/gatehouse/seal"
)

const testSecretKey = "0123456789abcdef0123456789abcdef-mail-tests"

// smtpSender returns a sender delivering to peer.
func smtpSender(t *testing.T, peer *smtptest.Server) mail.Sender {
	t.Helper()
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"GATEHOUSE_SMTP_URL": peer.URL(), "GATEHOUSE_SMTP_FROM": "Gatehouse <login@example.com>"}[k]
	})
	require.NoError(t, err)
	server, ok := cfg.MailServer()
	require.True(t, ok)
	return mail.NewSMTPSender(server)
}

// recorder is an Auditor that writes events without the audit package's
// machinery.
type recorder struct{}

func (recorder) Record(ctx context.Context, c *ent.Client, action enum.EventAction, data map[string]any) (*ent.Event, error) {
	return c.Event.Create().SetAction(action).SetContext(data).SetExpires(time.Now().Add(time.Hour)).Save(ctx)
}

// mailJob enqueues a recovery mail for a new flow token of b in one
// transaction, committed when commit is set, and returns the token's key
// hash.
func (b *testBundle) mailJob(t *testing.T, e *jobs.Queue, commit bool, expires time.Time) string {
	t.Helper()
	ctx := systemContext(t)
	sum := sha256.Sum256([]byte(servicetest.UniqueName("secret_")))
	hash := hex.EncodeToString(sum[:])
	tx, err := b.db.Ent.Tx(ctx)
	require.NoError(t, err)
	_, err = tx.FlowToken.Create().SetFlow(b.flow).SetKeyHash(hash).SetExecution(json.RawMessage("{}")).SetExpires(expires).Save(ctx)
	require.NoError(t, err)
	m := jobargs.SendMail{
		Key: "flow_token:" + hash, To: "alice@example.com", Template: jobargs.TemplateRecovery, Brand: "Acme",
		Validity: jobargs.Validity{Kind: jobargs.ValidityFlowToken, Ref: hash},
	}
	data := map[string]string{"link": "https://login.example.com/if/flow/recovery/?flow_token=" + hash[:8], "username": "alice"}
	require.NoError(t, e.EnqueueTx(ctx, tx, m, data))
	require.NoError(t, e.EnqueueTx(ctx, tx, m, data), "enqueueing the same key again is a no-op")
	if commit {
		require.NoError(t, tx.Commit())
	} else {
		require.NoError(t, tx.Rollback())
	}
	return hash
}

// mailJobs counts the queued send-mail jobs of a key.
func mailJobs(t *testing.T, b *testBundle, key string) int {
	t.Helper()
	var n int
	q := "SELECT count(*) FROM river_job WHERE kind = 'send_mail' AND args->>'key' = $1"
	if b.db.Dialect == "sqlite3" {
		q = "SELECT count(*) FROM river_job WHERE kind = 'send_mail' AND json_extract(args, '$.key') = ?"
	}
	require.NoError(t, b.db.SQL.QueryRowContext(t.Context(), q, key).Scan(&n))
	return n
}

func TestMailIsQueuedInTheWritersTransaction(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			peer := smtptest.Start(t)
			e, err := jobs.NewQueue(b.db, seal.NewKeys(testSecretKey), nil)
			require.NoError(t, err)
			require.NoError(t, e.Ready())

			rolledBack := b.mailJob(t, e, false, time.Now().Add(time.Hour))
			require.Zero(t, mailJobs(t, b, "flow_token:"+rolledBack), "a rolled-back write queues nothing")
			committed := b.mailJob(t, e, true, time.Now().Add(time.Hour))
			require.Equal(t, 1, mailJobs(t, b, "flow_token:"+committed), "one job per key, however often it was enqueued")

			runner, err := jobs.Start(t.Context(), jobs.Config{
				DB: b.db, CleanupInterval: time.Hour, Auditor: recorder{},
				Mail: jobs.MailDeps{Sender: smtpSender(t, peer), Secrets: seal.NewKeys(testSecretKey), MessageIDDomain: "login.example.com"},
			})
			require.NoError(t, err)
			t.Cleanup(func() { require.NoError(t, runner.Stop(context.Background())) })

			got := peer.Next(t, 30*time.Second)
			require.Equal(t, []string{"alice@example.com"}, got.To)
			require.Equal(t, "Recover your Acme account", got.Subject)
			require.Contains(t, got.Text, "flow_token="+committed[:8])
			require.Contains(t, got.HTML, "flow_token="+committed[:8])
			require.True(t, strings.HasSuffix(got.Header.Get("Message-Id"), "@login.example.com>"))

			ctx := systemContext(t)
			require.Eventually(t, func() bool {
				n, err := b.db.Ent.Event.Query().Where(event.ActionEQ(enum.EventActionEmailSent)).Count(ctx)
				return err == nil && n == 1
			}, 30*time.Second, 20*time.Millisecond, "EMAIL_SENT recorded once")
			rec, err := b.db.Ent.SentMail.Query().Where(sentmail.Key("flow_token:" + committed)).Only(ctx)
			require.NoError(t, err)
			require.NotNil(t, rec.SentAt)
			require.Equal(t, 1, rec.Attempts)
			require.Len(t, peer.Messages(), 1, "exactly one mail: the rolled-back one was never queued")
		})
	}
}

// sendMail works one attempt of a send-mail job directly, as River would.
func sendMail(ctx context.Context, w *jobs.SendMailWorker, args jobargs.SendMail, attempt int) error {
	return w.Work(ctx, &river.Job[jobargs.SendMail]{JobRow: &rivertype.JobRow{ID: 1, Attempt: attempt, Kind: args.Kind()}, Args: args})
}

// queuedArgs returns the args of the send-mail job queued for key.
func queuedArgs(t *testing.T, b *testBundle, key string) jobargs.SendMail {
	t.Helper()
	var raw []byte
	q := "SELECT args FROM river_job WHERE kind = 'send_mail' AND args->>'key' = $1"
	if b.db.Dialect == "sqlite3" {
		q = "SELECT json(args) FROM river_job WHERE kind = 'send_mail' AND json_extract(args, '$.key') = ?"
	}
	require.NoError(t, b.db.SQL.QueryRowContext(t.Context(), q, key).Scan(&raw))
	var args jobargs.SendMail
	require.NoError(t, json.Unmarshal(raw, &args))
	require.NotContains(t, string(raw), "flow_token=", "the queued job holds no usable link")
	return args
}

func TestSendMailNeverSendsTwice(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			peer := smtptest.Start(t)
			e, err := jobs.NewQueue(b.db, seal.NewKeys(testSecretKey), nil)
			require.NoError(t, err)
			w, err := jobs.NewSendMailWorker(jobs.Deps{Ent: b.db.Ent, Mail: jobs.MailDeps{Sender: smtpSender(t, peer), Secrets: seal.NewKeys(testSecretKey)}})
			require.NoError(t, err)
			hash := b.mailJob(t, e, true, time.Now().Add(time.Hour))
			args := queuedArgs(t, b, "flow_token:"+hash)
			ctx := systemContext(t)

			// The worker is killed while the SMTP server holds the message:
			// the server never accepted it, so the retry must send it.
			held, release := peer.HoldNext()
			killCtx, kill := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- sendMail(killCtx, w, args, 1) }()
			select {
			case <-held:
			case <-time.After(30 * time.Second):
				t.Fatal("the delivery never reached the server")
			}
			kill()
			release(false)
			require.Error(t, <-done, "the killed attempt fails, so River retries")
			require.Empty(t, peer.Messages())

			peer.FailNext(1)
			require.Error(t, sendMail(ctx, w, args, 2), "a refused delivery fails, so River retries")
			require.NoError(t, sendMail(ctx, w, args, 3))
			require.NoError(t, sendMail(ctx, w, args, 4), "a retry after the mail went out sends nothing")
			require.Len(t, peer.Messages(), 1, "one mail across every attempt")
			rec, err := b.db.Ent.SentMail.Query().Where(sentmail.Key(args.Key)).Only(ctx)
			require.NoError(t, err)
			require.Equal(t, 3, rec.Attempts, "three deliveries were started")
		})
	}
}

func TestSendMailRechecksValidity(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			peer := smtptest.Start(t)
			e, err := jobs.NewQueue(b.db, seal.NewKeys(testSecretKey), nil)
			require.NoError(t, err)
			w, err := jobs.NewSendMailWorker(jobs.Deps{Ent: b.db.Ent, Mail: jobs.MailDeps{Sender: smtpSender(t, peer), Secrets: seal.NewKeys(testSecretKey)}})
			require.NoError(t, err)
			ctx := systemContext(t)

			used := b.mailJob(t, e, true, time.Now().Add(time.Hour))
			usedArgs := queuedArgs(t, b, "flow_token:"+used)
			_, err = b.db.Ent.FlowToken.Delete().Exec(ctx)
			require.NoError(t, err)
			require.NoError(t, sendMail(ctx, w, usedArgs, 1), "a used token's mail completes without sending")

			w2, err := jobs.NewSendMailWorker(jobs.Deps{
				Ent: b.db.Ent, NowFunc: func() time.Time { return time.Now().Add(2 * time.Hour) },
				Mail: jobs.MailDeps{Sender: smtpSender(t, peer), Secrets: seal.NewKeys(testSecretKey)},
			})
			require.NoError(t, err)
			expired := b.mailJob(t, e, true, time.Now().Add(time.Hour))
			require.NoError(t, sendMail(ctx, w2, queuedArgs(t, b, "flow_token:"+expired), 1), "an expired token's mail is not sent")
			require.Empty(t, peer.Messages())
			n, err := b.db.Ent.SentMail.Query().Count(ctx)
			require.NoError(t, err)
			require.Zero(t, n)
		})
	}
}

func TestSendMailRefusesDataSealedUnderAnotherKey(t *testing.T) {
	t.Parallel()
	b := setup(t, servicetest.Dialects[0])
	peer := smtptest.Start(t)
	e, err := jobs.NewQueue(b.db, seal.NewKeys(testSecretKey), nil)
	require.NoError(t, err)
	w, err := jobs.NewSendMailWorker(jobs.Deps{Ent: b.db.Ent, Logger: slog.New(slog.DiscardHandler), Mail: jobs.MailDeps{
		Sender: smtpSender(t, peer), Secrets: seal.NewKeys(strings.Repeat("x", 40)),
	}})
	require.NoError(t, err)
	hash := b.mailJob(t, e, true, time.Now().Add(time.Hour))
	err = sendMail(systemContext(t), w, queuedArgs(t, b, "flow_token:"+hash), 1)
	var cancel *river.JobCancelError
	require.ErrorAs(t, err, &cancel, "retrying cannot help: the job is cancelled")
	require.Empty(t, peer.Messages())
}

func TestQueueRefusesIncompleteMail(t *testing.T) {
	t.Parallel()
	b := setup(t, servicetest.Dialects[0])
	e, err := jobs.NewQueue(b.db, seal.NewKeys(testSecretKey), mail.ErrNotConfigured)
	require.NoError(t, err)
	require.ErrorIs(t, e.Ready(), mail.ErrNotConfigured)
	ctx := systemContext(t)
	tx, err := b.db.Ent.Tx(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback() }()
	require.Error(t, e.EnqueueTx(ctx, tx, jobargs.SendMail{To: "a@example.com", Template: jobargs.TemplateRecovery}, nil), "no key")
	require.Error(t, e.EnqueueTx(ctx, nil, jobargs.SendMail{Key: "k", To: "a@example.com", Template: jobargs.TemplateRecovery}, nil), "no transaction")
}
