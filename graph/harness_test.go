package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/applications"
	"github.com/gatehouse-id/gatehouse/audit"
	countersql "github.com/gatehouse-id/gatehouse/counter/sqlstore"
	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/executor"
	flowstatesql "github.com/gatehouse-id/gatehouse/executor/flowstate/sqlstore"
	"github.com/gatehouse-id/gatehouse/executor/stages"
	"github.com/gatehouse-id/gatehouse/graph"
	"github.com/gatehouse-id/gatehouse/integrity"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/jobs"
	"github.com/gatehouse-id/gatehouse/oidc/keys"
	"github.com/gatehouse-id/gatehouse/outposts"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/policy/builtin"
	"github.com/gatehouse-id/gatehouse/pubsub"
	"github.com/gatehouse-id/gatehouse/seal"
	"github.com/gatehouse-id/gatehouse/session"
	sessionsql "github.com/gatehouse-id/gatehouse/session/sqlstore"
)

// testBundle is one isolated Gatehouse GraphQL API over a fresh database.
type testBundle struct {
	client  *ent.Client
	handler http.Handler
	broker  *pubsub.Local
	// keys are the signing keys, sealed under testSecretKey.
	keys *keys.Store
	// queue is the job queue (no workers run).
	queue *jobs.Queue
	// sessions are the users' sessions (SQL); outposts the outpost core.
	sessions *session.Manager
	outposts *outposts.Service
	// admin is a superuser, alice an ordinary user.
	admin, alice viewer.Viewer
	anonymous    viewer.Viewer
}

// testSecretKey seals the bundle's signing keys.
const testSecretKey = "a-secret-key-of-at-least-32-characters"

// setup builds the bundle on dialect, with optional handler options.
func setup(t *testing.T, dialect string, opts ...func(*graph.Options)) *testBundle {
	t.Helper()
	db := servicetest.Database(t, dialect)
	integrity.Install(db.Ent, integrity.Kinds{Stages: stages.All(), Policies: builtin.All()})
	broker := pubsub.NewLocal(nil)
	t.Cleanup(func() { _ = broker.Close() })
	(&audit.Recorder{Broker: broker, App: "test"}).Install(db.Ent)

	o := graph.Options{}
	for _, f := range opts {
		f(&o)
	}
	engine := policy.NewEngine(db.Ent, builtin.All(), policy.Deps{Counters: countersql.New(db.Ent, nil)}, nil)
	signingKeys, err := keys.New(db.Ent, testSecretKey, keys.Options{})
	require.NoError(t, err)
	deps := graph.Deps{
		Client:       db.Ent,
		Stages:       stages.All(),
		Policies:     builtin.All(),
		Hasher:       credential.NewHasher(credential.Params{Time: 1, MemoryKiB: 64, Threads: 1, KeyLen: 32, SaltLen: 16}, 0),
		Broker:       broker,
		PolicyEngine: engine,
		Keys:         signingKeys,
		// Enough of an executor to inspect executions (flowInspection).
		Executor: executor.New(executor.Deps{Client: db.Ent, Policies: engine},
			executor.Options{Kinds: stages.All(), Store: flowstatesql.New(db.Ent, nil), Broker: broker}),
	}
	queue, err := jobs.NewQueue(db, seal.NewKeys(testSecretKey), nil)
	require.NoError(t, err)
	deps.JobQueue = queue
	deps.PublicURL = "https://login.example.com"
	deps.Version = "gatehouse (test build)"
	deps.Secrets = seal.NewKeys(testSecretKey)
	sessions := &session.Manager{Store: sessionsql.New(db.Ent, nil)}
	deps.Sessions = sessions
	outposts.Install(db.Ent, broker, nil)
	deps.OutpostCore = &outposts.Service{
		Client: db.Ent, SecretKey: testSecretKey, Issuer: deps.PublicURL, Keys: signingKeys, UserSessions: sessions,
		Access: &applications.Access{Client: db.Ent, Policies: engine}, Broker: broker,
	}
	b := &testBundle{
		client: db.Ent, handler: graph.NewHandler(deps, o), broker: broker, keys: signingKeys, queue: queue,
		sessions: sessions, outposts: deps.OutpostCore,
	}

	ctx := viewer.SystemContext(context.Background())
	admins, err := db.Ent.Group.Create().SetName("admins").SetIsSuperuser(true).Save(ctx)
	require.NoError(t, err)
	root, err := db.Ent.User.Create().SetUsername("root").AddGroups(admins).Save(ctx)
	require.NoError(t, err)
	alice, err := db.Ent.User.Create().SetUsername("alice").SetEmail("alice@example.com").Save(ctx)
	require.NoError(t, err)
	b.admin = viewer.Viewer{Kind: viewer.User, UserID: root.ID, Username: root.Username, Superuser: true}
	b.alice = viewer.Viewer{Kind: viewer.User, UserID: alice.ID, Username: alice.Username}
	return b
}

// gqlError is one entry of a response's errors.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// code returns the extensions.code of the first error, or "".
func (r response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// do runs query as v over POST.
func (b *testBundle) do(t *testing.T, v viewer.Viewer, query string, vars map[string]any) response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	req := httptest.NewRequestWithContext(viewer.NewContext(t.Context(), v), http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	b.handler.ServeHTTP(rec, req)
	var resp response
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &resp), rec.Body.String())
	return resp
}

// mustDo runs query as v and decodes its data into out, failing on errors.
func (b *testBundle) mustDo(t *testing.T, v viewer.Viewer, query string, vars map[string]any, out any) {
	t.Helper()
	resp := b.do(t, v, query, vars)
	require.Empty(t, resp.Errors, "query failed: %s", query)
	if out != nil {
		require.NoError(t, json.Unmarshal(resp.Data, out))
	}
}

// createFlow creates a flow through the API and returns its ID.
func (b *testBundle) createFlow(t *testing.T, slug string, d enum.FlowDesignation) string {
	t.Helper()
	var out struct{ CreateFlow struct{ ID string } }
	b.mustDo(t, b.admin, `mutation($in: CreateFlowInput!) { createFlow(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"slug": slug, "name": slug, "title": "Title " + slug, "designation": upper(string(d))}}, &out)
	return out.CreateFlow.ID
}

func upper(s string) string { return string(bytes.ToUpper([]byte(s))) }

// eachDialect runs fn as a parallel subtest per SQL backend, each with its
// own bundle.
func eachDialect(t *testing.T, fn func(t *testing.T, b *testBundle)) {
	t.Helper()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, setup(t, d))
		})
	}
}

// requireCode asserts that resp failed with code and returns its first error.
func requireCode(t *testing.T, resp response, code string) gqlError {
	t.Helper()
	require.NotEmpty(t, resp.Errors, "expected error %s, got data %s", code, resp.Data)
	require.Equal(t, code, resp.code(), "errors: %+v", resp.Errors)
	return resp.Errors[0]
}

// createStage creates a stage with config (a StageConfigInput) and returns its ID.
func (b *testBundle) createStage(t *testing.T, name string, config map[string]any) string {
	t.Helper()
	var out struct{ CreateStage struct{ ID string } }
	b.mustDo(t, b.admin, `mutation($in: CreateStageInput!) { createStage(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"name": name, "config": config}}, &out)
	return out.CreateStage.ID
}

func itoa(n int) string { return strconv.Itoa(n) }
