// Package mail renders Gatehouse's messages from templates and delivers
// them: through an SMTP server (SMTPSender, package go-mail), or, in
// development without one, into the log (LogSender). Every message has a
// text and an HTML part.
//
// Mail is sent by the background worker (jobs.SendMail), never inside a
// request: a stage queues a jobargs.SendMail in the transaction of the
// write that causes it, and the worker renders and sends it here.
package mail

import (
	"context"
	"errors"
)

// ErrNotConfigured means no SMTP server is configured (GATEHOUSE_SMTP_URL)
// outside development mode: mail cannot be delivered.
var ErrNotConfigured = errors.New("no SMTP server is configured (set GATEHOUSE_SMTP_URL and GATEHOUSE_SMTP_FROM)")

// Message is one rendered mail.
type Message struct {
	// To is the recipient's address.
	To string
	// Subject is the subject line.
	Subject string
	// Text and HTML are the two parts of the body.
	Text string
	HTML string
	// MessageID is the Message-ID header without angle brackets; a message
	// retried after a crash keeps its ID, so mail clients show one.
	MessageID string
}

// Sender delivers rendered messages.
type Sender interface {
	// Send delivers m. An error may be temporary (the job retries).
	Send(ctx context.Context, m Message) error
}
