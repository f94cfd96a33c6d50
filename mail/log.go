package mail

import (
	"context"
	"log/slog"
)

// LogSender writes every message to the log instead of sending it: the
// development mode's mail server when none is configured, so that `make
// run` can still verify an address or recover a password. Links and codes
// in the body are secrets: never use it in production.
type LogSender struct {
	// Logger receives the messages.
	Logger *slog.Logger
}

// Send implements Sender.
func (s LogSender) Send(ctx context.Context, m Message) error {
	s.Logger.InfoContext(ctx, "mail not sent (development mode without GATEHOUSE_SMTP_URL); its text follows",
		"to", m.To, "subject", m.Subject, "message_id", m.MessageID, "text", m.Text)
	return nil
}
