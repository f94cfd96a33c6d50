package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/authn"
	"github.com/gatehouse-id/gatehouse/bootstrap"
	"github.com/gatehouse-id/gatehouse/config"
	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

// backends are the deployments the in-process tests run on: the embedded
// default, and PostgreSQL with Redis.
var backends = []string{"embedded", "postgres+redis"}

// fastHash keeps password checks cheap in tests.
var fastHash = credential.Params{Time: 1, MemoryKiB: 64, Threads: 1, KeyLen: 32, SaltLen: 16}

// adminPassword is admin's password in every in-process server.
const adminPassword = "correct horse battery staple"

// testServer is Gatehouse wired exactly as `serve` wires it, in this
// process, on a fresh database (and Redis prefix), with admin
// bootstrapped and the default blueprints applied.
type testServer struct {
	t   testing.TB
	app *app
	url string
	// mail is the mail the server's flows queued (its app.mail).
	mail *stagetest.Mailer
}

// serverEnv is the configuration of one backend, for one or more servers.
type serverEnv map[string]string

// newServerEnv returns the environment of a fresh deployment on backend.
func newServerEnv(tb testing.TB, backend string) serverEnv {
	tb.Helper()
	env := serverEnv{
		"GATEHOUSE_DATA_DIR":   tb.TempDir(),
		"GATEHOUSE_SECRET_KEY": randomSecret(tb) + randomSecret(tb),
		"GATEHOUSE_WORKER":     "false",
	}
	if backend == "postgres+redis" {
		env["GATEHOUSE_DATABASE_URL"] = servicetest.DatabaseURL(tb, dialect.Postgres).URL
		_, prefix := servicetest.Redis(tb)
		env["GATEHOUSE_REDIS_URL"] = servicetest.RedisURL()
		env["GATEHOUSE_REDIS_PREFIX"] = prefix
	}
	return env
}

// newTestServer starts a server of env, hashing passwords cheaply.
func newTestServer(tb testing.TB, env serverEnv) *testServer {
	tb.Helper()
	return newTestServerWith(tb, env, serverOptions{Hash: fastHash})
}

// newTestServerHashing starts a server of env whose password hashes use
// params.
func newTestServerHashing(tb testing.TB, env serverEnv, params credential.Params) *testServer {
	tb.Helper()
	return newTestServerWith(tb, env, serverOptions{Hash: params})
}

// serverOptions are what a test sets of a server beyond its environment.
type serverOptions struct {
	// Hash are the password hashes' parameters.
	Hash credential.Params
	// NowFunc is the clock of the server's flows and workers (TOTP codes,
	// links' expiry); nil means time.Now.
	NowFunc func() time.Time
}

// newTestServerWith starts a server of env as o says.
func newTestServerWith(tb testing.TB, env serverEnv, o serverOptions) *testServer {
	tb.Helper()
	params := o.Hash
	srv := httptest.NewUnstartedServer(nil)
	// A public URL may name the listener's port as {port} (a host name
	// other than the listener's address, for WebAuthn's localhost).
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	require.NoError(tb, err)
	cfg, err := config.Load(func(k string) string { return strings.ReplaceAll(env[k], "{port}", port) })
	require.NoError(tb, err)
	ctx := tb.Context()
	logger := slog.New(slog.DiscardHandler)
	a, err := open(ctx, cfg, logger)
	require.NoError(tb, err)
	tb.Cleanup(a.close)
	a.nowFunc = o.NowFunc
	require.NoError(tb, a.signingKeys.Ensure(ctx), "serve creates the first signing keys")
	hasher := credential.NewHasher(params, 0)
	_, err = bootstrap.Run(ctx, a.db.Ent, bootstrap.Params{Dialect: a.db.Dialect, Password: adminPassword, Hasher: hasher, SecretKey: a.secretKey})
	require.NoError(tb, err)

	public := cfg.PublicOrigin(srv.Listener.Addr().String()) // GATEHOUSE_PUBLIC_URL when set: replicas of one deployment
	require.NoError(tb, a.applyDefaults(ctx, public))
	// Flows' mail is recorded, unless the test gave an SMTP server: then
	// the real queue takes it, for a worker (startWorker) to deliver.
	var mail *stagetest.Mailer
	if env["GATEHOUSE_SMTP_URL"] == "" {
		mail = &stagetest.Mailer{}
		a.mail = mail
	}
	endStreams := make(chan struct{})
	closeStreams := sync.OnceFunc(func() { close(endStreams) })
	srv.Config.Handler, err = a.handler(public, hasher, endStreams)
	require.NoError(tb, err)
	a.runEmbedded(ctx)
	srv.Start()
	tb.Cleanup(func() {
		closeStreams()
		srv.Close()
	})
	return &testServer{t: tb, app: a, url: srv.URL, mail: mail}
}

// client is a GraphQL client of a test server. A browser keeps the
// session in its cookie jar; a headless client keeps the sessionToken it
// is given and sends it in the Gatehouse-Session header.
type client struct {
	t       testing.TB
	url     string
	http    *http.Client
	browser bool
	session string
	// header is sent with every request.
	header http.Header
	// mail is the mail of the server the client talks to.
	mail *stagetest.Mailer
}

func mustURL(tb testing.TB, raw string) *url.URL {
	tb.Helper()
	u, err := url.Parse(raw)
	require.NoError(tb, err)
	return u
}

// browser returns a client with a cookie jar that sends the server's
// origin, as a page of the server would.
func (s *testServer) browser() *client {
	jar, err := cookiejar.New(nil)
	require.NoError(s.t, err)
	return &client{t: s.t, url: s.url, http: &http.Client{Jar: jar, Timeout: time.Minute}, browser: true, header: http.Header{"Origin": {s.url}}, mail: s.mail}
}

// headless returns a client without cookies.
func (s *testServer) headless() *client {
	return &client{t: s.t, url: s.url, http: &http.Client{Timeout: time.Minute}, header: http.Header{}, mail: s.mail}
}

// on returns a client of server s sharing c's session (a user whose
// requests land on another server of the deployment).
func (c *client) on(s *testServer) *client {
	out := *c
	out.url, out.mail = s.url, s.mail
	if c.browser {
		out.header = http.Header{"Origin": {s.url}}
		// Cookies are per host: carry the session cookie over.
		jar, err := cookiejar.New(nil)
		require.NoError(c.t, err)
		out.http = &http.Client{Jar: jar, Timeout: time.Minute}
		from, to := mustURL(c.t, c.url), mustURL(c.t, s.url)
		jar.SetCookies(to, c.http.Jar.Cookies(from))
	}
	return &out
}

// gqlResult is a GraphQL response.
type gqlResult struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	status int
	header http.Header
}

// code returns the first error's extensions.code.
func (r gqlResult) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// do posts a GraphQL operation.
func (c *client) do(query string, vars map[string]any) gqlResult {
	c.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(c.t, err)
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, c.url+"/graphql", bytes.NewReader(body))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/json")
	maps.Copy(req.Header, c.header)
	if !c.browser && c.session != "" {
		req.Header.Set(authn.SessionHeader, c.session)
	}
	resp, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	var out gqlResult
	require.NoError(c.t, json.Unmarshal(raw, &out), string(raw))
	out.status, out.header = resp.StatusCode, resp.Header
	return out
}

// must runs an operation that must succeed and decodes its data.
func (c *client) must(query string, vars map[string]any, into any) {
	c.t.Helper()
	res := c.do(query, vars)
	require.Empty(c.t, res.Errors, "operation failed: %s", query)
	if into != nil {
		require.NoError(c.t, json.Unmarshal(res.Data, into))
	}
}

// viewer returns the username the client is logged in as, "" when anonymous.
func (c *client) viewer() string {
	c.t.Helper()
	var out struct {
		Viewer *struct {
			User *struct{ Username string }
		}
	}
	c.must(`{ viewer { user { username } } }`, nil, &out)
	if out.Viewer == nil || out.Viewer.User == nil {
		return ""
	}
	return out.Viewer.User.Username
}

// fieldError is one FieldError of a challenge.
type fieldError struct {
	Field, Message, Code string
}

// view is a FlowExecution as executionFields selects it.
type view struct {
	ID           string
	Completed    bool
	SessionToken *string
	Challenge    struct {
		Typename     string `json:"__typename"`
		Errors       []fieldError
		PendingUser  *string
		FlowInfo     struct{ Slug, Title string }
		To           string
		ExecutionID  *string
		ErrorMessage string
		Fields       []struct{ FieldKey, Type string }
		UserFields   []string
		EnrollURL    string `json:"enrollUrl"`
		// A CaptchaChallenge's.
		Provider   string
		Challenge  string
		Difficulty int
		// An EmailChallenge's (its To is the masked address).
		Verified bool
		// An IdentificationChallenge's.
		RecoveryURL string `json:"recoveryUrl"`
	}
}

// executionFields selects what tests look at.
const executionFields = `fragment execution on FlowExecution {
  id completed sessionToken
  challenge {
    __typename
    ... on FlowChallenge { errors { field message code } pendingUser flowInfo { slug title } }
    ... on IdentificationChallenge { userFields enrollUrl recoveryUrl }
    ... on EmailChallenge { to verified }
    ... on PromptChallenge { fields { fieldKey type } }
    ... on CaptchaChallenge { provider challenge difficulty }
    ... on RedirectChallenge { to executionId }
    ... on AccessDeniedChallenge { errorMessage }
  }
}`

// absorb keeps a headless client's new session token.
func (c *client) absorb(v *view) {
	if !c.browser && v.SessionToken != nil {
		c.session = *v.SessionToken
	}
}

// start starts flow slug and returns its first view.
func (c *client) start(slug string) view {
	c.t.Helper()
	return c.startWith(slug, "")
}

// startWith starts flow slug with query (a link's query string) and
// returns its first view.
func (c *client) startWith(slug, query string) view {
	c.t.Helper()
	res := c.startRaw(slug, query)
	require.Empty(c.t, res.Errors, "startFlow %s", slug)
	var out struct{ StartFlow view }
	require.NoError(c.t, json.Unmarshal(res.Data, &out))
	c.absorb(&out.StartFlow)
	return out.StartFlow
}

// startRaw starts flow slug with query.
func (c *client) startRaw(slug, query string) gqlResult {
	c.t.Helper()
	vars := map[string]any{"slug": slug}
	if query != "" {
		vars["query"] = query
	}
	return c.do(`mutation($slug: String!, $query: String) { startFlow(slug: $slug, query: $query) { ...execution } }`+executionFields, vars)
}

// submit answers execution id with response and returns the next view.
func (c *client) submit(id string, response map[string]any) view {
	c.t.Helper()
	res := c.submitRaw(id, response)
	require.Empty(c.t, res.Errors, "submitChallenge %v", response)
	var out struct{ SubmitChallenge view }
	require.NoError(c.t, json.Unmarshal(res.Data, &out))
	c.absorb(&out.SubmitChallenge)
	return out.SubmitChallenge
}

// submitRaw answers execution id with response.
func (c *client) submitRaw(id string, response map[string]any) gqlResult {
	c.t.Helper()
	return c.do(`mutation($id: ID!, $r: ChallengeResponseInput!) { submitChallenge(executionId: $id, response: $r) { ...execution } }`+executionFields,
		map[string]any{"id": id, "r": response})
}

// login runs default-authentication-flow for username and password and
// returns the final view.
func (c *client) login(username, password string) view {
	c.t.Helper()
	v := c.start("default-authentication-flow")
	require.Equal(c.t, "IdentificationChallenge", v.Challenge.Typename)
	v = c.submit(v.ID, map[string]any{"identification": map[string]any{"uidField": username}})
	require.Equal(c.t, "PasswordChallenge", v.Challenge.Typename, "errors: %v", v.Challenge.Errors)
	return c.submit(v.ID, map[string]any{"password": map[string]any{"password": password}})
}

// logout runs default-invalidation-flow.
func (c *client) logout() view {
	c.t.Helper()
	return c.start("default-invalidation-flow")
}

// eachBackend runs fn as a parallel subtest per backend.
func eachBackend(t *testing.T, fn func(t *testing.T, backend string)) {
	t.Helper()
	for _, b := range backends {
		t.Run(strings.ReplaceAll(b, "+", "_"), func(t *testing.T) {
			t.Parallel()
			fn(t, b)
		})
	}
}
