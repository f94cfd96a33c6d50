package coreclient_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/outpost"
	"github.com/gatehouse-id/gatehouse/outpost/coreclient"
)

const configJSON = `{"outpostID":"T3V0cG9zdDox","name":"Embedded outpost","issuer":"https://login.example.com","cookieSecret":"c",
"providers":[{"id":"UHJveHk6MQ==","name":"Wiki","applicationSlug":"wiki","mode":"FORWARD_DOMAIN","externalHost":"https://wiki.example.com",
"internalHost":"","internalHostTLSVerify":true,"cookieDomain":"example.com","skipPathRegex":["/public/.*"],"clientID":"cid","clientSecret":"cs",
"basicAuthEnabled":false,"sendAccessToken":true,"accessTokenValidity":600}]}`

// fakeCore answers like the core's GraphQL endpoint.
func fakeCore(t *testing.T, events chan string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/graphql" || r.Header.Get("Authorization") != "Bearer gho_token" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"errors":[{"message":"the credentials are not valid","extensions":{"code":"UNAUTHENTICATED"}}]}`)
			return
		}
		var req struct {
			Query     string         `json:"query"`
			Variables map[string]any `json:"variables"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		switch {
		case strings.HasPrefix(req.Query, "subscription"):
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, ":\n\n")
			_ = http.NewResponseController(w).Flush()
			for ev := range events {
				fmt.Fprint(w, ev)
				_ = http.NewResponseController(w).Flush()
			}
		case strings.Contains(req.Query, "outpostSessions"):
			sids, _ := req.Variables["sids"].([]any)
			if req.Variables["providerID"] != "UHJveHk6MQ==" || len(sids) != 2 {
				fmt.Fprint(w, `{"errors":[{"message":"no such provider","path":["outpostSessions"],"extensions":{"code":"NOT_FOUND"}}],"data":null}`)
				return
			}
			fmt.Fprint(w, `{"data":{"outpostSessions":[
{"sid":"a","active":true,"allowed":true,"identity":{"uid":"u1","username":"alice","email":"a@example.com","name":"Alice","groups":["admins","staff"],"basicAuthUser":"","basicAuthPassword":""}},
{"sid":"b","active":false,"allowed":false,"identity":null}]}}`)
		default:
			fmt.Fprint(w, `{"data":{"outpostConfig":`+configJSON+`}}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestConfigAndSessions(t *testing.T) {
	t.Parallel()
	srv := fakeCore(t, nil)
	c, err := coreclient.New(srv.URL+"/", "gho_token", srv.Client())
	require.NoError(t, err)

	cfg, err := c.Config(t.Context())
	require.NoError(t, err)
	require.Equal(t, "https://login.example.com", cfg.Issuer)
	require.Equal(t, []outpost.Provider{{
		ID: "UHJveHk6MQ==", Name: "Wiki", ApplicationSlug: "wiki", Mode: outpost.ModeForwardDomain,
		ExternalHost: "https://wiki.example.com", InternalHostTLSVerify: true, CookieDomain: "example.com",
		SkipPathRegex: []string{"/public/.*"}, ClientID: "cid", ClientSecret: "cs", SendAccessToken: true,
		AccessTokenValidity: 10 * time.Minute,
	}}, cfg.Providers)

	states, err := c.Sessions(t.Context(), "UHJveHk6MQ==", []string{"a", "b"})
	require.NoError(t, err)
	require.Equal(t, []outpost.SessionState{
		{SID: "a", Active: true, Allowed: true, Identity: &outpost.Identity{UID: "u1", Username: "alice", Email: "a@example.com", Name: "Alice", Groups: []string{"admins", "staff"}}},
		{SID: "b"},
	}, states)

	_, err = c.Sessions(t.Context(), "other", []string{"a", "b"})
	var coreErr *coreclient.Error
	require.ErrorAs(t, err, &coreErr)
	require.Equal(t, "NOT_FOUND", coreErr.Code, "a GraphQL error's code reaches the caller")

	_, err = c.Sessions(t.Context(), "UHJveHk6MQ==", make([]string, outpost.MaxSessionsPerCheck+1))
	require.ErrorContains(t, err, "at most", "an oversized batch is refused before it is sent")

	bad, err := coreclient.New(srv.URL, "wrong", srv.Client())
	require.NoError(t, err)
	_, err = bad.Config(t.Context())
	require.ErrorAs(t, err, &coreErr)
	require.Equal(t, coreclient.Error{Status: http.StatusUnauthorized, Code: "UNAUTHENTICATED", Message: "the credentials are not valid"}, *coreErr)
	err = bad.Watch(t.Context(), func(*outpost.Config) { t.Error("no config without credentials") })
	require.ErrorAs(t, err, &coreErr)
	require.Equal(t, "UNAUTHENTICATED", coreErr.Code, "a refused subscription says why")
}

func TestWatch(t *testing.T) {
	t.Parallel()
	events := make(chan string, 4)
	srv := fakeCore(t, events)
	c, err := coreclient.New(srv.URL, "gho_token", srv.Client())
	require.NoError(t, err)

	events <- "event: next\ndata: {\"data\":{\"outpostConfigChanged\":" + strings.ReplaceAll(configJSON, "\n", "") + "}}\n\n"
	events <- ": ping\n\n"
	events <- "event: next\ndata: {\"data\":{\"outpostConfigChanged\":{\"outpostID\":\"T3V0cG9zdDox\",\"name\":\"Renamed\",\"providers\":[]}}}\n\n"
	events <- "event: complete\n\n"
	close(events)
	var got []*outpost.Config
	err = c.Watch(t.Context(), func(cfg *outpost.Config) { got = append(got, cfg) })
	require.ErrorContains(t, err, "ended the subscription", "the caller learns the stream ended and reconnects")
	require.Len(t, got, 2, "a keep-alive is no configuration")
	require.Equal(t, "Wiki", got[0].Providers[0].Name)
	require.Equal(t, "Renamed", got[1].Name)
	require.Empty(t, got[1].Providers)
}

func TestNewRefusesBadArguments(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "login.example.com", "ftp://login.example.com", "https://"} {
		_, err := coreclient.New(u, "t", nil)
		require.Error(t, err, u)
	}
	_, err := coreclient.New("https://login.example.com", " ", nil)
	require.Error(t, err)
}
