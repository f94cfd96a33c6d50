package jobs

import (
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/mail"
	"github.com/gatehouse-id/gatehouse/oidc/keys"
	"github.com/gatehouse-id/gatehouse/seal"
)

// cleanupTimeout bounds one run of a cleanup job. Each run is a few indexed
// DELETE statements; a run that overruns is cancelled and retried, and the
// next periodic run picks up whatever is left anyway.
const cleanupTimeout = time.Minute

// Deps are what the workers need. Ent is required; the zero values of the
// other fields select their defaults.
type Deps struct {
	// Ent is the client the workers read and write with. Workers act as the
	// system viewer (viewer.SystemContext) on their own.
	Ent *ent.Client
	// Logger receives what the workers did; nil discards.
	Logger *slog.Logger
	// NowFunc is the clock that decides what has expired; nil means time.Now.
	NowFunc func() time.Time
	// Sweepers remove expired records from the database-backed stores.
	Sweepers []Sweeper
	// SigningKeys are the OpenID Connect provider's keys, which the
	// rotation job rotates; nil leaves them alone (no rotation job).
	SigningKeys *keys.Store
	// SigningKeyRotation is how long a signing key signs before it is
	// replaced; zero means keys.DefaultRotation.
	SigningKeyRotation time.Duration
	// Mail delivers the send-mail jobs; with a nil Sender no worker takes
	// them (they wait for a process that has one).
	Mail MailDeps
	// Auditor records what the workers did that the audit log shows
	// (EMAIL_SENT); nil records nothing.
	Auditor Auditor
	// Notify delivers event notifications; with a nil Queue or Policies
	// no worker takes them.
	Notify NotifyDeps
}

// MailDeps are what the send-mail worker needs.
type MailDeps struct {
	// Sender delivers: SMTP, or the log in development.
	Sender mail.Sender
	// Secrets open the data the Queue sealed (the same secret key).
	Secrets *seal.Keys
	// MessageIDDomain ends every Message-ID (the public URL's host).
	MessageIDDomain string
}

// withDefaults returns d with its optional fields filled in.
func (d Deps) withDefaults() Deps {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.NowFunc == nil {
		d.NowFunc = time.Now
	}
	return d
}

// Register adds every Gatehouse worker to workers, each built from deps. It
// is the one list of workers: Start uses it, and so should anything else
// that works Gatehouse's jobs. Like river.AddWorker, it panics when a kind
// is registered twice, which is a programming error.
func Register(workers *river.Workers, deps Deps) {
	river.AddWorker(workers, NewDeleteExpiredTokensWorker(deps))
	river.AddWorker(workers, NewDeleteExpiredEventsWorker(deps))
	river.AddWorker(workers, NewDeleteExpiredStateWorker(deps))
	if deps.SigningKeys != nil {
		river.AddWorker(workers, NewRotateSigningKeysWorker(deps))
	}
	if deps.Mail.Sender != nil {
		w, err := NewSendMailWorker(deps)
		if err != nil {
			panic(err) // Secrets missing beside a Sender: a programming error
		}
		river.AddWorker(workers, w)
	}
	if deps.Notify.Queue != nil && deps.Notify.Policies != nil {
		river.AddWorker(workers, NewNotifyEventWorker(deps))
		river.AddWorker(workers, NewNotifyDeliverWorker(deps))
	}
}
