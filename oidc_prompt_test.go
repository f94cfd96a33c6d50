package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/gatehouse-id/gatehouse/blueprints"
)

// What an authorization request's prompt and login_hint do: prompt=consent
// asks again although the consent is remembered; prompt=none answers
// consent_required (no page) when only consent is missing; login_hint
// fills in the login page's identifier.
func TestOIDCPromptAndLoginHint(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, newServerEnv(t, "embedded"))
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "grace"}, password: "Cobol-Compiler-1959") { id } }`, nil, nil)
	wikiID, wikiSecret := register(t, admin, ssoSpec{slug: "wiki", flow: blueprints.ExplicitConsentFlow, scopes: []string{"openid", "profile"}})
	notesID, notesSecret := register(t, admin, ssoSpec{slug: "notes", flow: blueprints.ExplicitConsentFlow, scopes: []string{"openid"}})
	op, err := gooidc.NewProvider(t.Context(), s.url)
	require.NoError(t, err)
	config := func(id, secret string, scopes ...string) oauth2.Config {
		return oauth2.Config{ClientID: id, ClientSecret: secret, Endpoint: op.Endpoint(), RedirectURL: rpCallback, Scopes: scopes}
	}
	wiki, notes := config(wikiID, wikiSecret, "openid", "profile"), config(notesID, notesSecret, "openid")
	pkce := oauth2.S256ChallengeOption(oauth2.GenerateVerifier())

	user := newAgent(t, s.browser())
	back := user.authorize(wiki.AuthCodeURL("s", pkce), "grace", "Cobol-Compiler-1959")
	require.NotEmpty(t, back.Query().Get("code"))
	require.Len(t, user.consents, 1)
	user.authorize(wiki.AuthCodeURL("s", pkce), "grace", "Cobol-Compiler-1959")
	require.Len(t, user.consents, 1, "remembered: not asked again")
	back = user.authorize(wiki.AuthCodeURL("s", pkce, oauth2.SetAuthURLParam("prompt", "consent")), "grace", "Cobol-Compiler-1959")
	require.NotEmpty(t, back.Query().Get("code"))
	require.Len(t, user.consents, 2, "prompt=consent asks again")

	// Signed in, never consented to notes: prompt=none shows no page.
	next := notes.AuthCodeURL("s", pkce, oauth2.SetAuthURLParam("prompt", "none"))
	for range 4 {
		resp, body := user.get(next)
		require.Equal(t, http.StatusFound, resp.StatusCode, body)
		loc, err := resp.Location()
		require.NoError(t, err)
		require.False(t, strings.HasPrefix(loc.Path, "/if/"), "no page is shown: %s", loc)
		if strings.HasPrefix(loc.String(), rpCallback) {
			require.Equal(t, "consent_required", loc.Query().Get("error"))
			require.Empty(t, loc.Query().Get("code"))
			break
		}
		next = loc.String()
	}

	// A new browser: the login page has the hint filled in.
	stranger := newAgent(t, s.browser())
	resp, body := stranger.get(wiki.AuthCodeURL("s", pkce, oauth2.SetAuthURLParam("login_hint", "grace")))
	for resp.StatusCode == http.StatusFound {
		loc, err := resp.Location()
		require.NoError(t, err)
		if slug, ok := strings.CutPrefix(loc.Path, "/if/flow/"); ok {
			res := stranger.c.startRaw(strings.TrimSuffix(slug, "/"), loc.RawQuery)
			require.Empty(t, res.Errors)
			var out struct {
				StartFlow struct{ ID string }
			}
			require.NoError(t, json.Unmarshal(res.Data, &out))
			var hint struct {
				FlowExecution struct {
					Challenge struct {
						Typename  string `json:"__typename"`
						LoginHint string
					}
				}
			}
			stranger.c.must(`query($id: ID!) { flowExecution(id: $id) { challenge { __typename ... on IdentificationChallenge { loginHint } } } }`,
				map[string]any{"id": out.StartFlow.ID}, &hint)
			require.Equal(t, "IdentificationChallenge", hint.FlowExecution.Challenge.Typename)
			require.Equal(t, "grace", hint.FlowExecution.Challenge.LoginHint)
			return
		}
		resp, body = stranger.get(loc.String())
	}
	t.Fatalf("no login page: %d %s", resp.StatusCode, body)
}
