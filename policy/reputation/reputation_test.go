package reputation_test

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/policy/reputation"
	"github.com/gatehouse-id/gatehouse/problem"
)

// memStore is a minimal in-memory counter.Store for these tests only (the
// real backends have their own conformance suite): a map guarded by a
// mutex, expiring by an injected clock.
type memStore struct {
	mu  sync.Mutex
	now func() time.Time
	m   map[string]memCounter
	// err, when set, fails every operation.
	err error
}

type memCounter struct {
	value   int64
	expires time.Time // zero: never
}

func newMemStore(now func() time.Time) *memStore {
	return &memStore{now: now, m: map[string]memCounter{}}
}

func (s *memStore) live(key string, now time.Time) (memCounter, bool) {
	c, ok := s.m[key]
	if !ok || (!c.expires.IsZero() && !now.Before(c.expires)) {
		return memCounter{}, false
	}
	return c, true
}

func (s *memStore) Add(_ context.Context, key string, delta int64, ttl time.Duration, window counter.Window) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return 0, s.err
	}
	if window != counter.Forever && (ttl <= 0 || (window != counter.Fixed && window != counter.Sliding)) {
		return 0, errors.New("memStore: bad window or ttl")
	}
	now := s.now()
	c, ok := s.live(key, now)
	c.value += delta
	switch {
	case window == counter.Forever:
		c.expires = time.Time{}
	case window == counter.Sliding || !ok:
		c.expires = now.Add(ttl)
	}
	s.m[key] = c
	return c.value, nil
}

func (s *memStore) Get(_ context.Context, key string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return 0, s.err
	}
	c, _ := s.live(key, s.now())
	return c.value, nil
}

func (s *memStore) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, key)
	return s.err
}

func (s *memStore) DeleteExpired(_ context.Context, now time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k := range s.m {
		if _, ok := s.live(k, now); !ok {
			delete(s.m, k)
			n++
		}
	}
	return n, s.err
}

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type testBundle struct {
	clock *clock
	store *memStore
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	c := &clock{now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	return &testBundle{clock: c, store: newMemStore(c.Now)}
}

var (
	badIP  = netip.MustParseAddr("192.0.2.1")
	goodIP = netip.MustParseAddr("2001:db8::1")
)

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
	ip, err := b.store.Get(ctx, reputation.IPKey(badIP))
	require.NoError(t, err)
	require.Equal(t, int64(-2), ip)
	id, err := b.store.Get(ctx, reputation.IdentifierKey("ALICE"))
	require.NoError(t, err)
	require.Equal(t, int64(-2), id)

	// Unknown IP, empty or oversized identifier: not recorded.
	require.NoError(t, reputation.Record(ctx, b.store, netip.Addr{}, "", reputation.Failure))
	long := strings.Repeat("a", reputation.MaxIdentifierLength+1)
	require.NoError(t, reputation.Record(ctx, b.store, netip.Addr{}, long, reputation.Failure))
	b.store.mu.Lock()
	require.Len(t, b.store.m, 2)
	b.store.mu.Unlock()

	// Sliding: activity keeps the score; 30 quiet days forget it.
	b.clock.Advance(reputation.TTL - time.Hour)
	require.NoError(t, reputation.Record(ctx, b.store, badIP, "", reputation.Failure))
	b.clock.Advance(reputation.TTL - time.Hour)
	ip, err = b.store.Get(ctx, reputation.IPKey(badIP))
	require.NoError(t, err)
	require.Equal(t, int64(-3), ip)
	id, err = b.store.Get(ctx, reputation.IdentifierKey("alice"))
	require.NoError(t, err)
	require.Equal(t, int64(0), id, "expired")

	b.store.err = errors.New("store down")
	err = reputation.Record(ctx, b.store, badIP, "alice", reputation.Failure)
	require.ErrorIs(t, err, b.store.err)
	require.ErrorContains(t, err, "ip")
	require.ErrorContains(t, err, "identifier")
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	// Scores: badIP -4, "mallory" -3, goodIP +2.
	seed := func(t *testing.T, s counter.Store) {
		t.Helper()
		ctx := t.Context()
		for range 4 {
			require.NoError(t, reputation.Record(ctx, s, badIP, "", reputation.Failure))
		}
		for range 3 {
			require.NoError(t, reputation.Record(ctx, s, netip.Addr{}, "Mallory", reputation.Failure))
		}
		for range 2 {
			require.NoError(t, reputation.Record(ctx, s, goodIP, "", reputation.Success))
		}
	}
	mallory := &ent.User{Username: "mallory"}
	tests := []struct {
		name    string
		cfg     reputation.Config
		req     *policy.Request
		passing bool
	}{
		{
			"bad ip and identifier",
			reputation.Config{CheckIP: true, CheckUsername: true, Threshold: -5},
			&policy.Request{Client: policy.Client{IP: badIP}, Context: map[string]any{"pending_user_identifier": "MALLORY"}}, true,
		},
		{
			"bad ip alone above threshold",
			reputation.Config{CheckIP: true, CheckUsername: true, Threshold: -5},
			&policy.Request{Client: policy.Client{IP: badIP}}, false,
		},
		{
			"ip only",
			reputation.Config{CheckIP: true, Threshold: -4},
			&policy.Request{Client: policy.Client{IP: badIP}, User: mallory}, true,
		},
		{
			"identifier only, from the user",
			reputation.Config{CheckUsername: true, Threshold: -3},
			&policy.Request{Client: policy.Client{IP: badIP}, User: mallory}, true,
		},
		{
			"pending identifier wins over the user",
			reputation.Config{CheckUsername: true, Threshold: -3},
			&policy.Request{User: mallory, Context: map[string]any{"pending_user_identifier": "alice"}}, false,
		},
		{
			"good ip offsets",
			reputation.Config{CheckIP: true, CheckUsername: true, Threshold: -2},
			&policy.Request{Client: policy.Client{IP: goodIP}, User: mallory}, false,
		},
		{
			"nothing known sums to 0",
			reputation.Config{CheckIP: true, CheckUsername: true, Threshold: -5},
			&policy.Request{}, false,
		},
		{
			"threshold 0 passes on nothing",
			reputation.Config{CheckIP: true, CheckUsername: true, Threshold: 0},
			&policy.Request{}, true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			seed(t, b.store)
			ev, err := reputation.New(&tt.cfg, b.store)
			require.NoError(t, err)
			out, err := ev.Evaluate(t.Context(), tt.req)
			require.NoError(t, err)
			require.Equal(t, policy.Outcome{Passing: tt.passing}, out)
		})
	}
}

func TestEvaluateStoreError(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.store.err = errors.New("store down")
	ev, err := reputation.New(&reputation.Config{CheckIP: true, CheckUsername: true, Threshold: -5}, b.store)
	require.NoError(t, err)
	_, err = ev.Evaluate(t.Context(), &policy.Request{Client: policy.Client{IP: badIP}})
	require.ErrorIs(t, err, b.store.err)
	_, err = ev.Evaluate(t.Context(), &policy.Request{User: &ent.User{Username: "alice"}})
	require.ErrorIs(t, err, b.store.err)
}

func TestDefinition(t *testing.T) {
	t.Parallel()
	b := setup(t)
	kinds := policy.NewKinds(reputation.Definition())
	cfg, err := kinds.Decode(reputation.Kind, nil)
	require.NoError(t, err)
	require.Equal(t, &reputation.Config{CheckIP: true, CheckUsername: true, Threshold: -5}, cfg)

	_, err = kinds.Decode(reputation.Kind, []byte(`{"check_ip": false, "check_username": false}`))
	var fe *problem.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "config.check_ip", fe.Field)

	_, err = kinds.New(reputation.Kind, nil, policy.Deps{})
	require.ErrorContains(t, err, "counter store")

	for range 5 {
		require.NoError(t, reputation.Record(t.Context(), b.store, badIP, "", reputation.Failure))
	}
	ev, err := kinds.New(reputation.Kind, nil, policy.Deps{Counters: b.store})
	require.NoError(t, err)
	out, err := ev.Evaluate(t.Context(), &policy.Request{Client: policy.Client{IP: badIP}})
	require.NoError(t, err)
	require.True(t, out.Passing)
}
