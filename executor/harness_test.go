package executor_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/flowstate"
	"github.com/gatehouse-id/gatehouse/executor/flowstate/redisstore"
	"github.com/gatehouse-id/gatehouse/executor/flowstate/sqlstore"
	"github.com/gatehouse-id/gatehouse/executor/stages"
	"github.com/gatehouse-id/gatehouse/executor/stages/dummy"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/pubsub"
	"github.com/gatehouse-id/gatehouse/session"
)

// backend is one combination of the services an executor runs on: the SQL
// database (configuration, sessions, counters) and the execution store.
type backend struct {
	name    string
	dialect string
	// redis keeps executions in Redis instead of the SQL database.
	redis bool
}

// backends are the SQL databases every scenario runs on, with executions
// in the same database (the embedded mode).
var backends = []backend{
	{name: "sqlite", dialect: dialect.SQLite},
	{name: "postgres", dialect: dialect.Postgres},
}

// storeBackends add executions kept in Redis (production) to backends,
// for the scenarios about executions themselves: expiry, ownership,
// compare-and-set, cancelling, watching. The execution store does not
// depend on the SQL dialect, so Redis runs with SQLite alone.
var storeBackends = append(slices.Clip(backends),
	backend{name: "sqlite_redis", dialect: dialect.SQLite, redis: true},
)

// eachBackend runs fn as a parallel subtest per backend.
func eachBackend(t *testing.T, fn func(t *testing.T, be backend)) {
	t.Helper()
	run(t, backends, fn)
}

// eachStore runs fn as a parallel subtest per store backend.
func eachStore(t *testing.T, fn func(t *testing.T, be backend)) {
	t.Helper()
	run(t, storeBackends, fn)
}

func run(t *testing.T, bes []backend, fn func(t *testing.T, be backend)) {
	t.Helper()
	for _, be := range bes {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			fn(t, be)
		})
	}
}

// testClient is the HTTP client every test request comes from.
var testClient = executor.Client{
	IP:        netip.MustParseAddr("203.0.113.7"),
	UserAgent: "executor_test",
	Headers:   map[string]string{},
}

// options tune setup; the zero value is the default.
type options struct {
	// ttl is the executor's ExecutionTTL (0: the default).
	ttl time.Duration
	// wrapStore wraps the execution store the executor uses.
	wrapStore func(flowstate.Store) flowstate.Store
	// invalidationCounters is the counter store InvalidateOn bumps (nil:
	// the executor's own, as server.go wires it).
	invalidationCounters func(counter.Store) counter.Store
	// noBroker runs the executor without a pub/sub broker.
	noBroker bool
	// startLimits are the executor's StartLimits (zero: the defaults).
	startLimits executor.StartLimits
}

// testBundle is one test's world: a fresh database, an execution store, a
// broker, a clock and an executor wired as server.go wires them.
type testBundle struct {
	env *stagetest.Env
	// ctx acts as the system.
	ctx      context.Context
	client   *ent.Client
	clock    *stagetest.Clock
	store    flowstate.Store
	broker   *pubsub.Local
	kinds    *executor.StageKinds
	executor *executor.Executor
	seq      atomic.Int64
}

func setup(t *testing.T, be backend, opts ...options) *testBundle {
	t.Helper()
	var o options
	if len(opts) > 0 {
		o = opts[0]
	}
	// The stores share the Env's clock, which starts in 2030: expiry times
	// handed to Redis (native PEXPIREAT) lie in the real future, so Redis
	// never forgets an execution before the fake clock says it expired.
	env := stagetest.New(t, be.dialect)
	var store flowstate.Store
	if be.redis {
		rc, prefix := servicetest.Redis(t)
		store = redisstore.New(rc, prefix, &redisstore.Options{NowFunc: env.Clock.Now})
	} else {
		store = sqlstore.New(env.Client, &sqlstore.Options{NowFunc: env.Clock.Now})
	}
	b := &testBundle{env: env, ctx: env.Ctx, client: env.Client, clock: env.Clock, store: store, kinds: stages.All()}
	invalidation := env.Counters
	if o.invalidationCounters != nil {
		invalidation = o.invalidationCounters(invalidation)
	}
	executor.InvalidateOn(env.Client, invalidation, nil)
	if o.wrapStore != nil {
		store = o.wrapStore(store)
	}
	var broker pubsub.Broker
	if !o.noBroker {
		b.broker = pubsub.NewLocal(nil)
		t.Cleanup(func() { _ = b.broker.Close() })
		broker = b.broker
	}
	b.executor = executor.New(env.Deps, executor.Options{
		Kinds: b.kinds, Store: store, Broker: broker, ExecutionTTL: o.ttl, StartLimits: o.startLimits,
	})
	return b
}

// withCounters returns another executor on b's stores whose stages count
// with counters instead.
func (b *testBundle) withCounters(t *testing.T, counters counter.Store) *executor.Executor {
	t.Helper()
	deps := b.env.Deps
	deps.Counters = counters
	return executor.New(deps, executor.Options{Kinds: b.kinds, Store: b.store})
}

// name returns a name unique within the test, starting with prefix.
func (b *testBundle) name(prefix string) string {
	return prefix + "-" + strconv.FormatInt(b.seq.Add(1), 10)
}

// flow creates an authentication flow named slug, changed by opts.
func (b *testBundle) flow(t *testing.T, slug string, opts ...func(*ent.FlowCreate)) *ent.Flow {
	t.Helper()
	c := b.client.Flow.Create().
		SetSlug(slug).SetName(slug).SetTitle("Title of " + slug).
		SetDesignation(enum.FlowDesignationAuthentication)
	for _, opt := range opts {
		opt(c)
	}
	f, err := c.Save(b.ctx)
	require.NoError(t, err)
	return f
}

// stage creates a stage of kind with config (JSON) and returns it.
func (b *testBundle) stage(t *testing.T, kind, name, config string) *ent.Stage {
	t.Helper()
	s, err := b.client.Stage.Create().SetName(name).SetKind(kind).SetConfig(json.RawMessage(config)).Save(b.ctx)
	require.NoError(t, err)
	return s
}

// bind places s in f at order, with the binding changed by opts.
func (b *testBundle) bind(t *testing.T, f *ent.Flow, s *ent.Stage, order int, opts ...func(*ent.FlowStageBindingCreate)) *ent.FlowStageBinding {
	t.Helper()
	c := b.client.FlowStageBinding.Create().SetFlowID(f.ID).SetStageID(s.ID).SetOrder(order)
	for _, opt := range opts {
		opt(c)
	}
	fsb, err := c.Save(b.ctx)
	require.NoError(t, err)
	return fsb
}

// dummy binds a new dummy stage called name to f at order; a dummy
// challenge shows its stage's name, which tells the tests where a flow is.
func (b *testBundle) dummy(t *testing.T, f *ent.Flow, name string, order int, opts ...func(*ent.FlowStageBindingCreate)) *ent.FlowStageBinding {
	t.Helper()
	return b.bind(t, f, b.stage(t, dummy.Kind, name, `{}`), order, opts...)
}

// policy creates a policy of kind with config (JSON).
func (b *testBundle) policy(t *testing.T, kind, config string) *ent.PolicyDefinition {
	t.Helper()
	p, err := b.client.PolicyDefinition.Create().
		SetName(b.name(kind)).SetKind(kind).SetConfig(json.RawMessage(config)).Save(b.ctx)
	require.NoError(t, err)
	return p
}

// expression creates an expression policy of the CEL source expr.
func (b *testBundle) expression(t *testing.T, expr string) *ent.PolicyDefinition {
	t.Helper()
	cfg, err := json.Marshal(map[string]string{"expression": expr})
	require.NoError(t, err)
	return b.policy(t, "expression", string(cfg))
}

// verdict creates a dummy policy that always returns pass.
func (b *testBundle) verdict(t *testing.T, pass bool) *ent.PolicyDefinition {
	t.Helper()
	return b.policy(t, "dummy", `{"result": `+strconv.FormatBool(pass)+`}`)
}

// target is what a policy binding attaches to.
type target struct {
	flow    *ent.Flow
	binding *ent.FlowStageBinding
}

func (b *testBundle) bindSubject(t *testing.T, to target, set func(*ent.PolicyBindingCreate), opts ...func(*ent.PolicyBindingCreate)) *ent.PolicyBinding {
	t.Helper()
	c := b.client.PolicyBinding.Create()
	switch {
	case to.flow != nil:
		c.SetFlowID(to.flow.ID)
	case to.binding != nil:
		c.SetFlowStageBindingID(to.binding.ID)
	default:
		t.Fatal("a policy binding needs a target")
	}
	set(c)
	for _, opt := range opts {
		opt(c)
	}
	pb, err := c.Save(b.ctx)
	require.NoError(t, err)
	return pb
}

// bindPolicy binds p to the target.
func (b *testBundle) bindPolicy(t *testing.T, to target, p *ent.PolicyDefinition, opts ...func(*ent.PolicyBindingCreate)) *ent.PolicyBinding {
	t.Helper()
	return b.bindSubject(t, to, func(c *ent.PolicyBindingCreate) { c.SetPolicyID(p.ID) }, opts...)
}

// bindUser binds the user u to the target.
func (b *testBundle) bindUser(t *testing.T, to target, u *ent.User, opts ...func(*ent.PolicyBindingCreate)) {
	t.Helper()
	b.bindSubject(t, to, func(c *ent.PolicyBindingCreate) { c.SetUserID(u.ID) }, opts...)
}

// bindGroup binds the group g to the target.
func (b *testBundle) bindGroup(t *testing.T, to target, g *ent.Group, opts ...func(*ent.PolicyBindingCreate)) {
	t.Helper()
	b.bindSubject(t, to, func(c *ent.PolicyBindingCreate) { c.SetGroupID(g.ID) }, opts...)
}

// user creates an active user called name with password.
func (b *testBundle) user(t *testing.T, name, password string) *ent.User {
	t.Helper()
	return b.env.User(t, name, name+"@example.com", password)
}

// group creates a group, a child of parents.
func (b *testBundle) group(t *testing.T, superuser bool, members []*ent.User, parents ...*ent.Group) *ent.Group {
	t.Helper()
	g, err := b.client.Group.Create().SetName(b.name("group")).SetIsSuperuser(superuser).
		AddUsers(members...).AddParents(parents...).Save(b.ctx)
	require.NoError(t, err)
	return g
}

// anonymous starts an anonymous session.
func (b *testBundle) anonymous(t *testing.T) session.ID {
	t.Helper()
	id, _, err := b.env.Deps.Sessions.Start(b.ctx, session.Client{IP: testClient.IP.String()})
	require.NoError(t, err)
	return id
}

// login returns a new session of u.
func (b *testBundle) login(t *testing.T, u *ent.User) session.ID {
	t.Helper()
	id, _, err := b.env.Deps.Sessions.Login(b.ctx, "", u.ID, session.LoginOptions{})
	require.NoError(t, err)
	return id
}

// start starts the flow slug for sid with query.
func (b *testBundle) start(t *testing.T, slug string, sid session.ID, query string) *executor.View {
	t.Helper()
	v, err := b.executor.Start(t.Context(), executor.StartParams{Slug: slug, Query: query, SessionID: sid, Client: testClient})
	require.NoError(t, err)
	require.NotEmpty(t, v.ID)
	return v
}

// submit answers the execution id as sid.
func (b *testBundle) submit(t *testing.T, id string, sid session.ID, resp executor.Response) *executor.View {
	t.Helper()
	v, err := b.executor.Submit(t.Context(), executor.SubmitParams{ExecutionID: id, SessionID: sid, Response: resp, Client: testClient})
	require.NoError(t, err)
	require.Equal(t, id, v.ID)
	return v
}

// get reads the execution id as sid.
func (b *testBundle) get(t *testing.T, id string, sid session.ID) *executor.View {
	t.Helper()
	v, err := b.executor.Get(t.Context(), id, sid, testClient)
	require.NoError(t, err)
	return v
}

// record returns the stored record of the execution id.
func (b *testBundle) record(t *testing.T, id string) *flowstate.Record {
	t.Helper()
	rec, err := b.store.Get(b.ctx, id)
	require.NoError(t, err)
	return rec
}

// execution decodes the stored execution id.
func (b *testBundle) execution(t *testing.T, id string) *executor.Execution {
	t.Helper()
	var e executor.Execution
	require.NoError(t, json.Unmarshal(b.record(t, id).Document, &e))
	return &e
}

// generation returns the configuration generation InvalidateOn bumps.
func (b *testBundle) generation(t *testing.T) int64 {
	t.Helper()
	g, err := b.env.Counters.Get(b.ctx, executor.GenerationKey)
	require.NoError(t, err)
	return g
}

// dummyName returns the name of the dummy stage v shows, failing the test
// when v shows anything else.
func dummyName(t *testing.T, v *executor.View) string {
	t.Helper()
	require.False(t, v.Completed, "the flow ended: %#v", v.Challenge)
	c, ok := v.Challenge.(*dummy.Challenge)
	require.True(t, ok, "want a dummy challenge, got %#v", v.Challenge)
	return c.Name
}

// requireRedirect asserts that v ended the flow with a redirect to to.
func requireRedirect(t *testing.T, v *executor.View, to string) {
	t.Helper()
	require.True(t, v.Completed)
	c, ok := v.Challenge.(*executor.RedirectChallenge)
	require.True(t, ok, "want a redirect, got %#v", v.Challenge)
	require.Equal(t, to, c.To)
}

// requireDenied asserts that v ended the flow with an access-denied
// challenge saying message.
func requireDenied(t *testing.T, v *executor.View, message string) {
	t.Helper()
	require.True(t, v.Completed)
	c, ok := v.Challenge.(*executor.AccessDeniedChallenge)
	require.True(t, ok, "want access denied, got %#v", v.Challenge)
	require.Equal(t, message, c.ErrorMessage)
}

// continueResponse answers a dummy challenge.
func continueResponse() executor.Response { return &dummy.Response{Continue: true} }

// gatedStore is a partial fake of a flowstate.Store: once armed for n
// readers, every Get waits after reading until n Gets have read, so that
// n concurrent requests all start from the same version.
type gatedStore struct {
	flowstate.Store

	mu      sync.Mutex
	n       int
	arrived int
	release chan struct{}
}

// arm makes the next n Gets wait for each other.
func (s *gatedStore) arm(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n, s.arrived, s.release = n, 0, make(chan struct{})
}

// Get implements flowstate.Store.
func (s *gatedStore) Get(ctx context.Context, id string) (*flowstate.Record, error) {
	rec, err := s.Store.Get(ctx, id)
	s.mu.Lock()
	release := s.release
	if release != nil {
		s.arrived++
		if s.arrived == s.n {
			close(release)
			s.release = nil
		}
	}
	s.mu.Unlock()
	if release != nil {
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return rec, err
}

// errCountersDown is the failure of downCounters.
var errCountersDown = errors.New("counter store unavailable")

// downCounters is a counter store whose writes fail, as when Redis is
// briefly unreachable; reads still work.
type downCounters struct {
	counter.Store
}

// Add implements counter.Store: it always fails.
func (downCounters) Add(context.Context, string, int64, time.Duration, counter.Window) (int64, error) {
	return 0, errCountersDown
}
