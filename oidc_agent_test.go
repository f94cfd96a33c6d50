package main

import (
	"cmp"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// rpCallback is the relying party's redirect URI: never contacted, the
// browser-less client reads the code from the redirect.
const rpCallback = "http://127.0.0.1:9/callback"

// ssoSpec describes a client to register; zero fields take the defaults.
type ssoSpec struct {
	// slug names the application and the provider.
	slug string
	// scopes the client may be granted; nil: the provider's default.
	scopes []string
	// public registers a public client (no secret, PKCE).
	public bool
	// alg is the signing algorithm (the default, RS256, when empty).
	alg string
	// signingKey is the ID of a signing key to pin; empty: none.
	signingKey string
	// subjectMode is what the sub claim shows (HASHED_USER_ID when empty).
	subjectMode string
	// flow is the authorization flow's slug; empty: a new flow without
	// stages, <slug>-authz.
	flow string
	// redirect is the redirect URI; empty: rpCallback.
	redirect string
	// device allows the device authorization grant.
	device bool
}

// register registers an application with an OAuth2 client as spec says
// and returns the client's ID and secret ("" for a public client).
func register(tb testing.TB, admin *client, spec ssoSpec) (string, string) {
	tb.Helper()
	var flowID string
	if spec.flow == "" {
		var flow struct{ CreateFlow struct{ ID string } }
		admin.must(`mutation($s: String!) { createFlow(input: {slug: $s, name: $s, title: "Authorize", designation: AUTHORIZATION}) { id } }`,
			map[string]any{"s": spec.slug + "-authz"}, &flow)
		flowID = flow.CreateFlow.ID
	} else {
		var flows struct {
			Flows struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		admin.must(`query($s: String!) { flows(where: {slug: $s}) { edges { node { id } } } }`, map[string]any{"s": spec.flow}, &flows)
		require.Len(tb, flows.Flows.Edges, 1, "flow %s", spec.flow)
		flowID = flows.Flows.Edges[0].Node.ID
	}
	in := map[string]any{
		"name": spec.slug, "redirectUris": []any{map[string]any{"url": cmp.Or(spec.redirect, rpCallback)}},
		"authorizationFlowID": flowID, "subjectMode": cmp.Or(spec.subjectMode, "HASHED_USER_ID"),
	}
	if spec.alg != "" {
		in["signingAlgorithm"] = spec.alg
	}
	if spec.signingKey != "" {
		in["signingKeyID"] = spec.signingKey
	}
	if spec.scopes != nil {
		in["scopes"] = spec.scopes
	}
	if spec.public {
		in["clientType"] = "PUBLIC"
	}
	if spec.device {
		in["deviceAuthorization"] = true
	}
	var p struct {
		CreateOAuth2Provider struct {
			ClientSecret *string
			Provider     struct{ ID, ClientID string }
		}
	}
	admin.must(`mutation($in: CreateOAuth2ProviderInput!) { createOAuth2Provider(input: $in) { clientSecret provider { id clientId } } }`,
		map[string]any{"in": in}, &p)
	admin.must(`mutation($p: ID!, $s: String!) { createApplication(input: {name: $s, slug: $s, providerID: $p}) { id } }`,
		map[string]any{"p": p.CreateOAuth2Provider.Provider.ID, "s": spec.slug}, nil)
	secret := ""
	if p.CreateOAuth2Provider.ClientSecret != nil {
		secret = *p.CreateOAuth2Provider.ClientSecret
	}
	return p.CreateOAuth2Provider.Provider.ClientID, secret
}

// ssoApp registers a confidential client with scopes, its authorization
// flow without stages, and returns its client ID and secret.
func ssoApp(t *testing.T, admin *client, slug string, scopes []string) (string, string) {
	t.Helper()
	return register(t, admin, ssoSpec{slug: slug, scopes: scopes})
}

// agent is a browser-less user agent: it keeps c's cookies and follows
// redirects itself, driving flow pages through the GraphQL flow API.
type agent struct {
	t    testing.TB
	c    *client
	http *http.Client
	// refuse answers consent challenges with a refusal.
	refuse bool
	// consents are the consent challenges answered, oldest first.
	consents []consentSeen
	// descriptions are what the consent challenges said of each scope.
	descriptions map[string]string
	// userCode answers device code challenges; empty: the code the
	// challenge shows (the verification URI carried it).
	userCode string
	// callback is where authorize stops: the client's redirect URI
	// (rpCallback when empty).
	callback string
}

// consentSeen is a ConsentChallenge's permissions: scope → new.
type consentSeen map[string]bool

func newAgent(tb testing.TB, c *client) *agent {
	return &agent{t: tb, c: c, http: &http.Client{Jar: c.http.Jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// get fetches u (relative to the server) and returns the response, its
// body read.
func (a *agent) get(u string) (*http.Response, string) {
	a.t.Helper()
	if strings.HasPrefix(u, "/") {
		u = a.c.url + u
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
	require.NoError(a.t, err)
	resp, err := a.http.Do(req)
	require.NoError(a.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(a.t, err)
	return resp, string(body)
}

// authorize follows an authorization from authURL to the client's
// redirect URI, logging in as username on the way when asked, and
// returns that redirect.
func (a *agent) authorize(authURL, username, password string) *url.URL {
	a.t.Helper()
	next := authURL
	for range 12 {
		resp, body := a.get(next)
		require.Equal(a.t, http.StatusFound, resp.StatusCode, "%s answered %d: %s", next, resp.StatusCode, body)
		loc, err := resp.Location()
		require.NoError(a.t, err)
		if strings.HasPrefix(loc.String(), cmp.Or(a.callback, rpCallback)) {
			return loc
		}
		if slug, ok := strings.CutPrefix(loc.Path, "/if/flow/"); ok {
			next = a.runFlow(strings.TrimSuffix(slug, "/"), loc.RawQuery, username, password)
			continue
		}
		next = loc.String()
	}
	a.t.Fatal("too many redirects")
	return nil
}

// visit follows u through redirects and flow pages (logging in as
// username when asked) to the first answer that is not a redirect, and
// returns it with its body.
func (a *agent) visit(u, username, password string) (*http.Response, string) {
	a.t.Helper()
	next := u
	for range 12 {
		resp, body := a.get(next)
		if resp.StatusCode != http.StatusFound {
			return resp, body
		}
		loc, err := resp.Location()
		require.NoError(a.t, err)
		if slug, ok := strings.CutPrefix(loc.Path, "/if/flow/"); ok {
			next = a.runFlow(strings.TrimSuffix(slug, "/"), loc.RawQuery, username, password)
			continue
		}
		next = loc.String()
	}
	a.t.Fatal("too many redirects")
	return nil, ""
}

// runFlow runs the flow page slug?query as the frontend would and returns
// where it ends.
func (a *agent) runFlow(slug, query, username, password string) string {
	a.t.Helper()
	res := a.c.startRaw(slug, query)
	require.Empty(a.t, res.Errors, "startFlow %s?%s", slug, query)
	var out struct{ StartFlow view }
	require.NoError(a.t, json.Unmarshal(res.Data, &out))
	v := out.StartFlow
	for !v.Completed {
		switch v.Challenge.Typename {
		case "IdentificationChallenge":
			v = a.c.submit(v.ID, map[string]any{"identification": map[string]any{"uidField": username}})
		case "PasswordChallenge":
			v = a.c.submit(v.ID, map[string]any{"password": map[string]any{"password": password}})
		case "ConsentChallenge":
			var out struct {
				FlowExecution struct {
					Challenge struct {
						ApplicationName string
						Permissions     []struct {
							Scope, Description string
							New                bool
						}
					}
				}
			}
			a.c.must(`query($id: ID!) { flowExecution(id: $id) { challenge { ... on ConsentChallenge { applicationName permissions { scope description new } } } } }`,
				map[string]any{"id": v.ID}, &out)
			seen := consentSeen{}
			if a.descriptions == nil {
				a.descriptions = map[string]string{}
			}
			for _, p := range out.FlowExecution.Challenge.Permissions {
				seen[p.Scope] = p.New
				a.descriptions[p.Scope] = p.Description
			}
			a.consents = append(a.consents, seen)
			v = a.c.submit(v.ID, map[string]any{"consent": map[string]any{"approve": !a.refuse}})
		case "DeviceCodeChallenge":
			code := a.userCode
			if code == "" {
				var out struct {
					FlowExecution struct{ Challenge struct{ Code string } }
				}
				a.c.must(`query($id: ID!) { flowExecution(id: $id) { challenge { ... on DeviceCodeChallenge { code } } } }`,
					map[string]any{"id": v.ID}, &out)
				code = out.FlowExecution.Challenge.Code
			}
			v = a.c.submit(v.ID, map[string]any{"deviceCode": map[string]any{"code": code}})
			require.Empty(a.t, v.Challenge.Errors, "the device code %q is refused", code)
		default:
			a.t.Fatalf("unexpected challenge %s", v.Challenge.Typename)
		}
	}
	require.Equal(a.t, "RedirectChallenge", v.Challenge.Typename, "the flow ended with %s: %s", v.Challenge.Typename, v.Challenge.ErrorMessage)
	return v.Challenge.To
}
