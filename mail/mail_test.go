package mail_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/config"
	"github.com/gatehouse-id/gatehouse/internal/smtptest"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
	"github.com/gatehouse-id/gatehouse/mail"
)

func TestRenderEveryTemplate(t *testing.T) {
	t.Parallel()
	data := map[string]string{
		"link": "https://login.example.com/if/flow/recover/?flow_token=abc&x=1", "code": "123456", "username": "alice",
		"rule": "failed <logins>", "severity": "alert", "summary": "LOGIN_FAILED by mallory", "details": "flow: login\n",
	}
	for _, name := range mail.Templates() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m, err := mail.Render(name, "Example <Corp>", data)
			require.NoError(t, err)
			require.Contains(t, m.Subject, "Example <Corp>")
			require.NotEmpty(t, m.Text)
			require.NotEmpty(t, m.HTML)
			require.Contains(t, m.HTML, "Example &lt;Corp&gt;", "the HTML part escapes the brand")
			require.NotContains(t, m.HTML, "Example <Corp>")
			if name == jobargs.TemplateNotification {
				require.Contains(t, m.Text, "LOGIN_FAILED by mallory")
				require.Contains(t, m.HTML, "failed &lt;logins&gt;", "the HTML part escapes the rule's name")
				return
			}
			if name == jobargs.TemplateEmailOTP {
				require.Contains(t, m.Text, "123456")
				require.Contains(t, m.HTML, "123456")
				return
			}
			require.Contains(t, m.Text, data["link"], "the text part has the link as is")
			require.Contains(t, m.HTML, `href="https://login.example.com/if/flow/recover/?flow_token=abc&amp;x=1"`)
		})
	}
}

func TestRenderRefusesMissingData(t *testing.T) {
	t.Parallel()
	_, err := mail.Render(jobargs.TemplateRecovery, "Gatehouse", map[string]string{"username": "alice"})
	require.ErrorContains(t, err, `needs "link"`)
	_, err = mail.Render(jobargs.TemplateEmailOTP, "Gatehouse", nil)
	require.ErrorContains(t, err, `needs "code"`)
	_, err = mail.Render("newsletter", "Gatehouse", nil)
	require.ErrorContains(t, err, "unknown template")
}

func TestRenderEscapesUserData(t *testing.T) {
	t.Parallel()
	m, err := mail.Render(jobargs.TemplateVerification, "Gatehouse", map[string]string{
		"link": "https://login.example.com/x", "username": `<script>alert(1)</script>`,
	})
	require.NoError(t, err)
	require.NotContains(t, m.HTML, "<script>")
	require.Contains(t, m.HTML, "&lt;script&gt;")
}

func TestSMTPSenderDeliversTextAndHTML(t *testing.T) {
	t.Parallel()
	peer := smtptest.Start(t)
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"GATEHOUSE_SMTP_URL": peer.URL(), "GATEHOUSE_SMTP_FROM": "Gatehouse <login@example.com>"}[k]
	})
	require.NoError(t, err)
	server, ok := cfg.MailServer()
	require.True(t, ok)
	m, err := mail.Render(jobargs.TemplateRecovery, "Acme Ünicode", map[string]string{"link": "https://login.example.com/r?t=1", "username": "bob"})
	require.NoError(t, err)
	m.To, m.MessageID = "bob@example.com", "recovery.1@login.example.com"
	require.NoError(t, mail.NewSMTPSender(server).Send(context.Background(), m))

	got := peer.Next(t, 10*time.Second)
	require.Equal(t, "login@example.com", got.From)
	require.Equal(t, []string{"bob@example.com"}, got.To)
	require.Equal(t, "Recover your Acme Ünicode account", got.Subject)
	require.Equal(t, "<recovery.1@login.example.com>", got.Header.Get("Message-Id"))
	require.Contains(t, got.Text, "https://login.example.com/r?t=1")
	require.Contains(t, got.HTML, `href="https://login.example.com/r?t=1"`)
}

func TestSMTPSenderReportsRefusal(t *testing.T) {
	t.Parallel()
	peer := smtptest.Start(t)
	peer.FailNext(1)
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"GATEHOUSE_SMTP_URL": peer.URL(), "GATEHOUSE_SMTP_FROM": "login@example.com"}[k]
	})
	require.NoError(t, err)
	server, _ := cfg.MailServer()
	m := mail.Message{To: "bob@example.com", Subject: "s", Text: "t", HTML: "<p>t</p>"}
	require.Error(t, mail.NewSMTPSender(server).Send(context.Background(), m), "a 451 is an error the job retries")
	require.NoError(t, mail.NewSMTPSender(server).Send(context.Background(), m), "the next delivery succeeds")
	require.Len(t, peer.Messages(), 1)
}

func TestSMTPSenderRequiresSTARTTLSByDefault(t *testing.T) {
	t.Parallel()
	peer := smtptest.Start(t)
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"GATEHOUSE_SMTP_URL": "smtp://" + peer.Addr(), "GATEHOUSE_SMTP_FROM": "login@example.com"}[k]
	})
	require.NoError(t, err)
	server, _ := cfg.MailServer()
	err = mail.NewSMTPSender(server).Send(context.Background(), mail.Message{To: "bob@example.com", Subject: "s", Text: "t", HTML: "t"})
	require.Error(t, err, "a server without STARTTLS is refused unless tls=none")
	require.Empty(t, peer.Messages())
}

func TestLogSenderWritesTheMail(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	s := mail.LogSender{Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	require.NoError(t, s.Send(context.Background(), mail.Message{To: "bob@example.com", Subject: "Recover", Text: "open https://x/y"}))
	require.Contains(t, buf.String(), "bob@example.com")
	require.Contains(t, buf.String(), "https://x/y")
}
