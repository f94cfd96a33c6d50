// Package coreclient implements outpost.Core with Gatehouse's GraphQL API:
// the outpostConfig and outpostSessions queries over HTTP POST, and the
// outpostConfigChanged subscription over server-sent events (the
// graphql-sse "distinct connections" mode gqlgen serves), each request
// authenticated by the outpost's token.
//
// The embedded outpost and a standalone `gatehouse outpost` process both
// use this client; the embedded one only swaps the HTTP transport for one
// that calls the core's handler in the same process (package
// outpost/inprocess), so neither knows which it is.
package coreclient

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gatehouse-id/gatehouse/outpost"
)

// Endpoint is the GraphQL endpoint's path under the core's URL.
const Endpoint = "/graphql"

// maxResponse bounds a query's answer (a configuration with many providers
// or a full batch of sessions is far smaller).
const maxResponse = 8 << 20

// Client talks to one core as one outpost. It is safe for concurrent use.
type Client struct {
	endpoint string
	token    string
	http     *http.Client
}

// New returns a client of the core at coreURL (its public URL, e.g.
// https://login.example.com) authenticating with the outpost's token.
// httpClient nil means http.DefaultClient; its Timeout, if any, must not
// cut the subscription's stream short (use a transport's timeouts).
func New(coreURL, token string, httpClient *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(coreURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("coreclient: the core's URL must be an absolute http(s) URL, got %q", coreURL)
	}
	if strings.TrimSpace(token) == "" {
		return nil, errors.New("coreclient: no outpost token")
	}
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	return &Client{endpoint: u.String() + Endpoint, token: token, http: httpClient}, nil
}

// Error is an error the core answered with (a GraphQL error, or an HTTP
// status without one).
type Error struct {
	// Status is the HTTP status.
	Status int
	// Code is the first error's extensions.code ("" when none).
	Code string
	// Message is the first error's message.
	Message string
}

// Error implements error.
func (e *Error) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("core: %s (%s)", e.Message, e.Code)
	}
	return fmt.Sprintf("core: %s (HTTP %d)", e.Message, e.Status)
}

// Config implements outpost.Core.
func (c *Client) Config(ctx context.Context) (*outpost.Config, error) {
	var data struct {
		OutpostConfig configJSON `json:"outpostConfig"`
	}
	if err := c.query(ctx, "query OutpostConfig { outpostConfig { "+configFields+" } }", nil, &data); err != nil {
		return nil, err
	}
	return data.OutpostConfig.config(), nil
}

// Sessions implements outpost.Core.
func (c *Client) Sessions(ctx context.Context, providerID string, sids []string) ([]outpost.SessionState, error) {
	if len(sids) == 0 {
		return nil, nil
	}
	if len(sids) > outpost.MaxSessionsPerCheck {
		return nil, fmt.Errorf("coreclient: %d sids in one check, at most %d", len(sids), outpost.MaxSessionsPerCheck)
	}
	var data struct {
		OutpostSessions []sessionJSON `json:"outpostSessions"`
	}
	const q = `query OutpostSessions($providerID: ID!, $sids: [String!]!) {
  outpostSessions(providerID: $providerID, sids: $sids) {
    sid active allowed
    identity { uid username email name groups basicAuthUser basicAuthPassword }
  }
}`
	vars := map[string]any{"providerID": providerID, "sids": sids}
	if err := c.query(ctx, q, vars, &data); err != nil {
		return nil, err
	}
	out := make([]outpost.SessionState, 0, len(data.OutpostSessions))
	for _, s := range data.OutpostSessions {
		out = append(out, s.state())
	}
	return out, nil
}

// Watch implements outpost.Core: one server-sent-events stream of the
// outpostConfigChanged subscription.
func (c *Client) Watch(ctx context.Context, fn func(*outpost.Config)) error {
	body, err := json.Marshal(request{Query: "subscription OutpostConfigChanged { outpostConfigChanged { " + configFields + " } }"})
	if err != nil {
		return fmt.Errorf("coreclient: encode subscription: %w", err)
	}
	req, err := c.newRequest(ctx, body)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("coreclient: subscribe: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return answerError(resp)
	}
	events := newEventReader(resp.Body)
	for {
		event, data, err := events.next()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("coreclient: the subscription broke: %w", err)
		}
		switch event {
		case "complete":
			return errors.New("coreclient: the core ended the subscription")
		case "next":
			var payload struct {
				Data *struct {
					OutpostConfigChanged configJSON `json:"outpostConfigChanged"`
				} `json:"data"`
				Errors []gqlError `json:"errors"`
			}
			if err := json.Unmarshal(data, &payload); err != nil {
				return fmt.Errorf("coreclient: decode a subscription event: %w", err)
			}
			if len(payload.Errors) > 0 {
				return payload.Errors[0].err(http.StatusOK)
			}
			if payload.Data == nil {
				return errors.New("coreclient: a subscription event without data")
			}
			fn(payload.Data.OutpostConfigChanged.config())
		}
	}
}

// request is a GraphQL request body.
type request struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables,omitempty"`
}

// gqlError is one GraphQL error of an answer.
type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

func (e gqlError) err(status int) *Error {
	return &Error{Status: status, Code: e.Extensions.Code, Message: e.Message}
}

func (c *Client) newRequest(ctx context.Context, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("coreclient: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	return req, nil
}

// query runs one query and decodes its data into out; any GraphQL error
// fails it.
func (c *Client) query(ctx context.Context, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(request{Query: query, Variables: vars})
	if err != nil {
		return fmt.Errorf("coreclient: encode query: %w", err)
	}
	req, err := c.newRequest(ctx, body)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("coreclient: %w", err)
	}
	defer resp.Body.Close()
	var answer struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("coreclient: read the answer: %w", err)
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return &Error{Status: resp.StatusCode, Message: "an answer that is not GraphQL"}
	}
	if len(answer.Errors) > 0 {
		return answer.Errors[0].err(resp.StatusCode)
	}
	if resp.StatusCode != http.StatusOK || len(answer.Data) == 0 {
		return &Error{Status: resp.StatusCode, Message: "no data"}
	}
	if err := json.Unmarshal(answer.Data, out); err != nil {
		return fmt.Errorf("coreclient: decode the answer: %w", err)
	}
	return nil
}

// answerError reads a refused subscription's answer.
func answerError(resp *http.Response) error {
	var answer struct {
		Errors []gqlError `json:"errors"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if json.Unmarshal(raw, &answer) == nil && len(answer.Errors) > 0 {
		return answer.Errors[0].err(resp.StatusCode)
	}
	return &Error{Status: resp.StatusCode, Message: "the subscription was refused"}
}

// eventReader reads server-sent events (the WHATWG format gqlgen writes:
// "event:" and "data:" lines, a blank line ending each event, ":"
// comments for keep-alives).
type eventReader struct {
	r *bufio.Reader
}

func newEventReader(r io.Reader) *eventReader {
	return &eventReader{r: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next event's name and data.
func (e *eventReader) next() (event string, data []byte, err error) {
	var buf bytes.Buffer
	for {
		line, err := e.r.ReadString('\n')
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return "", nil, err
		}
		if buf.Len()+len(line) > maxResponse {
			return "", nil, errors.New("an event larger than the limit")
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == "":
			if event != "" || buf.Len() > 0 {
				return eventName(event), buf.Bytes(), nil
			}
		case strings.HasPrefix(line, ":"):
			// A comment: the stream's opening or a keep-alive ping.
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			if buf.Len() > 0 {
				buf.WriteByte('\n')
			}
			buf.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
		}
	}
}

// eventName names an event without an "event:" line as the format does.
func eventName(event string) string {
	if event == "" {
		return "message"
	}
	return event
}

// configFields selects every field of OutpostConfig.
const configFields = `outpostID name issuer cookieSecret
providers {
  id name applicationSlug mode externalHost internalHost internalHostTLSVerify cookieDomain skipPathRegex
  clientID clientSecret basicAuthEnabled sendAccessToken accessTokenValidity
}`

type configJSON struct {
	OutpostID    string         `json:"outpostID"`
	Name         string         `json:"name"`
	Issuer       string         `json:"issuer"`
	CookieSecret string         `json:"cookieSecret"`
	Providers    []providerJSON `json:"providers"`
}

type providerJSON struct {
	ID                    string   `json:"id"`
	Name                  string   `json:"name"`
	ApplicationSlug       string   `json:"applicationSlug"`
	Mode                  string   `json:"mode"`
	ExternalHost          string   `json:"externalHost"`
	InternalHost          string   `json:"internalHost"`
	InternalHostTLSVerify bool     `json:"internalHostTLSVerify"`
	CookieDomain          string   `json:"cookieDomain"`
	SkipPathRegex         []string `json:"skipPathRegex"`
	ClientID              string   `json:"clientID"`
	ClientSecret          string   `json:"clientSecret"`
	BasicAuthEnabled      bool     `json:"basicAuthEnabled"`
	SendAccessToken       bool     `json:"sendAccessToken"`
	AccessTokenValidity   int      `json:"accessTokenValidity"`
}

func (c configJSON) config() *outpost.Config {
	cfg := &outpost.Config{
		OutpostID: c.OutpostID, Name: c.Name, Issuer: c.Issuer, CookieSecret: c.CookieSecret,
		Providers: make([]outpost.Provider, 0, len(c.Providers)),
	}
	for _, p := range c.Providers {
		cfg.Providers = append(cfg.Providers, outpost.Provider{
			ID: p.ID, Name: p.Name, ApplicationSlug: p.ApplicationSlug, Mode: outpost.Mode(p.Mode),
			ExternalHost: p.ExternalHost, InternalHost: p.InternalHost, InternalHostTLSVerify: p.InternalHostTLSVerify,
			CookieDomain: p.CookieDomain, SkipPathRegex: p.SkipPathRegex,
			ClientID: p.ClientID, ClientSecret: p.ClientSecret,
			BasicAuthEnabled: p.BasicAuthEnabled, SendAccessToken: p.SendAccessToken,
			AccessTokenValidity: time.Duration(p.AccessTokenValidity) * time.Second,
		})
	}
	return cfg
}

type sessionJSON struct {
	SID      string `json:"sid"`
	Active   bool   `json:"active"`
	Allowed  bool   `json:"allowed"`
	Identity *struct {
		UID               string   `json:"uid"`
		Username          string   `json:"username"`
		Email             string   `json:"email"`
		Name              string   `json:"name"`
		Groups            []string `json:"groups"`
		BasicAuthUser     string   `json:"basicAuthUser"`
		BasicAuthPassword string   `json:"basicAuthPassword"`
	} `json:"identity"`
}

func (s sessionJSON) state() outpost.SessionState {
	st := outpost.SessionState{SID: s.SID, Active: s.Active, Allowed: s.Allowed}
	if i := s.Identity; i != nil && s.Active {
		st.Identity = &outpost.Identity{
			UID: i.UID, Username: i.Username, Email: i.Email, Name: i.Name, Groups: i.Groups,
			BasicAuthUser: i.BasicAuthUser, BasicAuthPassword: i.BasicAuthPassword,
		}
	}
	return st
}
