package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/smtptest"
	"github.com/gatehouse-id/gatehouse/jobs"
	"github.com/gatehouse-id/gatehouse/mail"
)

// withMail points env at a new SMTP peer on loopback and returns it.
func withMail(t *testing.T, env serverEnv) *smtptest.Server {
	t.Helper()
	peer := smtptest.Start(t)
	env["GATEHOUSE_SMTP_URL"] = peer.URL()
	env["GATEHOUSE_SMTP_FROM"] = "Gatehouse <login@example.com>"
	return peer
}

// mailedLink returns the flow link in the text part of m.
func mailedLink(t *testing.T, m smtptest.Message) string {
	t.Helper()
	link := regexp.MustCompile(`https?://\S+flow_token=\S+`).FindString(m.Text)
	require.NotEmpty(t, link, "the text part has the link: %s", m.Text)
	return link
}

// startWorker runs the server's job workers (as `gatehouse serve` does
// with GATEHOUSE_WORKER, which test servers turn off) until the test ends.
func (s *testServer) startWorker() *jobs.Runner {
	s.t.Helper()
	runner, err := jobs.Start(s.t.Context(), s.app.jobsConfig())
	require.NoError(s.t, err)
	s.t.Cleanup(func() { require.NoError(s.t, runner.Stop(context.Background())) })
	return runner
}

// The job queue says whether mail can be delivered: with an SMTP server,
// and in development mode (the log); not in production without one,
// which an email stage reports as a configuration error.
func TestMailReadiness(t *testing.T) {
	t.Parallel()
	production := newTestServer(t, newServerEnv(t, "embedded"))
	q, err := production.app.jobQueue()
	require.NoError(t, err)
	require.ErrorIs(t, q.Ready(), mail.ErrNotConfigured)
	sender, _ := production.app.mailSender()
	require.Nil(t, sender, "no worker takes mail it cannot deliver")

	devEnv := newServerEnv(t, "embedded")
	devEnv["GATEHOUSE_DEV"] = "true"
	dev := newTestServer(t, devEnv)
	q, err = dev.app.jobQueue()
	require.NoError(t, err)
	require.NoError(t, q.Ready())
	sender, _ = dev.app.mailSender()
	require.IsType(t, mail.LogSender{}, sender)

	smtpEnv := newServerEnv(t, "embedded")
	withMail(t, smtpEnv)
	withSMTP := newTestServer(t, smtpEnv)
	q, err = withSMTP.app.jobQueue()
	require.NoError(t, err)
	require.NoError(t, q.Ready())
	sender, _ = withSMTP.app.mailSender()
	require.IsType(t, &mail.SMTPSender{}, sender)
}

// The whole way of a recovery mail: the email stage queues it in its
// transaction, the worker renders and sends it to a real SMTP server, and
// the link in the delivered text recovers the account. One mail arrives,
// with both parts; the queue's row holds no link.
func TestRecoveryMailThroughSMTP(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		env := newServerEnv(t, backend)
		peer := withMail(t, env)
		s := recoveryServer(t, env)
		require.Nil(t, s.mail, "the real queue takes the flows' mail")
		s.startWorker()

		s.headless().askRecovery("grace@example.com")
		got := peer.Next(t, time.Minute)
		require.Equal(t, []string{"grace@example.com"}, got.To)
		require.Equal(t, "Recover your Gatehouse account", got.Subject)
		link := mailedLink(t, got)
		require.Contains(t, got.HTML, "flow_token=")
		require.True(t, strings.HasPrefix(link, s.url+"/if/flow/default-recovery-flow/?"), "built from the public URL: %s", link)

		phone := s.headless()
		v := phone.newPassword(phone.followLink(link), graceNew)
		require.True(t, v.Completed, "%+v", v.Challenge)
		require.True(t, s.headless().login("grace", graceNew).Completed)
		peer.RequireNone(t)
		require.Len(t, peer.Messages(), 1, "one mail")
	})
}
