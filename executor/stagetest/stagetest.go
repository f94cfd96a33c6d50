// Package stagetest drives stages in tests: it builds a real environment
// (a database, the SQL session and counter stores, the policy engine, a
// fast password hasher, a fixed clock, an in-memory auditor) that knows
// the kinds under test, builds their stages and drives them (Interactive,
// Skipper, Runner, Run, Submit); requests to feed stages, with sessions
// (SignIn, Anonymous); checks a kind's tests share (RequireKind,
// RunValidation, RequireSessionChange, RequireStoredEvent); per-dialect
// subtests (EachDialect, Dialects); and golden files for challenges. Test
// code only.
package stagetest

import (
	"context"
	"encoding/json"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/counter"
	countersql "github.com/gatehouse-id/gatehouse/counter/sqlstore"
	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/internal/fakeclock"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/policy/builtin"
	"github.com/gatehouse-id/gatehouse/seal"
	"github.com/gatehouse-id/gatehouse/session"
	sessionsql "github.com/gatehouse-id/gatehouse/session/sqlstore"
)

var update = flag.Bool("update", false, "rewrite golden challenge files under testdata/")

// FastHash are cheap argon2id parameters for tests.
var FastHash = credential.Params{Time: 1, MemoryKiB: 64, Threads: 1, KeyLen: 32, SaltLen: 16}

// SecretKey is the server secret key stages seal secrets under.
const SecretKey = "stagetest secret key"

// ClientIP is the address requests made by Env.Request come from.
var ClientIP = netip.MustParseAddr("203.0.113.7")

// Clock is the harness's fake clock (package fakeclock).
type Clock = fakeclock.Clock

// Event is one audit event an Auditor recorded.
type Event struct {
	Action enum.EventAction
	Data   map[string]any
}

// Auditor is an executor.Auditor that keeps events in memory, safe for
// concurrent use.
type Auditor struct {
	mu     sync.Mutex
	events []Event
}

// Record implements executor.Auditor.
func (a *Auditor) Record(_ context.Context, _ *ent.Client, action enum.EventAction, data map[string]any) (*ent.Event, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.events = append(a.events, Event{Action: action, Data: data})
	return &ent.Event{}, nil
}

// Events returns the events recorded so far, oldest first.
func (a *Auditor) Events() []Event {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Event(nil), a.events...)
}

// Env is a stage's world in a test.
type Env struct {
	// Kinds are the stage kinds given to New: Interactive, Skipper,
	// Runner and Run build stages with them.
	Kinds *executor.StageKinds
	// Ctx acts as the system, as the executor does.
	Ctx      context.Context
	Client   *ent.Client
	Deps     executor.Deps
	Clock    *Clock
	Counters counter.Store
	// Auditor receives the audit events of stages built with Deps.
	Auditor *Auditor
	// Mailer receives the mail of stages built with Deps (Deps.Mail).
	Mailer *Mailer
}

// New returns an Env on a fresh database of dialect whose Kinds are kinds
// (the kind under test and any whose configs its stages read).
func New(t *testing.T, dialect string, kinds ...executor.StageKind) *Env {
	t.Helper()
	db := servicetest.Database(t, dialect)
	clock := fakeclock.New(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	counters := countersql.New(db.Ent, &countersql.Options{NowFunc: clock.Now})
	auditor := &Auditor{}
	mailer := &Mailer{}
	deps := executor.Deps{
		Client:   db.Ent,
		Sessions: &session.Manager{Store: sessionsql.New(db.Ent, &sessionsql.Options{NowFunc: clock.Now}), NowFunc: clock.Now},
		Policies: policy.NewEngine(db.Ent, builtin.All(), policy.Deps{Counters: counters, NowFunc: clock.Now}, nil),
		Hasher:   credential.NewHasher(FastHash, 0),
		Counters: counters,
		Auditor:  auditor,
		Secrets:  seal.NewKeys(SecretKey),
		NowFunc:  clock.Now,
		Mail:     mailer, PublicURL: PublicURL,
	}
	return &Env{
		Kinds: executor.NewStageKinds(kinds...),
		Ctx:   viewer.SystemContext(context.Background()), Client: db.Ent, Deps: deps, Clock: clock, Counters: counters,
		Auditor: auditor, Mailer: mailer,
	}
}

// User creates a user with password (empty: none) and returns it.
func (e *Env) User(t *testing.T, username, email, password string) *ent.User {
	t.Helper()
	c := e.Client.User.Create().SetUsername(username).SetEmail(email)
	if password != "" {
		hash, err := e.Deps.Hasher.Hash(e.Ctx, password)
		require.NoError(t, err)
		c.SetPasswordHash(hash)
	}
	u, err := c.Save(e.Ctx)
	require.NoError(t, err)
	return u
}

// Request returns a request for a stage of kind at plan position 1 in a new
// execution of a flow titled "Test flow", from ClientIP.
func (e *Env) Request(kind string) *executor.Request {
	exec := &executor.Execution{Format: executor.DocumentFormat, Context: executor.Context{}}
	exec.Plan.Append(executor.PlanEntry{Kind: kind, Name: kind})
	entry, _ := exec.Current()
	return &executor.Request{
		Execution: exec,
		Entry:     entry,
		Flow:      executor.FlowInfo{Slug: "test-flow", Title: "Test flow", Designation: "authentication", Layout: "stacked"},
		Client:    executor.Client{IP: ClientIP, UserAgent: "stagetest", Headers: map[string]string{}},
		Now:       e.Clock.Now(),
	}
}

// RequestAbout returns a Request for kind whose execution is about the
// pending user pending (nil: none).
func (e *Env) RequestAbout(t *testing.T, kind string, pending *ent.User) *executor.Request {
	t.Helper()
	req := e.Request(kind)
	if pending != nil {
		require.NoError(t, req.Execution.Context.Set(executor.KeyPendingUser, pending.ID))
	}
	return req
}

// Build constructs a stage of kind from a config given as JSON.
func (e *Env) Build(t *testing.T, kinds *executor.StageKinds, kind, config string) executor.Stage {
	t.Helper()
	deps := e.Deps
	if deps.Kinds == nil {
		deps.Kinds = kinds // the stage may read other stages' configs
	}
	s, err := kinds.New(kind, []byte(config), deps)
	require.NoError(t, err)
	return s
}

// Golden renders the challenge s shows for req and compares its JSON with
// testdata/<name>.golden, rewriting the file with -update; it returns the
// challenge for further checks. Review golden diffs like code.
func (e *Env) Golden(t *testing.T, s executor.Interactive, req *executor.Request, name string) executor.Challenge {
	t.Helper()
	challenge, err := s.Challenge(e.Ctx, req)
	require.NoError(t, err)
	got, err := json.MarshalIndent(challenge, "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o750))
		require.NoError(t, os.WriteFile(path, got, 0o600))
	}
	want, err := os.ReadFile(path) //nolint:gosec // the test's own golden file
	require.NoError(t, err, "run with -update to create %s", path)
	require.JSONEq(t, string(want), string(got), "challenge %s changed; review and run with -update", name)
	return challenge
}
