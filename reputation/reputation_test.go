package reputation_test

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/counter"
	countersql "github.com/gatehouse-id/gatehouse/counter/sqlstore"
	"github.com/gatehouse-id/gatehouse/internal/fakeclock"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/reputation"
)

// keysStore is a counter store that remembers the keys it was asked about.
type keysStore struct {
	counter.Store

	mu   sync.Mutex
	keys []string
}

func (s *keysStore) Add(ctx context.Context, key string, delta int64, ttl time.Duration, w counter.Window) (int64, error) {
	s.note(key)
	return s.Store.Add(ctx, key, delta, ttl, w)
}

func (s *keysStore) Get(ctx context.Context, key string) (int64, error) {
	s.note(key)
	return s.Store.Get(ctx, key)
}

func (s *keysStore) note(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = append(s.keys, key)
}

func (s *keysStore) asked() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.keys...)
}

// errDown is the failure of downStore.
var errDown = errors.New("store down")

// downStore is a counter store whose backend does not answer.
type downStore struct{ counter.Store }

func (downStore) Add(context.Context, string, int64, time.Duration, counter.Window) (int64, error) {
	return 0, errDown
}

func (downStore) Get(context.Context, string) (int64, error) { return 0, errDown }

type testBundle struct {
	clock *fakeclock.Clock
	store *keysStore
}

// setup returns the SQL counter store on a fresh SQLite database, read
// through a keysStore, with a fake clock.
func setup(t *testing.T) *testBundle {
	t.Helper()
	clock := fakeclock.New(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
	db := servicetest.Database(t, dialect.SQLite)
	return &testBundle{clock: clock, store: &keysStore{Store: countersql.New(db.Ent, &countersql.Options{NowFunc: clock.Now})}}
}

var badIP = netip.MustParseAddr("192.0.2.1")

func TestKeys(t *testing.T) {
	t.Parallel()
	require.Equal(t, "reputation:ip:192.0.2.1", reputation.IPKey(badIP))
	require.Equal(t, "reputation:ip:192.0.2.1", reputation.IPKey(netip.MustParseAddr("::ffff:192.0.2.1")))
	require.Equal(t, "reputation:ip:fe80::1", reputation.IPKey(netip.MustParseAddr("fe80::1%eth0")))
	require.Equal(t, "reputation:identifier:alice@example.com", reputation.IdentifierKey(" Alice@Example.com"))
}

func TestRecord(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	for range 3 {
		require.NoError(t, reputation.Record(ctx, b.store, badIP, "Alice", reputation.Failure))
	}
	require.NoError(t, reputation.Record(ctx, b.store, badIP, "alice", reputation.Success))
	ip, err := reputation.IPScore(ctx, b.store, badIP)
	require.NoError(t, err)
	require.Equal(t, int64(-2), ip)
	id, err := reputation.IdentifierScore(ctx, b.store, "ALICE")
	require.NoError(t, err)
	require.Equal(t, int64(-2), id)

	// Unknown IP, empty or oversized identifier: not recorded.
	before := len(b.store.asked())
	require.NoError(t, reputation.Record(ctx, b.store, netip.Addr{}, "", reputation.Failure))
	long := strings.Repeat("a", reputation.MaxIdentifierLength+1)
	require.NoError(t, reputation.Record(ctx, b.store, netip.Addr{}, long, reputation.Failure))
	require.Len(t, b.store.asked(), before, "nothing to record")

	// Sliding: activity keeps the score; 30 quiet days forget it.
	b.clock.Advance(reputation.TTL - time.Hour)
	require.NoError(t, reputation.Record(ctx, b.store, badIP, "", reputation.Failure))
	b.clock.Advance(reputation.TTL - time.Hour)
	ip, err = reputation.IPScore(ctx, b.store, badIP)
	require.NoError(t, err)
	require.Equal(t, int64(-3), ip)
	id, err = reputation.IdentifierScore(ctx, b.store, "alice")
	require.NoError(t, err)
	require.Equal(t, int64(0), id, "expired")

	err = reputation.Record(ctx, downStore{}, badIP, "alice", reputation.Failure)
	require.ErrorIs(t, err, errDown)
	require.ErrorContains(t, err, "ip")
	require.ErrorContains(t, err, "identifier")
}

func TestScores(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()

	// What gets no score reads as 0 without asking the store.
	v, err := reputation.IPScore(ctx, downStore{}, netip.Addr{})
	require.NoError(t, err)
	require.Zero(t, v)
	for _, identifier := range []string{"", "  ", strings.Repeat("é", reputation.MaxIdentifierLength+1)} {
		v, err := reputation.IdentifierScore(ctx, downStore{}, identifier)
		require.NoError(t, err)
		require.Zero(t, v)
	}

	// A score nobody recorded is 0; the store is asked under the score's key.
	v, err = reputation.IPScore(ctx, b.store, badIP)
	require.NoError(t, err)
	require.Zero(t, v)
	v, err = reputation.IdentifierScore(ctx, b.store, strings.Repeat("é", reputation.MaxIdentifierLength))
	require.NoError(t, err)
	require.Zero(t, v)
	require.Equal(t, []string{
		reputation.IPKey(badIP), reputation.IdentifierKey(strings.Repeat("é", reputation.MaxIdentifierLength)),
	}, b.store.asked())

	_, err = reputation.IPScore(ctx, downStore{}, badIP)
	require.ErrorIs(t, err, errDown)
	require.ErrorContains(t, err, "read reputation of ip")
	_, err = reputation.IdentifierScore(ctx, downStore{}, "alice")
	require.ErrorIs(t, err, errDown)
	require.ErrorContains(t, err, "read reputation of identifier")
}
