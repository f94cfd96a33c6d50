package main

import (
	"context"
	"testing"

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
