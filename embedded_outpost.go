package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse-id/gatehouse/outpost"
	"github.com/gatehouse-id/gatehouse/outpost/coreclient"
	"github.com/gatehouse-id/gatehouse/outpost/inprocess"
	"github.com/gatehouse-id/gatehouse/outposts"
)

// embeddedOutpost returns the outpost `gatehouse serve` embeds: the code a
// standalone `gatehouse outpost` runs, a GraphQL client of the core, whose
// requests (GraphQL and the OpenID Connect back channel) core answers in
// this process; it authenticates with the token derived from the secret
// key. a.runEmbedded follows its configuration.
func (a *app) embeddedOutpost(public string, core http.Handler) (*outpost.Outpost, error) {
	httpClient := &http.Client{Transport: &inprocess.Transport{Handler: core}}
	client, err := coreclient.New(public, outposts.EmbeddedToken(a.secretKey), httpClient)
	if err != nil {
		return nil, err
	}
	op, err := outpost.New(outpost.Options{
		Core: client, HTTPClient: httpClient, TrustedProxies: a.cfg.TrustedProxies,
		Logger: a.logger, NowFunc: a.nowFunc,
	})
	if err != nil {
		return nil, err
	}
	a.embedded = op
	return op, nil
}

// runEmbedded runs the embedded outpost (its configuration stream and
// session checks) until ctx ends.
func (a *app) runEmbedded(ctx context.Context) {
	if a.embedded != nil {
		go func() { _ = a.embedded.Run(ctx) }()
	}
}

// externalHosts reports the hosts the router sends to the embedded outpost:
// its providers' external hosts, never the core's own.
func externalHosts(public string, op *outpost.Outpost) func(host string) bool {
	own := ""
	if u, err := url.Parse(public); err == nil {
		own = strings.ToLower(u.Hostname())
	}
	return func(host string) bool { return host != own && op.Handles(host) }
}
