package main

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor/stagetest"
)

// Following the links the flows mail (the email stage), over GraphQL as
// any client does: the link's path names the flow and its query carries
// the token, given to startFlow as the flow page does.

// mails returns the mail c's server queued to address, oldest first.
func (c *client) mails(address string) []stagetest.Mail {
	c.t.Helper()
	var out []stagetest.Mail
	for _, m := range c.mail.Mails() {
		if strings.EqualFold(m.Args.To, address) {
			out = append(out, m)
		}
	}
	return out
}

// lastLink returns the link of the last mail c's server queued to address.
func (c *client) lastLink(address string) string {
	c.t.Helper()
	mails := c.mails(address)
	require.NotEmpty(c.t, mails, "no mail to %s", address)
	return mails[len(mails)-1].Data["link"]
}

// openLink starts the flow of a mailed link on c: the continue page.
func (c *client) openLink(link string) view {
	c.t.Helper()
	u, err := url.Parse(link)
	require.NoError(c.t, err)
	return c.openLinkIn(strings.TrimSuffix(strings.TrimPrefix(u.Path, "/if/flow/"), "/"), u.RawQuery)
}

// openLinkIn starts flow slug with a link's query on c: the continue page.
func (c *client) openLinkIn(slug, query string) view {
	c.t.Helper()
	res := c.startRaw(slug, query)
	require.Empty(c.t, res.Errors, "startFlow %s?%s", slug, query)
	var out struct{ StartFlow view }
	require.NoError(c.t, json.Unmarshal(res.Data, &out))
	c.absorb(&out.StartFlow)
	require.Equal(c.t, "EmailContinueChallenge", out.StartFlow.Challenge.Typename, "%+v", out.StartFlow.Challenge)
	return out.StartFlow
}

// confirmLink answers a link's continue page.
func (c *client) confirmLink(v view) view {
	c.t.Helper()
	return c.submit(v.ID, map[string]any{"emailContinue": map[string]any{"confirm": true}})
}

// followLink opens a mailed link on c and continues there.
func (c *client) followLink(link string) view {
	c.t.Helper()
	return c.confirmLink(c.openLink(link))
}
