package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/gatehouse-id/gatehouse/config"
)

// sendTimeout bounds one delivery: connect, TLS, authentication and data.
const sendTimeout = 30 * time.Second

// SMTPSender delivers messages through an SMTP server.
type SMTPSender struct {
	server config.SMTP
}

// NewSMTPSender returns a sender for the server; the settings were
// validated by config.Load.
func NewSMTPSender(server config.SMTP) *SMTPSender {
	return &SMTPSender{server: server}
}

// options returns go-mail's client options for the server's TLS mode and
// credentials. TLS always verifies the server's certificate.
func (s *SMTPSender) options() []gomail.Option {
	opts := []gomail.Option{
		gomail.WithPort(s.server.Port),
		gomail.WithTimeout(sendTimeout),
		gomail.WithTLSConfig(&tls.Config{ServerName: s.server.Host, MinVersion: tls.VersionTLS12}),
	}
	switch s.server.TLS {
	case config.SMTPImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case config.SMTPNoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.server.Username != "" {
		opts = append(opts,
			gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.server.Username),
			gomail.WithPassword(s.server.Password))
	}
	return opts
}

// Send implements Sender.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.server.From); err != nil {
		return fmt.Errorf("mail: sender: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("mail: recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	if m.MessageID != "" {
		msg.SetMessageIDWithValue(m.MessageID)
	} else {
		msg.SetMessageID()
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	client, err := gomail.NewClient(s.server.Host, s.options()...)
	if err != nil {
		return fmt.Errorf("mail: client: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send through %s: %w", s.server.Addr(), err)
	}
	return nil
}
