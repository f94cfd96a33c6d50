package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gatehouse-id/gatehouse/graph"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
	"github.com/gatehouse-id/gatehouse/internal/logtest"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

// binary is the gatehouse executable built once for these tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gatehouse-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "gatehouse")
	if out, err := exec.CommandContext(context.Background(), "go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build gatehouse: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	browsertest.Close()
	_ = os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// process is a running gatehouse binary.
type process struct {
	t      *testing.T
	cmd    *exec.Cmd
	url    string
	banner string
	stderr *logtest.Buffer
	exited chan error
	token  string
}

var readyLine = regexp.MustCompile(`^Gatehouse is ready at (\S+)$`)

func randomSecret(tb testing.TB) string {
	tb.Helper()
	var b [24]byte
	_, err := rand.Read(b[:])
	require.NoError(tb, err)
	return hex.EncodeToString(b[:])
}

// start runs `gatehouse serve` with env and waits until it reports ready.
func start(t *testing.T, env map[string]string) *process {
	t.Helper()
	p := &process{t: t, stderr: &logtest.Buffer{}, exited: make(chan error, 1), token: env["GATEHOUSE_BOOTSTRAP_TOKEN"]}
	cmd := exec.CommandContext(context.Background(), binary, "serve")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "GATEHOUSE_LISTEN=127.0.0.1:0"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stderr = p.stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	p.cmd = cmd

	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	go func() { p.exited <- cmd.Wait() }()
	t.Cleanup(func() { p.stop() })

	timeout := time.After(90 * time.Second)
	var banner strings.Builder
	for p.url == "" {
		select {
		case line, ok := <-lines:
			require.True(t, ok, "gatehouse exited before it was ready:\n%s", p.stderr.String())
			banner.WriteString(line + "\n")
			if m := readyLine.FindStringSubmatch(line); m != nil {
				p.url = m[1]
			}
		case <-timeout:
			t.Fatalf("gatehouse did not become ready:\n%s", p.stderr.String())
		}
	}
	// The rest of the banner follows at once, up to a blank line.
	for line := range lines {
		if line == "" {
			break
		}
		banner.WriteString(line + "\n")
	}
	go func() {
		for range lines { // keep the pipe drained
		}
	}()
	p.banner = banner.String()
	return p
}

// stop sends SIGTERM and requires a clean exit within the shutdown timeout.
func (p *process) stop() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.exited:
		require.NoError(p.t, err, "gatehouse did not exit cleanly:\n%s", p.stderr.String())
	case <-time.After(60 * time.Second):
		_ = p.cmd.Process.Kill()
		p.t.Fatalf("gatehouse did not stop on SIGTERM:\n%s", p.stderr.String())
	}
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// gql posts query with the bootstrap token (when token is true).
func (p *process) gql(token bool, query string, vars map[string]any) (int, gqlResponse) {
	p.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(p.t, err)
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, p.url+"/graphql", bytes.NewReader(body))
	require.NoError(p.t, err)
	req.Header.Set("Content-Type", "application/json")
	if token {
		req.Header.Set("Authorization", "Bearer "+p.token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(p.t, err)
	defer resp.Body.Close()
	var out gqlResponse
	raw, err := io.ReadAll(resp.Body)
	require.NoError(p.t, err)
	require.NoError(p.t, json.Unmarshal(raw, &out), string(raw))
	return resp.StatusCode, out
}

func (p *process) mustGQL(query string, vars map[string]any, into any) {
	p.t.Helper()
	status, resp := p.gql(true, query, vars)
	require.Equal(p.t, http.StatusOK, status)
	require.Empty(p.t, resp.Errors, "query %s", query)
	if into != nil {
		require.NoError(p.t, json.Unmarshal(resp.Data, into))
	}
}

// headless returns a GraphQL client of the process without cookies.
func (p *process) headless() *client {
	return &client{t: p.t, url: p.url, http: &http.Client{Timeout: time.Minute}, header: http.Header{}}
}

func (p *process) get(path string) (int, string) {
	p.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, p.url+path, nil)
	require.NoError(p.t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(p.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(p.t, err)
	return resp.StatusCode, string(b)
}

func TestEmbeddedServer(t *testing.T) { //nolint:tparallel // the "api" group is sequential: the restart below must wait for it
	t.Parallel()
	dataDir := t.TempDir()
	env := map[string]string{"GATEHOUSE_DATA_DIR": dataDir, "GATEHOUSE_BOOTSTRAP_TOKEN": "gth_" + randomSecret(t)}
	p := start(t, env)

	require.Regexp(t, `Created superuser "admin" with password: \S{20,}`, p.banner)
	status, body := p.get("/-/health/ready")
	require.Equal(t, http.StatusOK, status)
	require.JSONEq(t, `{"status":"ok","checks":{"database":"ok"}}`, body)

	status, resp := p.gql(false, `mutation { createFlow(input: {slug: "x", name: "x", title: "x", designation: AUTHENTICATION}) { id } }`, nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "UNAUTHENTICATED", resp.code())

	var flow struct{ CreateFlow struct{ ID string } }
	p.mustGQL(`mutation { createFlow(input: {slug: "login", name: "Login", title: "Welcome", designation: AUTHENTICATION}) { id } }`, nil, &flow)
	var viewer struct {
		Viewer struct {
			User       struct{ Username string }
			AuthMethod string
		}
	}
	p.mustGQL(`{ viewer { user { username } authMethod } }`, nil, &viewer)
	require.Equal(t, "admin", viewer.Viewer.User.Username)
	require.Equal(t, "TOKEN", viewer.Viewer.AuthMethod)

	// A GraphQL-only client logs in as admin through the default flow,
	// with the password the banner printed, sees itself, and logs out.
	password := regexp.MustCompile(`Created superuser "admin" with password: (\S+)`).FindStringSubmatch(p.banner)[1]
	c := p.headless()
	require.True(t, c.login("admin", password).Completed)
	require.Equal(t, "admin", c.viewer())
	require.True(t, c.logout().Completed)
	require.Empty(t, c.viewer())

	// Independent checks against the running server, in parallel; the
	// group returns when all are done.
	t.Run("api", func(t *testing.T) {
		t.Run("GET serves queries only", func(t *testing.T) {
			t.Parallel()
			q := url.Values{"query": {`{ __typename }`}}
			status, body := p.get("/graphql?" + q.Encode())
			require.Equal(t, http.StatusOK, status)
			require.JSONEq(t, `{"data":{"__typename":"Query"}}`, body)
			q = url.Values{"query": {`mutation { deleteFlow(id: "` + flow.CreateFlow.ID + `") }`}}
			status, body = p.get("/graphql?" + q.Encode())
			require.NotEqual(t, http.StatusOK, status, body)
		})

		t.Run("oversized body is refused", func(t *testing.T) {
			t.Parallel()
			body := `{"query":"{ __typename }","variables":{"pad":"` + strings.Repeat("a", 2<<20) + `"}}`
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, p.url+"/graphql", strings.NewReader(body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			raw, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, string(raw))
			require.Contains(t, string(raw), `"PAYLOAD_TOO_LARGE"`)
			status, _ := p.get("/-/health/live")
			require.Equal(t, http.StatusOK, status)
		})

		t.Run("cross-origin cookie request is refused", func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, p.url+"/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			req.AddCookie(&http.Cookie{Name: "gatehouse_session", Value: "x"})
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, http.StatusForbidden, resp.StatusCode)
		})

		t.Run("websocket subscription", func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			events := p.subscribeWS(ctx, t, map[string]any{"Authorization": "Bearer " + p.token})
			ev := triggerUntil(ctx, t, events, func(i int) {
				p.mustGQL(`mutation($n: String!) { createGroup(input: {name: $n}) { id } }`, map[string]any{"n": fmt.Sprintf("ws-%d", i)}, nil)
			})
			require.Equal(t, "MODEL_CREATED", ev.Action)
			require.Equal(t, "group", ev.Context["model"])
		})

		t.Run("websocket from a foreign origin is refused", func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, resp, err := websocket.Dial(ctx, strings.Replace(p.url, "http", "ws", 1)+"/graphql", &websocket.DialOptions{
				Subprotocols: []string{"graphql-transport-ws"},
				HTTPHeader:   http.Header{"Origin": {"https://evil.example"}},
			})
			require.Error(t, err)
			require.Equal(t, http.StatusForbidden, resp.StatusCode)
		})

		t.Run("websocket with bad credentials is closed", func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			conn := p.dialWS(ctx, t)
			require.NoError(t, wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer wrong"}}))
			var msg map[string]any
			err := wsjson.Read(ctx, conn, &msg)
			require.Error(t, err, "the server closes instead of acknowledging: %v", msg)
			require.Equal(t, websocket.StatusCode(4403), websocket.CloseStatus(err))
		})

		t.Run("anonymous websocket subscription is refused", func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			conn := p.dialWS(ctx, t)
			require.NoError(t, wsjson.Write(ctx, conn, map[string]any{"type": "connection_init"}))
			var ack map[string]any
			require.NoError(t, wsjson.Read(ctx, conn, &ack))
			require.Equal(t, "connection_ack", ack["type"])
			require.NoError(t, wsjson.Write(ctx, conn, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { eventCreated { id } }`}}))
			var msg struct {
				Type    string `json:"type"`
				Payload struct {
					Data   any `json:"data"`
					Errors []struct {
						Extensions map[string]any `json:"extensions"`
					} `json:"errors"`
				} `json:"payload"`
			}
			require.NoError(t, wsjson.Read(ctx, conn, &msg))
			require.Equal(t, "next", msg.Type)
			require.Nil(t, msg.Payload.Data)
			require.Len(t, msg.Payload.Errors, 1)
			require.Equal(t, "UNAUTHENTICATED", msg.Payload.Errors[0].Extensions["code"])
		})

		t.Run("SSE subscription", func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			events := p.subscribeSSE(ctx, t)
			ev := triggerUntil(ctx, t, events, func(i int) {
				p.mustGQL(`mutation($n: String!) { createGroup(input: {name: $n}) { id } }`, map[string]any{"n": fmt.Sprintf("sse-%d", i)}, nil)
			})
			require.Equal(t, "MODEL_CREATED", ev.Action)
			require.Equal(t, "group", ev.Context["model"])
		})
	})

	// A restart on the same data directory keeps the data and bootstraps
	// nothing again. SIGTERM must end the process cleanly even with a
	// subscription open. Without Redis, sessions live in the SQL database:
	// a signed-in client stays signed in across the restart.
	kept := p.headless()
	require.True(t, kept.login("admin", password).Completed)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p.subscribeSSE(ctx, t)
	p.stop()
	q := start(t, env)
	require.NotContains(t, q.banner, "Created superuser")
	kept.url = q.url
	require.Equal(t, "admin", kept.viewer(), "the session outlives the process")
	var flows struct{ Flows struct{ TotalCount int } }
	q.mustGQL(`{ flows(first: 1, where: {slug: "login"}) { totalCount } }`, nil, &flows)
	require.Equal(t, 1, flows.Flows.TotalCount)
}

type event struct {
	Action  string         `json:"action"`
	Context map[string]any `json:"context"`
}

const eventSubscription = `subscription { eventCreated(where: {actionIn: [MODEL_CREATED]}) { action context } }`

func (p *process) dialWS(ctx context.Context, t *testing.T) *websocket.Conn {
	t.Helper()
	conn, _, err := websocket.Dial(ctx, strings.Replace(p.url, "http", "ws", 1)+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"},
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.CloseNow() })
	return conn
}

// subscribeWS opens eventCreated over graphql-transport-ws and returns the
// events it streams.
func (p *process) subscribeWS(ctx context.Context, t *testing.T, initPayload map[string]any) <-chan event {
	t.Helper()
	conn := p.dialWS(ctx, t)
	require.NoError(t, wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": initPayload}))
	var ack map[string]any
	require.NoError(t, wsjson.Read(ctx, conn, &ack))
	require.Equal(t, "connection_ack", ack["type"])
	require.NoError(t, wsjson.Write(ctx, conn, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": eventSubscription}}))
	out := make(chan event, 8)
	go func() {
		defer close(out)
		for {
			var msg struct {
				Type    string `json:"type"`
				Payload struct {
					Data struct {
						EventCreated event `json:"eventCreated"`
					} `json:"data"`
				} `json:"payload"`
			}
			if err := wsjson.Read(ctx, conn, &msg); err != nil {
				return
			}
			if msg.Type == "next" {
				out <- msg.Payload.Data.EventCreated
			}
		}
	}()
	return out
}

// triggerUntil repeats trigger (which must cause a MODEL_CREATED event)
// until events yields one, and returns it. The subscription protocols do
// not say when a subscription is live, so the first trigger may come too
// early; each later one is a fresh chance, bounded by ctx.
func triggerUntil(ctx context.Context, t *testing.T, events <-chan event, trigger func(i int)) event {
	t.Helper()
	for i := 0; ; i++ {
		trigger(i)
		select {
		case ev, ok := <-events:
			require.True(t, ok, "the subscription ended")
			return ev
		case <-time.After(500 * time.Millisecond):
		case <-ctx.Done():
			t.Fatal("no event arrived")
		}
	}
}

// subscribeSSE opens eventCreated over SSE and returns its events.
func (p *process) subscribeSSE(ctx context.Context, t *testing.T) <-chan event {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": eventSubscription})
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url+"/graphql", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	out := make(chan event, 8)
	ready := make(chan struct{})
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			once.Do(func() { close(ready) })
			data, ok := strings.CutPrefix(line, "data: ")
			if !ok {
				continue
			}
			var msg struct {
				Data struct {
					EventCreated event `json:"eventCreated"`
				} `json:"data"`
			}
			if json.Unmarshal([]byte(data), &msg) == nil && msg.Data.EventCreated.Action != "" {
				out <- msg.Data.EventCreated
			}
		}
	}()
	select {
	case <-ready: // gqlgen writes ":\n\n" once the subscription is set up
	case <-ctx.Done():
		t.Fatal("SSE stream did not start")
	}
	return out
}

func TestPostgresRedisServers(t *testing.T) {
	t.Parallel()
	dbCfg := servicetest.DatabaseURL(t, dialect.Postgres)
	_, prefix := servicetest.Redis(t)
	token := "gth_" + randomSecret(t)
	env := map[string]string{
		"GATEHOUSE_DATABASE_URL":    dbCfg.URL,
		"GATEHOUSE_REDIS_URL":       servicetest.RedisURL(),
		"GATEHOUSE_REDIS_PREFIX":    prefix,
		"GATEHOUSE_SECRET_KEY":      randomSecret(t),
		"GATEHOUSE_DATA_DIR":        t.TempDir(),
		"GATEHOUSE_BOOTSTRAP_TOKEN": token,
	}
	env["GATEHOUSE_BOOTSTRAP_PASSWORD"] = adminPassword
	a := start(t, env)
	envB := maps.Clone(env)
	envB["GATEHOUSE_DATA_DIR"] = t.TempDir()
	envB["GATEHOUSE_WORKER"] = "false"
	b := start(t, envB)
	require.Contains(t, a.banner, "Created superuser")
	require.NotContains(t, b.banner, "Created superuser", "the second server finds the first's bootstrap")

	status, body := a.get("/-/health/ready")
	require.Equal(t, http.StatusOK, status)
	require.JSONEq(t, `{"status":"ok","checks":{"database":"ok","redis":"ok"}}`, body)

	// A login started on one server is finished on the other; the session
	// works on both, and logging out on one ends it on both.
	onA := a.headless()
	v := onA.start("default-authentication-flow")
	v = onA.submit(v.ID, map[string]any{"identification": map[string]any{"uidField": "admin"}})
	require.Equal(t, "PasswordChallenge", v.Challenge.Typename)
	onB := a.headless()
	onB.url, onB.session = b.url, onA.session
	v = onB.submit(v.ID, map[string]any{"password": map[string]any{"password": adminPassword}})
	require.True(t, v.Completed, "%+v", v.Challenge)
	onA.session = onB.session
	require.Equal(t, "admin", onA.viewer())
	require.Equal(t, "admin", onB.viewer())
	require.True(t, onB.logout().Completed)
	require.Empty(t, onA.viewer(), "the session ended on server A too")

	// A subscription on one server sees a change made through the other.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	events := a.subscribeWS(ctx, t, map[string]any{"Authorization": "Bearer " + token})
	created := map[string]bool{}
	ev := triggerUntil(ctx, t, events, func(i int) {
		var flow struct{ CreateFlow struct{ ID string } }
		b.mustGQL(`mutation($s: String!) { createFlow(input: {slug: $s, name: "Shared", title: "Shared", designation: AUTHENTICATION}) { id } }`,
			map[string]any{"s": fmt.Sprintf("shared-%d", i)}, &flow)
		created[flow.CreateFlow.ID] = true
	})
	require.Equal(t, "flow", ev.Context["model"])
	id, ok := ev.Context["id"].(string)
	require.True(t, ok, "event context id: %v", ev.Context)
	require.True(t, created[id], "the event is of a flow created through server B")
	var flows struct{ Flows struct{ TotalCount int } }
	a.mustGQL(`{ flows(first: 1, where: {slugHasPrefix: "shared-"}) { totalCount } }`, nil, &flows)
	require.Equal(t, len(created), flows.Flows.TotalCount, "server A reads what server B wrote")

	// The worker command runs alone and stops cleanly.
	worker := exec.CommandContext(context.Background(), binary, "worker")
	worker.Env = []string{"PATH=" + os.Getenv("PATH"), "GATEHOUSE_DATABASE_URL=" + dbCfg.URL, "GATEHOUSE_LOG_FORMAT=json"}
	stderr := &logtest.Buffer{}
	worker.Stderr = stderr
	require.NoError(t, worker.Start())
	exited := make(chan error, 1)
	go func() { exited <- worker.Wait() }()
	deadline := time.After(60 * time.Second)
	for !strings.Contains(stderr.String(), "gatehouse worker running") {
		select {
		case err := <-exited:
			t.Fatalf("worker exited early: %v\n%s", err, stderr.String())
		case <-deadline:
			t.Fatalf("worker did not start:\n%s", stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	require.NoError(t, worker.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-exited:
		require.NoError(t, err, stderr.String())
	case <-time.After(60 * time.Second):
		_ = worker.Process.Kill()
		t.Fatal("worker did not stop on SIGTERM")
	}
}

func TestCommandLine(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		args []string
		env  []string
		code int
		out  string
	}{
		"version":          {[]string{"version"}, nil, 0, "gatehouse"},
		"schema":           {[]string{"schema"}, nil, 0, graph.SDL()},
		"no command":       {nil, nil, 2, "usage: gatehouse"},
		"unknown command":  {[]string{"launch"}, nil, 2, "usage: gatehouse"},
		"bad database URL": {[]string{"serve"}, []string{"GATEHOUSE_DATABASE_URL=mysql://x"}, 2, "GATEHOUSE_DATABASE_URL must start with postgres://"},
		"short token":      {[]string{"serve"}, []string{"GATEHOUSE_BOOTSTRAP_TOKEN=short"}, 2, "GATEHOUSE_BOOTSTRAP_TOKEN must be at least 32 characters"},
		"migrate embedded": {[]string{"migrate"}, []string{"GATEHOUSE_DATA_DIR=" + t.TempDir()}, 0, ""},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.CommandContext(t.Context(), binary, c.args...)
			cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, c.env...)
			out, err := cmd.CombinedOutput()
			code := 0
			if exitErr, ok := err.(*exec.ExitError); ok { //nolint:errorlint // exec returns it unwrapped
				code = exitErr.ExitCode()
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, c.code, code, string(out))
			require.Contains(t, string(out), c.out)
		})
	}
}
