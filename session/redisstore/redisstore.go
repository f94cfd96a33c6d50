// Package redisstore keeps sessions in Redis: the production session.Store.
//
// Key layout (prefix is the deployment's key prefix, key is ID.Key):
//
//	prefix+"session:"+key        string: the session as JSON; expires natively
//	                             (PEXPIREAT) at the session's Deadline
//	prefix+"user_sessions:"+uid  set of the keys of user uid's sessions (never
//	                             for anonymous sessions); expires at the latest
//	                             Deadline of its members; dead members are
//	                             pruned when the set is listed
//	prefix+"active_sessions"     sorted set of the keys of all signed-in
//	                             sessions, scored by Deadline (Unix ms), for
//	                             CountActive; entries past their score are
//	                             pruned by CountActive and DeleteExpired
//
// Writes that touch a session and its indexes are atomic: Create is a
// Lua script around SET NX; Update, Delete and DeleteByKey are optimistic
// transactions (WATCH the session's key, read it, MULTI/EXEC), retried when
// another client changed the key in between. Redis 7.0 or later is required
// (PEXPIREAT NX and GT), and all keys of a prefix must live on one server
// (no Redis Cluster).
//
// Every error of Redis itself (a refused or broken connection, a timeout)
// is marked problem.ErrUnavailable (see internal/rediserr): a session that
// could not be read is never reported as ErrNotFound.
//
// Redis expires keys by its own clock; the store also compares each session
// with its NowFunc clock, so a fake clock in tests sees expiry without
// waiting. In production both clocks agree.
package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-id/gatehouse/internal/rediserr"
	"github.com/gatehouse-id/gatehouse/session"
)

// MaxAttempts bounds how often Update, Delete and DeleteByKey run their
// optimistic transaction when other clients keep changing the same
// session; after that they fail with an error wrapping redis.TxFailedErr.
// Each failed attempt means another writer of the session succeeded, so a
// session written by fewer than MaxAttempts clients at once always settles.
const MaxAttempts = 64

// Options configure a Store. The zero value is usable.
type Options struct {
	// NowFunc returns the current time; nil means time.Now.
	NowFunc func() time.Time
}

// Store is a session.Store on Redis. It is safe for concurrent use and may
// be shared by several processes using the same prefix.
type Store struct {
	client *redis.Client
	prefix string
	now    func() time.Time
}

var _ session.Store = (*Store)(nil)

// New returns a Store keeping its keys under prefix in client's database.
// opts may be nil.
func New(client *redis.Client, prefix string, opts *Options) *Store {
	s := &Store{client: client, prefix: prefix, now: time.Now}
	if opts != nil && opts.NowFunc != nil {
		s.now = opts.NowFunc
	}
	return s
}

// createScript stores a new session and indexes it, atomically.
//
//	KEYS[1] session key   KEYS[2] active set   KEYS[3] user set (absent
//	                                           for anonymous sessions)
//	ARGV[1] record        ARGV[2] deadline, Unix ms   ARGV[3] member (ID.Key)
//
// It returns 1 when it stored the session, 0 when the key was taken.
var createScript = redis.NewScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PXAT', ARGV[2]) then
	return 0
end
if #KEYS > 2 then
	redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
	redis.call('SADD', KEYS[3], ARGV[3])
	redis.call('PEXPIREAT', KEYS[3], ARGV[2], 'NX')
	redis.call('PEXPIREAT', KEYS[3], ARGV[2], 'GT')
end
return 1
`)

// Create implements session.Store.
func (s *Store) Create(ctx context.Context, id session.ID, sess *session.Session) error {
	data, err := json.Marshal(sess)
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	key := id.Key()
	keys := []string{s.sessionKey(key), s.activeKey()}
	if sess.UserID != 0 {
		keys = append(keys, s.userKey(sess.UserID))
	}
	created, err := createScript.Run(ctx, s.client, keys, data, deadlineMillis(sess), key).Int()
	if err != nil {
		return fmt.Errorf("create session: %w", rediserr.Unavailable(ctx, err))
	}
	if created == 0 {
		return session.ErrAlreadyExists
	}
	return nil
}

// Get implements session.Store.
func (s *Store) Get(ctx context.Context, id session.ID) (*session.Session, error) {
	data, err := s.client.Get(ctx, s.sessionKey(id.Key())).Bytes()
	if err != nil {
		if errors.Is(err, redis.Nil) {
			return nil, session.ErrNotFound
		}
		return nil, fmt.Errorf("get session: %w", rediserr.Unavailable(ctx, err))
	}
	sess, err := decode(data)
	if err != nil {
		return nil, err
	}
	if sess.Expired(s.now()) {
		return nil, session.ErrNotFound
	}
	return sess, nil
}

// fnError carries the error of an Update's fn out of the transaction, so
// that it cannot be mistaken for one of Redis's.
type fnError struct{ err error }

func (e *fnError) Error() string { return e.err.Error() }

// Update implements session.Store: WATCH the session's key, read it, run
// fn, and write the result and the user index in MULTI/EXEC; start over if
// the key changed in between.
func (s *Store) Update(ctx context.Context, id session.ID, fn func(*session.Session) error) error {
	key := id.Key()
	sessionKey := s.sessionKey(key)
	return s.retry(ctx, "update session", sessionKey, func(tx *redis.Tx) error {
		old, err := s.read(ctx, tx, sessionKey)
		if err != nil {
			return err
		}
		next := *old
		if err := fn(&next); err != nil {
			return &fnError{err}
		}
		if next.Scope != old.Scope || !next.CreatedAt.Equal(old.CreatedAt) {
			return session.ErrImmutable
		}
		data, err := json.Marshal(&next)
		if err != nil {
			return fmt.Errorf("encode session: %w", err)
		}
		deadline := deadlineMillis(&next)
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Do(ctx, "SET", sessionKey, data, "PXAT", deadline)
			if old.UserID != 0 && old.UserID != next.UserID {
				p.SRem(ctx, s.userKey(old.UserID), key)
			}
			if old.UserID != 0 && next.UserID == 0 {
				p.ZRem(ctx, s.activeKey(), key)
			}
			if next.UserID != 0 {
				s.index(ctx, p, next.UserID, key, deadline)
			}
			return nil
		})
		return rediserr.Unavailable(ctx, err)
	})
}

// Delete implements session.Store.
func (s *Store) Delete(ctx context.Context, id session.ID) error {
	return s.delete(ctx, id.Key())
}

// DeleteByKey implements session.Store.
func (s *Store) DeleteByKey(ctx context.Context, key string) error {
	return s.delete(ctx, key)
}

// delete removes the session stored under key and its index entry.
func (s *Store) delete(ctx context.Context, key string) error {
	sessionKey := s.sessionKey(key)
	var expired bool
	err := s.retry(ctx, "delete session", sessionKey, func(tx *redis.Tx) error {
		data, err := tx.Get(ctx, sessionKey).Bytes()
		if err != nil {
			if errors.Is(err, redis.Nil) {
				return session.ErrNotFound
			}
			return fmt.Errorf("get session: %w", rediserr.Unavailable(ctx, err))
		}
		// A record that does not decode is deleted all the same; only its
		// index entry (if any) is left for ListByUser to prune.
		sess, decodeErr := decode(data)
		expired = decodeErr == nil && sess.Expired(s.now())
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Del(ctx, sessionKey)
			p.ZRem(ctx, s.activeKey(), key)
			if decodeErr == nil && sess.UserID != 0 {
				p.SRem(ctx, s.userKey(sess.UserID), key)
			}
			return nil
		})
		return rediserr.Unavailable(ctx, err)
	})
	if err == nil && expired {
		return session.ErrNotFound
	}
	return err
}

// ListByUser implements session.Store. It prunes the user's set of keys
// whose session has gone, in a transaction that aborts (leaving them for
// the next listing) if the set or any listed session changed meanwhile.
func (s *Store) ListByUser(ctx context.Context, userID int) (map[string]*session.Session, error) {
	out := map[string]*session.Session{}
	if userID == 0 {
		return out, nil
	}
	userKey := s.userKey(userID)
	err := s.watch(ctx, func(tx *redis.Tx) error {
		members, err := tx.SMembers(ctx, userKey).Result()
		if err != nil || len(members) == 0 {
			return rediserr.Unavailable(ctx, err)
		}
		keys := make([]string, len(members))
		for i, m := range members {
			keys[i] = s.sessionKey(m)
		}
		if err := tx.Watch(ctx, keys...).Err(); err != nil {
			return rediserr.Unavailable(ctx, err)
		}
		values, err := tx.MGet(ctx, keys...).Result()
		if err != nil {
			return rediserr.Unavailable(ctx, err)
		}
		now := s.now()
		var dead []any
		for i, v := range values {
			raw, ok := v.(string)
			if !ok { // nil: the key has expired or was deleted
				dead = append(dead, members[i])
				continue
			}
			sess, err := decode([]byte(raw))
			if err != nil {
				return err
			}
			if sess.Expired(now) || sess.UserID != userID {
				dead = append(dead, members[i])
				continue
			}
			out[members[i]] = sess
		}
		if len(dead) == 0 {
			return nil
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.SRem(ctx, userKey, dead...)
			return nil
		})
		return rediserr.Unavailable(ctx, err)
	}, userKey)
	if err != nil && !errors.Is(err, redis.TxFailedErr) {
		return nil, fmt.Errorf("list sessions of user %d: %w", userID, err)
	}
	return out, nil
}

// CountActive implements session.Store: the active set's members scored
// after now, once those at or before it are pruned.
func (s *Store) CountActive(ctx context.Context) (int, error) {
	now := strconv.FormatInt(s.now().UnixMilli(), 10)
	var count *redis.IntCmd
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZRemRangeByScore(ctx, s.activeKey(), "-inf", now)
		count = p.ZCount(ctx, s.activeKey(), "("+now, "+inf")
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count active sessions: %w", rediserr.Unavailable(ctx, err))
	}
	return int(count.Val()), nil
}

// DeleteExpired implements session.Store. Redis removes expired sessions
// itself, and ListByUser prunes the user sets; DeleteExpired prunes the
// active set of entries dead at now (a periodic job calls it, so the set
// does not grow when nobody counts). It always returns 0: the sessions
// themselves were already gone.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) (int, error) {
	err := s.client.ZRemRangeByScore(ctx, s.activeKey(), "-inf", strconv.FormatInt(now.UnixMilli(), 10)).Err()
	if err != nil {
		return 0, fmt.Errorf("prune active sessions: %w", rediserr.Unavailable(ctx, err))
	}
	return 0, nil
}

// watch runs fn in an optimistic transaction watching keys. A failure of
// the WATCH itself is marked unavailable; fn's errors are returned as fn
// returned them (fn marks the errors of its own Redis commands).
func (s *Store) watch(ctx context.Context, fn func(*redis.Tx) error, keys ...string) error {
	called := false
	err := s.client.Watch(ctx, func(tx *redis.Tx) error {
		called = true
		return fn(tx)
	}, keys...)
	if err != nil && !called {
		return rediserr.Unavailable(ctx, err)
	}
	return err
}

// retry runs fn in a transaction watching key until it commits, fails
// otherwise, or MaxAttempts have conflicted. An fn error is returned
// unchanged.
func (s *Store) retry(ctx context.Context, op, key string, fn func(*redis.Tx) error) error {
	for range MaxAttempts {
		err := s.watch(ctx, fn, key)
		var fe *fnError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &fe):
			return fe.err
		case errors.Is(err, redis.TxFailedErr):
			continue
		case errors.Is(err, session.ErrNotFound), errors.Is(err, session.ErrImmutable):
			return err
		default:
			return fmt.Errorf("%s: %w", op, err)
		}
	}
	return fmt.Errorf("%s: %d attempts conflicted with other writers: %w", op, MaxAttempts, redis.TxFailedErr)
}

// read returns the unexpired session stored at sessionKey.
func (s *Store) read(ctx context.Context, tx *redis.Tx, sessionKey string) (*session.Session, error) {
	data, err := tx.Get(ctx, sessionKey).Bytes()
	if err != nil {
		if errors.Is(err, redis.Nil) {
			return nil, session.ErrNotFound
		}
		return nil, fmt.Errorf("get session: %w", rediserr.Unavailable(ctx, err))
	}
	sess, err := decode(data)
	if err != nil {
		return nil, err
	}
	if sess.Expired(s.now()) {
		return nil, session.ErrNotFound
	}
	return sess, nil
}

// index adds key to the active set scored by deadline, and to userID's
// set, which it makes live at least until deadline (PEXPIREAT NX sets a
// first expiry, GT only ever extends it).
func (s *Store) index(ctx context.Context, p redis.Pipeliner, userID int, key string, deadline int64) {
	p.ZAdd(ctx, s.activeKey(), redis.Z{Score: float64(deadline), Member: key})
	userKey := s.userKey(userID)
	p.SAdd(ctx, userKey, key)
	p.Do(ctx, "PEXPIREAT", userKey, deadline, "NX")
	p.Do(ctx, "PEXPIREAT", userKey, deadline, "GT")
}

func (s *Store) sessionKey(key string) string { return s.prefix + "session:" + key }

func (s *Store) activeKey() string { return s.prefix + "active_sessions" }

func (s *Store) userKey(userID int) string {
	return s.prefix + "user_sessions:" + strconv.Itoa(userID)
}

// deadlineMillis is sess's Deadline in Unix milliseconds, rounded up so
// Redis never expires a session early; at least 1, since Redis refuses
// non-positive expiry times (such a session is already expired).
func deadlineMillis(sess *session.Session) int64 {
	d := sess.Deadline()
	ms := d.UnixMilli()
	if d.After(time.UnixMilli(ms)) {
		ms++
	}
	return max(ms, 1)
}

func decode(data []byte) (*session.Session, error) {
	var sess session.Session
	if err := json.Unmarshal(data, &sess); err != nil {
		return nil, fmt.Errorf("decode session: %w", err)
	}
	return &sess, nil
}
