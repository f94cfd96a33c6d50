package redisstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/session"
	"github.com/gatehouse-id/gatehouse/session/redisstore"
	"github.com/gatehouse-id/gatehouse/session/sessiontest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	sessiontest.Run(t, newStore)
}

func TestConcurrency(t *testing.T) {
	t.Parallel()
	sessiontest.RunConcurrency(t, newStore)
}

func TestConcurrencyStaysBelowMaxAttempts(t *testing.T) {
	t.Parallel()
	require.Less(t, sessiontest.Concurrency, redisstore.MaxAttempts)
}

// inspectedStore lets the suite see every key and value under the test's
// prefix.
type inspectedStore struct {
	*redisstore.Store

	client *redis.Client
	prefix string
}

var _ sessiontest.Inspector = inspectedStore{}

func newStore(t *testing.T, clock *sessiontest.Clock) session.Store {
	t.Helper()
	client, prefix := servicetest.Redis(t)
	return inspectedStore{
		Store:  redisstore.New(client, prefix, &redisstore.Options{NowFunc: clock.Now}),
		client: client,
		prefix: prefix,
	}
}

// StoredText implements sessiontest.Inspector.
func (s inspectedStore) StoredText(ctx context.Context) ([]string, error) {
	var out []string
	iter := s.client.Scan(ctx, 0, s.prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		out = append(out, key)
		typ, err := s.client.Type(ctx, key).Result()
		if err != nil {
			return nil, err
		}
		switch typ {
		case "string":
			v, err := s.client.Get(ctx, key).Result()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		case "set":
			v, err := s.client.SMembers(ctx, key).Result()
			if err != nil {
				return nil, err
			}
			out = append(out, v...)
		case "zset":
			v, err := s.client.ZRange(ctx, key, 0, -1).Result()
			if err != nil {
				return nil, err
			}
			out = append(out, v...)
		default:
			return nil, fmt.Errorf("unexpected %s key %s", typ, key)
		}
	}
	return out, iter.Err()
}

// testBundle is a store on its own prefix, with direct access to Redis to
// check the documented key layout.
type testBundle struct {
	store  *redisstore.Store
	client *redis.Client
	prefix string
	clock  *sessiontest.Clock
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	client, prefix := servicetest.Redis(t)
	clock := sessiontest.NewRealClock()
	return &testBundle{
		store:  redisstore.New(client, prefix, &redisstore.Options{NowFunc: clock.Now}),
		client: client,
		prefix: prefix,
		clock:  clock,
	}
}

func (b *testBundle) create(t *testing.T, userID int) (session.ID, *session.Session) {
	t.Helper()
	id, err := session.NewID()
	require.NoError(t, err)
	now := b.clock.Now()
	s := &session.Session{
		UserID: userID, Scope: "scope", CreatedAt: now, LastSeenAt: now,
		IdleTimeout: time.Hour, ExpiresAt: now.Add(24 * time.Hour),
	}
	require.NoError(t, b.store.Create(t.Context(), id, s))
	return id, s
}

func (b *testBundle) sessionKey(id session.ID) string { return b.prefix + "session:" + id.Key() }
func (b *testBundle) userKey(userID int) string {
	return b.prefix + "user_sessions:" + strconv.Itoa(userID)
}

// expireTime returns key's native expiry.
func (b *testBundle) expireTime(t *testing.T, key string) time.Time {
	t.Helper()
	d, err := b.client.PExpireTime(t.Context(), key).Result()
	require.NoError(t, err)
	require.Positive(t, d, "%s has no expiry", key)
	return time.UnixMilli(d.Milliseconds())
}

func TestKeyLayout(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	id, s := b.create(t, 7)
	anonID, _ := b.create(t, 0)

	raw, err := b.client.Get(ctx, b.sessionKey(id)).Bytes()
	require.NoError(t, err)
	var stored session.Session
	require.NoError(t, json.Unmarshal(raw, &stored))
	require.Equal(t, 7, stored.UserID)
	require.True(t, b.expireTime(t, b.sessionKey(id)).Equal(s.Deadline()), "session key expires at the idle deadline")

	members, err := b.client.SMembers(ctx, b.userKey(7)).Result()
	require.NoError(t, err)
	require.Equal(t, []string{id.Key()}, members)
	require.True(t, b.expireTime(t, b.userKey(7)).Equal(s.Deadline()))

	require.Equal(t, int64(1), b.client.Exists(ctx, b.sessionKey(anonID)).Val())
	n, err := b.client.Exists(ctx, b.userKey(0)).Result()
	require.NoError(t, err)
	require.Zero(t, n, "anonymous sessions are not indexed")

	active, err := b.client.ZRangeWithScores(ctx, b.prefix+"active_sessions", 0, -1).Result()
	require.NoError(t, err)
	require.Equal(t, []redis.Z{{Score: float64(s.Deadline().UnixMilli()), Member: id.Key()}}, active,
		"the active set holds signed-in sessions only, scored by deadline")
}

// DeleteExpired (the periodic sweep) prunes the active set, so it does not
// grow when nobody counts.
func TestDeleteExpiredPrunesActiveSet(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	expiring, _ := b.create(t, 7)
	require.NoError(t, b.store.Update(ctx, expiring, func(s *session.Session) error {
		s.IdleTimeout = time.Minute
		return nil
	}))
	live, _ := b.create(t, 8)
	now := b.clock.Advance(time.Minute)
	n, err := b.store.DeleteExpired(ctx, now)
	require.NoError(t, err)
	require.Zero(t, n, "Redis expired the session itself")
	members, err := b.client.ZRange(ctx, b.prefix+"active_sessions", 0, -1).Result()
	require.NoError(t, err)
	require.Equal(t, []string{live.Key()}, members)
}

func TestUpdateMovesNativeExpiry(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id, s := b.create(t, 7)

	now := b.clock.Advance(30 * time.Minute)
	require.NoError(t, b.store.Update(t.Context(), id, func(s *session.Session) error {
		s.LastSeenAt = now
		return nil
	}))
	want := now.Add(s.IdleTimeout)
	require.True(t, b.expireTime(t, b.sessionKey(id)).Equal(want))
	require.True(t, b.expireTime(t, b.userKey(7)).Equal(want), "the user's set lives as long as its sessions")

	// Absolute expiry caps the native one.
	require.NoError(t, b.store.Update(t.Context(), id, func(s *session.Session) error {
		s.ExpiresAt = now.Add(time.Minute + 500*time.Microsecond)
		return nil
	}))
	require.True(t, b.expireTime(t, b.sessionKey(id)).Equal(now.Add(time.Minute+time.Millisecond)),
		"expiry rounds up to the millisecond")
}

func TestUpdateMovesIndex(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	id, _ := b.create(t, 7)
	require.NoError(t, b.store.Update(ctx, id, func(s *session.Session) error {
		s.UserID = 8
		return nil
	}))
	require.False(t, b.client.SIsMember(ctx, b.userKey(7), id.Key()).Val())
	require.True(t, b.client.SIsMember(ctx, b.userKey(8), id.Key()).Val())
}

func TestListByUserPrunesDeadMembers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	liveID, _ := b.create(t, 7)
	expiredID, _ := b.create(t, 7)
	require.NoError(t, b.store.Update(ctx, expiredID, func(s *session.Session) error {
		s.IdleTimeout = time.Minute
		return nil
	}))
	otherID, _ := b.create(t, 8)
	missing, err := session.NewID()
	require.NoError(t, err)
	// Members that no longer match: a vanished key, and another user's.
	require.NoError(t, b.client.SAdd(ctx, b.userKey(7), missing.Key(), otherID.Key()).Err())

	b.clock.Advance(time.Minute)
	list, err := b.store.ListByUser(ctx, 7)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Contains(t, list, liveID.Key())
	members, err := b.client.SMembers(ctx, b.userKey(7)).Result()
	require.NoError(t, err)
	require.Equal(t, []string{liveID.Key()}, members)
	require.True(t, b.client.SIsMember(ctx, b.userKey(8), otherID.Key()).Val(), "other users' sets are untouched")
}

func TestUpdateGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	id, _ := b.create(t, 7)

	// Every run of fn sees the key changed behind its back, as if another
	// process kept winning.
	calls := 0
	err := b.store.Update(ctx, id, func(s *session.Session) error {
		calls++
		require.NoError(t, b.client.PExpire(ctx, b.sessionKey(id), time.Hour+time.Duration(calls)*time.Millisecond).Err())
		s.UserAgent = "never stored"
		return nil
	})
	require.ErrorIs(t, err, redis.TxFailedErr)
	require.Equal(t, redisstore.MaxAttempts, calls)
	got, err := b.store.Get(ctx, id)
	require.NoError(t, err)
	require.Empty(t, got.UserAgent)
}

// TestRedisDownIsUnavailable stops Redis under a store: every method must
// fail with problem.ErrUnavailable, and none may say the session is not
// there (a session that could not be read is not a missing one).
func TestRedisDownIsUnavailable(t *testing.T) {
	t.Parallel()
	pr := servicetest.StartPrivateRedis(t)
	clock := sessiontest.NewRealClock()
	b := &testBundle{client: pr.OutageClient(t), prefix: "test:", clock: clock}
	b.store = redisstore.New(b.client, b.prefix, &redisstore.Options{NowFunc: clock.Now})
	id, s := b.create(t, 7)
	pr.Stop(t)

	ctx := t.Context()
	other, err := session.NewID()
	require.NoError(t, err)
	fnRan := false
	for name, call := range map[string]func() error{
		"Get":        func() error { _, err := b.store.Get(ctx, id); return err },
		"Get absent": func() error { _, err := b.store.Get(ctx, other); return err },
		"Create":     func() error { return b.store.Create(ctx, other, s) },
		"Update": func() error {
			return b.store.Update(ctx, id, func(*session.Session) error { fnRan = true; return nil })
		},
		"Delete":      func() error { return b.store.Delete(ctx, id) },
		"DeleteByKey": func() error { return b.store.DeleteByKey(ctx, id.Key()) },
		"ListByUser":  func() error { _, err := b.store.ListByUser(ctx, 7); return err },
	} {
		err := call()
		require.ErrorIs(t, err, problem.ErrUnavailable, name)
		require.NotErrorIs(t, err, session.ErrNotFound, name)
	}
	require.False(t, fnRan, "Update does not run fn on a session it could not read")
}

// BenchmarkCountActive: the dashboard's active-sessions count (prune +
// ZCOUNT of the active set) over 10,000 signed-in and 10,000 anonymous
// sessions of 100 users.
func BenchmarkCountActive(b *testing.B) {
	client, prefix := servicetest.Redis(b)
	users := make([]int, 100)
	for i := range users {
		users[i] = i + 1
	}
	sessiontest.BenchCountActive(b, redisstore.New(client, prefix, nil), users)
}
