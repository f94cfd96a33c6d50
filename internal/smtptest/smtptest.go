// Package smtptest runs a real SMTP server on loopback for tests (package
// github.com/emersion/go-smtp): it captures every message delivered to it,
// decoded into its text and HTML parts, and can refuse or hold deliveries
// to test retries.
package smtptest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"
)

// Message is a delivered mail.
type Message struct {
	// From and To are the envelope's sender and recipients.
	From string
	To   []string
	// Header is the message's header.
	Header netmail.Header
	// Subject is the decoded subject.
	Subject string
	// Text and HTML are the decoded parts of the body.
	Text string
	HTML string
	// Raw is the message as received.
	Raw []byte
}

// Server is a running SMTP server.
type Server struct {
	srv      *smtp.Server
	addr     string
	arrived  chan Message
	mu       sync.Mutex
	failNext int
	hold     chan bool
	holding  chan struct{}
	received []Message
}

// Start runs a server on 127.0.0.1 until the test ends. It accepts any
// sender and recipient, without TLS or authentication.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{arrived: make(chan Message, 100)}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "smtptest.localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.MaxMessageBytes = 1 << 20
	l, err := (&net.ListenConfig{}).Listen(tb.Context(), "tcp", "127.0.0.1:0")
	require.NoError(tb, err)
	s.srv, s.addr = srv, l.Addr().String()
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(l)
	}()
	tb.Cleanup(func() {
		// Close the listener too: a Close that runs before Serve has
		// registered it would leave Serve accepting forever.
		_ = l.Close()
		_ = srv.Close()
		<-served
	})
	return s
}

// Addr returns the server's host:port.
func (s *Server) Addr() string { return s.addr }

// URL returns the server as GATEHOUSE_SMTP_URL (no TLS).
func (s *Server) URL() string { return "smtp://" + s.addr + "?tls=none" }

// FailNext makes the next n deliveries fail with a temporary error (451)
// after the message was transferred, as a server that cannot queue it.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = n
}

// HoldNext makes the next delivery wait, after its data arrived and
// before the server answers, until release is called: release(true)
// accepts the message, release(false) refuses it with a temporary error
// (as a server whose client went away before the final answer would
// drop it). held is closed once a delivery is waiting.
func (s *Server) HoldNext() (held <-chan struct{}, release func(accept bool)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold, s.holding = make(chan bool, 1), make(chan struct{})
	hold := s.hold
	var once sync.Once
	return s.holding, func(accept bool) { once.Do(func() { hold <- accept }) }
}

// Next waits up to timeout for the next delivered message.
func (s *Server) Next(tb testing.TB, timeout time.Duration) Message {
	tb.Helper()
	select {
	case m := <-s.arrived:
		return m
	case <-time.After(timeout):
		require.FailNow(tb, "no mail arrived", "waited %s", timeout)
		return Message{}
	}
}

// Messages returns every message delivered so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.received...)
}

// RequireNone fails the test if a message is waiting to be taken by Next.
func (s *Server) RequireNone(tb testing.TB) {
	tb.Helper()
	select {
	case m := <-s.arrived:
		require.FailNow(tb, "unexpected mail", "to %v: %q", m.To, m.Subject)
	default:
	}
}

// deliver records a received message, or refuses it as FailNext and
// HoldNext ask.
func (s *Server) deliver(m Message) error {
	s.mu.Lock()
	hold, holding := s.hold, s.holding
	s.hold, s.holding = nil, nil
	if s.failNext > 0 {
		s.failNext--
		s.mu.Unlock()
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "smtptest: try again later"}
	}
	s.mu.Unlock()
	if hold != nil {
		close(holding)
		if !<-hold {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "smtptest: dropped"}
		}
	}
	s.mu.Lock()
	s.received = append(s.received, m)
	s.mu.Unlock()
	s.arrived <- m
	return nil
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s    *Server
	from string
	to   []string
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "smtptest: " + err.Error()}
	}
	m.From, m.To = ss.from, append([]string(nil), ss.to...)
	return ss.s.deliver(m)
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }

// parse decodes a message's header and its text and HTML parts.
func parse(raw []byte) (Message, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, fmt.Errorf("read message: %w", err)
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Message{}, fmt.Errorf("decode subject: %w", err)
	}
	m := Message{Header: msg.Header, Subject: subject, Raw: raw}
	if err := m.readPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body); err != nil {
		return Message{}, err
	}
	return m, nil
}

// readPart stores a text/plain or text/html part, descending into
// multipart ones.
func (m *Message) readPart(contentType, encoding string, body io.Reader) error {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("multipart: %w", err)
			}
			if err := m.readPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = newBase64Reader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return fmt.Errorf("read %s part: %w", mediaType, err)
	}
	switch mediaType {
	case "text/plain":
		m.Text = string(b)
	case "text/html":
		m.HTML = string(b)
	}
	return nil
}
