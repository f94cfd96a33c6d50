package config

import (
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
)

// SMTP TLS modes of GATEHOUSE_SMTP_URL's tls parameter.
const (
	// SMTPStartTLS upgrades the connection with STARTTLS and refuses a
	// server that does not offer it (the default).
	SMTPStartTLS = "starttls"
	// SMTPImplicitTLS speaks TLS from the first byte (port 465).
	SMTPImplicitTLS = "implicit"
	// SMTPNoTLS sends in clear text: only for a relay on the same host or
	// network (and tests).
	SMTPNoTLS = "none"
)

// SMTP is the parsed GATEHOUSE_SMTP_URL with GATEHOUSE_SMTP_FROM.
type SMTP struct {
	// Host and Port are the server's address.
	Host string
	Port int
	// Username and Password authenticate when Username is set.
	Username string
	Password string
	// TLS is SMTPStartTLS, SMTPImplicitTLS or SMTPNoTLS.
	TLS string
	// From is the sender address ("Gatehouse <login@example.com>").
	From string
}

// MailServer returns the SMTP settings; ok is false when GATEHOUSE_SMTP_URL
// is unset. The settings were validated by Load.
func (c *Config) MailServer() (SMTP, bool) {
	if c.SMTPURL == "" {
		return SMTP{}, false
	}
	s, err := parseSMTP(c.SMTPURL, c.SMTPFrom)
	return s, err == nil
}

// parseSMTP reads smtp://[user:pass@]host[:port][?tls=starttls|implicit|none].
// The port defaults to 587 (465 with implicit TLS).
func parseSMTP(raw, from string) (SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "smtp" || u.Host == "" || u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return SMTP{}, errors.New("GATEHOUSE_SMTP_URL must look like smtp://[user:pass@]host:port?tls=starttls|implicit|none")
	}
	s := SMTP{Host: u.Hostname(), TLS: SMTPStartTLS, From: strings.TrimSpace(from)}
	for k, v := range u.Query() {
		if k != "tls" || len(v) != 1 {
			return SMTP{}, fmt.Errorf("GATEHOUSE_SMTP_URL: unknown parameter %q (only tls=starttls|implicit|none)", k)
		}
		switch v[0] {
		case SMTPStartTLS, SMTPImplicitTLS, SMTPNoTLS:
			s.TLS = v[0]
		default:
			return SMTP{}, fmt.Errorf("GATEHOUSE_SMTP_URL: tls must be starttls, implicit or none, not %q", v[0])
		}
	}
	s.Port = 587
	if s.TLS == SMTPImplicitTLS {
		s.Port = 465
	}
	if p := u.Port(); p != "" {
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil || n == 0 {
			return SMTP{}, fmt.Errorf("GATEHOUSE_SMTP_URL: port %q is not a port number", p)
		}
		s.Port = int(n)
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	if s.From == "" {
		return SMTP{}, errors.New("GATEHOUSE_SMTP_FROM must be set with GATEHOUSE_SMTP_URL (e.g. Gatehouse <login@example.com>)")
	}
	if _, err := netmail.ParseAddress(s.From); err != nil {
		return SMTP{}, fmt.Errorf("GATEHOUSE_SMTP_FROM %q is not an email address", s.From)
	}
	return s, nil
}

// Addr returns host:port.
func (s SMTP) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

func (c *Config) validateSMTP() error {
	if c.SMTPURL == "" {
		if c.SMTPFrom != "" {
			return errors.New("GATEHOUSE_SMTP_FROM is set but GATEHOUSE_SMTP_URL is not")
		}
		return nil
	}
	_, err := parseSMTP(c.SMTPURL, c.SMTPFrom)
	return err
}
