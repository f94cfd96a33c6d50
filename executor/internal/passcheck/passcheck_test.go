package passcheck_test

import (
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/counter"
	countersql "github.com/gatehouse-id/gatehouse/counter/sqlstore"
	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/executor/internal/passcheck"
	"github.com/gatehouse-id/gatehouse/internal/fakeclock"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

// fastParams keep the test quick; the work per check is what is counted.
var fastParams = credential.Params{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// Addresses attempts come from.
var (
	clientIP = netip.MustParseAddr("198.51.100.4")
	otherIP  = netip.MustParseAddr("198.51.100.9")
)

// window is the limits' window in these tests.
const window = 15 * time.Minute

type testBundle struct {
	c      *passcheck.Checker
	client *ent.Client
	clock  *fakeclock.Clock
}

// setup returns a checker on SQLite with a fake clock, allowing three
// failures per account and perIP per address.
func setup(t *testing.T, perIP int64) *testBundle {
	t.Helper()
	db := servicetest.Database(t, "sqlite3")
	clock := fakeclock.New(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	return &testBundle{
		c: &passcheck.Checker{
			Client:   db.Ent,
			Hasher:   credential.NewHasher(fastParams, 0),
			Counters: countersql.New(db.Ent, &countersql.Options{NowFunc: clock.Now}),
			Limits:   passcheck.Limits{PerAccount: 3, PerIP: perIP, Window: window},
		},
		client: db.Ent,
		clock:  clock,
	}
}

// rightPassword is every test user's password.
const rightPassword = "right horse battery"

func newUser(t *testing.T, c *passcheck.Checker, client *ent.Client, name string, active bool) *ent.User {
	t.Helper()
	password := rightPassword
	ctx := viewer.SystemContext(t.Context())
	hash, err := c.Hasher.Hash(ctx, password)
	require.NoError(t, err)
	u, err := client.User.Create().SetUsername(name).SetPasswordHash(hash).SetIsActive(active).Save(ctx)
	require.NoError(t, err)
	return u
}

// check runs one attempt from clientIP and returns its verdict and how
// many argon2id verifications it computed.
func check(t *testing.T, c *passcheck.Checker, u *ent.User, identifier, password string) (passcheck.Verdict, int64) {
	t.Helper()
	return checkFrom(t, c, u, identifier, password, clientIP)
}

// checkFrom runs one attempt from ip, as check does.
func checkFrom(t *testing.T, c *passcheck.Checker, u *ent.User, identifier, password string, ip netip.Addr) (passcheck.Verdict, int64) {
	t.Helper()
	before := c.Hasher.Verifications()
	v, _, err := c.Check(viewer.SystemContext(context.Background()), passcheck.Attempt{
		User: u, Identifier: identifier, Password: password,
		IP: ip, Backends: []string{passcheck.BackendInbuilt},
	})
	require.NoError(t, err)
	return v, c.Hasher.Verifications() - before
}

// The limits the stages apply (a Checker without Limits), spelled out so
// that a change to them shows up here.
func TestDefaultLimits(t *testing.T) {
	t.Parallel()
	require.Equal(t, passcheck.Limits{PerAccount: 10, PerIP: 50, Window: 15 * time.Minute}, passcheck.DefaultLimits)
}

func TestEveryRejectionCostsOneVerification(t *testing.T) {
	t.Parallel()
	b := setup(t, 100)
	c, client := b.c, b.client
	alice := newUser(t, c, client, "alice", true)
	gone := newUser(t, c, client, "gone", false)

	for _, tc := range []struct {
		name     string
		user     *ent.User
		password string
		want     passcheck.Verdict
	}{
		{"right password", alice, "right horse battery", passcheck.Accepted},
		{"wrong password", alice, "wrong", passcheck.Rejected},
		{"unknown user", nil, "right horse battery", passcheck.Rejected},
		{"inactive user, right password", gone, "right horse battery", passcheck.Rejected},
	} {
		identifier := "nobody"
		if tc.user != nil {
			identifier = tc.user.Username
		}
		verdict, work := check(t, c, tc.user, identifier, tc.password)
		require.Equal(t, tc.want, verdict, tc.name)
		require.EqualValues(t, 1, work, "%s: exactly one argon2id verification, so timing tells nothing", tc.name)
	}
}

func TestThrottledAttemptsAreRefusedAlikeWithoutHashing(t *testing.T) {
	t.Parallel()
	b := setup(t, 100)
	c, client := b.c, b.client
	bob := newUser(t, c, client, "bob", true)

	for range 3 { // the limit: three failures per identifier
		verdict, _ := check(t, c, bob, "bob", "wrong")
		require.Equal(t, passcheck.Rejected, verdict)
	}
	for _, password := range []string{"wrong", "right horse battery"} {
		verdict, work := check(t, c, bob, "bob", password)
		require.Equal(t, passcheck.Throttled, verdict, "past the limit, whatever the password")
		require.Zero(t, work, "a throttled attempt spends no hash")
	}
	for range 3 {
		check(t, c, nil, "ghost", "wrong")
	}
	verdict, work := check(t, c, nil, "ghost", "wrong")
	require.Equal(t, passcheck.Throttled, verdict, "unknown identifiers are throttled alike")
	require.Zero(t, work)
}

// Every spelling of one account draws on one budget: failures typed as the
// username lock the email address too, and the other way round.
func TestEverySpellingOfAnAccountSharesOneBudget(t *testing.T) {
	t.Parallel()
	b := setup(t, 100)
	c, client := b.c, b.client
	carol := newUser(t, c, client, "carol", true)
	carol = client.User.UpdateOne(carol).SetEmail("carol@example.com").SaveX(viewer.SystemContext(t.Context()))

	for _, typed := range []string{"carol", "CAROL", "carol@example.com"} { // the limit: three
		verdict, _ := check(t, c, carol, typed, "wrong")
		require.Equal(t, passcheck.Rejected, verdict)
	}
	for _, typed := range []string{"Carol@Example.com", "carol"} {
		verdict, work := check(t, c, carol, typed, "right horse battery")
		require.Equal(t, passcheck.Throttled, verdict, "%q is the same account: locked", typed)
		require.Zero(t, work)
	}

	// Unknown identifiers keep a budget per typed identifier, as before.
	dave := newUser(t, c, client, "dave", true)
	for range 3 {
		check(t, c, nil, "nobody@example.com", "wrong")
	}
	verdict, _ := check(t, c, dave, "dave", "right horse battery")
	require.Equal(t, passcheck.Accepted, verdict, "another account is not affected")
}

// A lock outlives the loss of the counters (a Redis restored from an old
// snapshot): the account stays locked for the window from the failure
// that used up its budget, and so does an unknown identifier.
func TestLockoutsSurviveLosingTheCounters(t *testing.T) {
	t.Parallel()
	db := servicetest.Database(t, "sqlite3")
	clock := fakeclock.New(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	newCounters := func() counter.Store { // a fresh, empty store: what a lost Redis leaves
		return countersql.New(servicetest.Database(t, "sqlite3").Ent, &countersql.Options{NowFunc: clock.Now})
	}
	c := &passcheck.Checker{
		Client: db.Ent, Hasher: credential.NewHasher(fastParams, 0), Counters: newCounters(),
		Lockouts: countersql.New(db.Ent, &countersql.Options{NowFunc: clock.Now}),
		Limits:   passcheck.Limits{PerAccount: 3, PerIP: 100, Window: 15 * time.Minute},
	}
	erin := newUser(t, c, db.Ent, "erin", true)
	for range 3 {
		verdict, _ := check(t, c, erin, "erin", "wrong")
		require.Equal(t, passcheck.Rejected, verdict)
		verdict, _ = check(t, c, nil, "ghost", "wrong")
		require.Equal(t, passcheck.Rejected, verdict)
	}

	c.Counters = newCounters() // every count is gone
	verdict, work := check(t, c, erin, "erin", "right horse battery")
	require.Equal(t, passcheck.Throttled, verdict, "the account stays locked")
	require.Zero(t, work)
	verdict, _ = check(t, c, nil, "ghost", "wrong")
	require.Equal(t, passcheck.Throttled, verdict, "unknown identifiers alike")

	clock.Advance(15 * time.Minute)
	verdict, _ = check(t, c, erin, "erin", "right horse battery")
	require.Equal(t, passcheck.Accepted, verdict, "the lock ends with its window")
}

// An account's budget is spent from any address, and comes back when the
// window from the first failure has passed; unknown identifiers are
// counted however they are typed.
func TestBudgetSpansAddressesUntilTheWindowPasses(t *testing.T) {
	t.Parallel()
	b := setup(t, 100)
	frank := newUser(t, b.c, b.client, "frank", true)
	for i := range 3 { // the limit: three
		verdict, _ := checkFrom(t, b.c, frank, "frank", "wrong", []netip.Addr{clientIP, otherIP}[i%2])
		require.Equal(t, passcheck.Rejected, verdict)
	}
	for _, ip := range []netip.Addr{clientIP, otherIP, netip.MustParseAddr("2001:db8::1")} {
		verdict, _ := checkFrom(t, b.c, frank, "frank", rightPassword, ip)
		require.Equal(t, passcheck.Throttled, verdict, "from %s too", ip)
	}
	for _, typed := range []string{"nobody", "NoBody", " nobody "} {
		verdict, _ := check(t, b.c, nil, typed, "wrong")
		require.Equal(t, passcheck.Rejected, verdict)
	}
	verdict, _ := checkFrom(t, b.c, nil, "NOBODY", "wrong", otherIP)
	require.Equal(t, passcheck.Throttled, verdict, "one budget for every spelling of an unknown identifier")

	b.clock.Advance(window - time.Second)
	verdict, _ = check(t, b.c, frank, "frank", rightPassword)
	require.Equal(t, passcheck.Throttled, verdict, "the window has not passed")
	b.clock.Advance(time.Second)
	verdict, _ = check(t, b.c, frank, "frank", rightPassword)
	require.Equal(t, passcheck.Accepted, verdict, "the window has passed")
	verdict, _ = check(t, b.c, nil, "nobody", "wrong")
	require.Equal(t, passcheck.Rejected, verdict, "for unknown identifiers too")
}

// A success gives the account its whole budget back.
func TestSuccessResetsTheAccountBudget(t *testing.T) {
	t.Parallel()
	b := setup(t, 100)
	grace := newUser(t, b.c, b.client, "grace", true)
	for range 2 {
		verdict, _ := check(t, b.c, grace, "grace", "wrong")
		require.Equal(t, passcheck.Rejected, verdict)
	}
	verdict, _ := check(t, b.c, grace, "grace", rightPassword)
	require.Equal(t, passcheck.Accepted, verdict)
	for i := range 3 {
		verdict, _ := check(t, b.c, grace, "grace", "wrong")
		require.Equal(t, passcheck.Rejected, verdict, "failure %d after the success", i+1)
	}
	verdict, _ = check(t, b.c, grace, "grace", rightPassword)
	require.Equal(t, passcheck.Throttled, verdict)
}

// An address that fails for many identifiers is throttled for every
// identifier, other addresses are not, and its budget comes back with the
// window; successes do not spend it.
func TestAddressBudget(t *testing.T) {
	t.Parallel()
	b := setup(t, 3)
	heidi := newUser(t, b.c, b.client, "heidi", true)
	for range 5 { // more than the address's budget: each success gives its slot back
		verdict, _ := check(t, b.c, heidi, "heidi", rightPassword)
		require.Equal(t, passcheck.Accepted, verdict)
	}
	for i := range 3 {
		verdict, _ := check(t, b.c, nil, fmt.Sprintf("user-%d", i), "wrong")
		require.Equal(t, passcheck.Rejected, verdict)
	}
	verdict, work := check(t, b.c, heidi, "heidi", rightPassword)
	require.Equal(t, passcheck.Throttled, verdict, "past the address's budget, any identifier")
	require.Zero(t, work)
	verdict, _ = checkFrom(t, b.c, heidi, "heidi", rightPassword, otherIP)
	require.Equal(t, passcheck.Accepted, verdict, "other addresses are not throttled")

	b.clock.Advance(window)
	verdict, _ = check(t, b.c, heidi, "heidi", rightPassword)
	require.Equal(t, passcheck.Accepted, verdict, "the window has passed")
}
