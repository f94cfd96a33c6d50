package main

import (
	"fmt"

	"github.com/gatehouse-id/gatehouse/jobs"
	"github.com/gatehouse-id/gatehouse/mail"
	"github.com/gatehouse-id/gatehouse/notify"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/seal"
)

// mailSender returns how this server delivers mail: through the SMTP
// server GATEHOUSE_SMTP_URL names; without one, into the log in
// development mode (so `make run` can still verify an address or recover
// a password); otherwise not at all, and ready says why
// (mail.ErrNotConfigured: an email stage then fails with a configuration
// error the admin sees, never a silent drop).
func (a *app) mailSender() (sender mail.Sender, ready error) {
	if server, ok := a.cfg.MailServer(); ok {
		return mail.NewSMTPSender(server), nil
	}
	if a.cfg.Dev {
		return mail.LogSender{Logger: a.logger}, nil
	}
	return nil, mail.ErrNotConfigured
}

// jobsConfig is the job runner's configuration: the cleanup sweepers, the
// signing key rotation and the mail delivery.
func (a *app) jobsConfig() jobs.Config {
	sender, _ := a.mailSender()
	return jobs.Config{
		DB: a.db, Logger: a.logger, NowFunc: a.nowFunc, Sweepers: a.sweepers, SigningKeys: a.signingKeys, Auditor: a.recorder,
		Mail: jobs.MailDeps{
			Sender: sender, Secrets: seal.NewKeys(a.secretKey),
			MessageIDDomain: brandDomain(a.cfg.PublicOrigin(a.cfg.Listen)),
		},
		Notify: jobs.NotifyDeps{
			Policies:   a.kinds.Policies,
			PolicyDeps: policy.Deps{Counters: a.counters, Logger: a.logger, NowFunc: a.nowFunc},
			Webhooks:   notify.NewWebhookClient(a.cfg.WebhookAllowPrivate),
			Queue:      a.queue,
			Broker:     a.broker,
			Secrets:    seal.NewKeys(a.secretKey),
		},
	}
}

// jobQueue returns the job queue: the flow stages queue mail in it, the
// API lists, retries and cancels jobs.
func (a *app) jobQueue() (*jobs.Queue, error) {
	_, ready := a.mailSender()
	e, err := jobs.NewQueue(a.db, seal.NewKeys(a.secretKey), ready)
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return e, nil
}
