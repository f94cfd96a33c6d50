package stagetest

import (
	"context"
	"errors"
	"maps"
	"sync"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/internal/aftercommit"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
)

// PublicURL is the Deps.PublicURL of an Env: links in mail start with it.
const PublicURL = "https://id.example.com"

// Mail is one message a Mailer queued.
type Mail struct {
	Args jobargs.SendMail
	Data map[string]string
}

// Mailer is an executor.Mailer that keeps the mail queued in transactions
// that committed (a rolled-back write sends nothing), at most one per key,
// as jobs.Enqueuer does. It is safe for concurrent use.
type Mailer struct {
	mu    sync.Mutex
	mails []Mail
	keys  map[string]bool
	// NotReady, when set, is what Ready returns.
	NotReady error
}

// ErrNotReady is a Mailer's NotReady in tests of a server without mail.
var ErrNotReady = errors.New("no SMTP server is configured")

// EnqueueTx implements executor.Mailer.
func (m *Mailer) EnqueueTx(_ context.Context, tx *ent.Tx, args jobargs.SendMail, data map[string]string) error {
	if tx == nil {
		return errors.New("stagetest: mail must be queued in a transaction")
	}
	data = maps.Clone(data)
	aftercommit.Run(tx, func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.keys == nil {
			m.keys = map[string]bool{}
		}
		if m.keys[args.Key] {
			return
		}
		m.keys[args.Key] = true
		m.mails = append(m.mails, Mail{Args: args, Data: data})
	})
	return nil
}

// Ready implements executor.Mailer.
func (m *Mailer) Ready() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.NotReady
}

// Mails returns the mail queued so far, oldest first.
func (m *Mailer) Mails() []Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Mail(nil), m.mails...)
}
