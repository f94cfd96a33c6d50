package session

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Defaults for a Manager's zero durations.
const (
	// DefaultIdleTimeout ends a session unused for this long.
	DefaultIdleTimeout = 72 * time.Hour
	// DefaultLoginLifetime ends a logged-in session this long after login,
	// however much it is used.
	DefaultLoginLifetime = 14 * 24 * time.Hour
	// DefaultAnonymousLifetime ends an anonymous session this long after it
	// started: long enough to finish a login flow.
	DefaultAnonymousLifetime = time.Hour
)

// ErrNoUser is returned by Login when userID is zero: a login needs a user.
var ErrNoUser = errors.New("login needs a user")

// Manager runs the lifecycle of sessions on a Store: anonymous sessions
// for browsers in a flow, login with ID rotation, use, logout, and a user's
// list of sessions with revocation. Set Store; zero durations take the
// Default… values and a nil NowFunc means time.Now. A Manager is safe for
// concurrent use once set up; do not change its fields afterwards.
//
// Errors of the Store are returned wrapped, so compare them with
// errors.Is (ErrNotFound, ErrAlreadyExists).
type Manager struct {
	// Store keeps the sessions.
	Store Store
	// IdleTimeout of every new session (DefaultIdleTimeout if zero).
	IdleTimeout time.Duration
	// DefaultLifetime of logged-in sessions whose LoginOptions give none
	// (DefaultLoginLifetime if zero).
	DefaultLifetime time.Duration
	// AnonymousLifetime of sessions made by Start (DefaultAnonymousLifetime
	// if zero).
	AnonymousLifetime time.Duration
	// NowFunc returns the current time; nil means time.Now.
	NowFunc func() time.Time
	// Revocations, when set, record every logged-in session that ends
	// (logout, revocation, the rotation at login) before it is deleted,
	// and Resume refuses a session they name even if the Store still (or
	// again) holds it. Set them when the Store may lose data (Redis);
	// nil when the Store is durable itself (the SQL database).
	Revocations Revocations
	// EndedFunc, when set, is called after logged-in sessions of userID
	// ended, so that what they authorised (open subscriptions) can be
	// checked again. It must not block.
	EndedFunc func(ctx context.Context, userID int)
}

// Client describes the client a session is made for, for the user's list
// of sessions.
type Client struct {
	// IP is the client's address as the server sees it.
	IP string
	// UserAgent is the client's User-Agent header.
	UserAgent string
}

// LoginOptions are the optional parameters of Login.
type LoginOptions struct {
	// Lifetime of the new session (the Manager's DefaultLifetime if zero),
	// e.g. longer for "remember me".
	Lifetime time.Duration
	// Client that logged in.
	Client Client
	// Methods are how the user authenticated (the flow's auth_method:
	// "password", …), for the OpenID Connect amr claim.
	Methods []string
}

// Listed is one of a user's sessions as List returns it.
type Listed struct {
	// Key identifies the session to Revoke and RevokeOthers (ID.Key): it
	// cannot be used to resume the session.
	Key string
	// Session is the session itself.
	Session *Session
}

// Start creates an anonymous session, with a new random Scope, that ends
// after AnonymousLifetime (or sooner when idle). It returns the new ID,
// which only the client should hold, and the session.
func (m *Manager) Start(ctx context.Context, c Client) (ID, *Session, error) {
	scope, err := newScope()
	if err != nil {
		return "", nil, fmt.Errorf("start session: %w", err)
	}
	now := m.now()
	s := &Session{
		Scope:       scope,
		CreatedAt:   now,
		LastSeenAt:  now,
		IdleTimeout: m.idleTimeout(),
		ExpiresAt:   now.Add(orDefault(m.AnonymousLifetime, DefaultAnonymousLifetime)),
		ClientIP:    c.IP,
		UserAgent:   c.UserAgent,
	}
	id, err := m.create(ctx, s)
	if err != nil {
		return "", nil, fmt.Errorf("start session: %w", err)
	}
	return id, s, nil
}

// Resume returns the session of id and records its use: LastSeenAt
// becomes now (it never moves back), which pushes the idle deadline
// forward; ExpiresAt does not move. A use within TouchInterval of the
// recorded one is not recorded (the session is only read). It returns
// ErrNotFound if id has no session or it has expired.
func (m *Manager) Resume(ctx context.Context, id ID) (*Session, error) {
	if id == "" {
		return nil, fmt.Errorf("resume session: %w", ErrNotFound)
	}
	now := m.now()
	cache := cacheOf(ctx)
	cur, cached := cache.get(id)
	if !cached {
		var err error
		if cur, err = m.Store.Get(ctx, id); err != nil {
			return nil, fmt.Errorf("resume session: %w", err)
		}
		if err := m.refuseRevoked(ctx, id, cur); err != nil {
			return nil, fmt.Errorf("resume session: %w", err)
		}
	}
	if cur.Expired(now) {
		cache.forget(id)
		return nil, fmt.Errorf("resume session: %w", ErrNotFound)
	}
	// Most requests come soon after the last: recording each use would
	// write on every request. A use within TouchInterval of the recorded
	// one reads only.
	if now.Sub(cur.LastSeenAt) < touchInterval(cur) {
		cache.put(id, cur)
		return cur, nil
	}
	var resumed Session
	err := m.Store.Update(ctx, id, func(s *Session) error {
		// Stores refuse expired sessions already; checking again with the
		// Manager's own clock guards against a store whose clock differs.
		if s.Expired(now) {
			return ErrNotFound
		}
		if now.After(s.LastSeenAt) {
			s.LastSeenAt = now
		}
		resumed = *s // the last run is the one stored
		return nil
	})
	if err != nil {
		cache.forget(id)
		return nil, fmt.Errorf("resume session: %w", err)
	}
	cache.put(id, &resumed)
	return &resumed, nil
}

// TouchInterval is how stale a session's recorded last use may be before
// Resume records a new one: a minute, or a tenth of the session's idle
// timeout when that is shorter. A session's idle timeout therefore runs
// from a moment up to TouchInterval before its last use.
const TouchInterval = time.Minute

func touchInterval(s *Session) time.Duration {
	return min(TouchInterval, s.IdleTimeout/10)
}

// Login logs userID in on the client that holds current (empty if none)
// and returns the session's new ID. The ID always rotates, so that an ID
// an attacker planted before login is worthless after it (session
// fixation): Login creates a new session for the user (CreatedAt now,
// ExpiresAt now+opts.Lifetime, the Manager's IdleTimeout, opts.Client),
// keeping the Scope of current if current is a live session and drawing a
// new one otherwise, and then deletes current. A missing or expired current
// is not an error. If current cannot be deleted, the new session is
// deleted again and the error returned. It returns ErrNoUser if userID is
// zero.
//
// Two concurrent Logins from the same current both succeed, with two new
// sessions sharing its Scope.
func (m *Manager) Login(ctx context.Context, current ID, userID int, opts LoginOptions) (ID, *Session, error) {
	if userID == 0 {
		return "", nil, fmt.Errorf("login: %w", ErrNoUser)
	}
	var (
		scope string
		prev  *Session
	)
	if current != "" {
		cur, err := m.Store.Get(ctx, current)
		switch {
		case err == nil:
			scope, prev = cur.Scope, cur
		case !errors.Is(err, ErrNotFound):
			return "", nil, fmt.Errorf("login: read current session: %w", err)
		}
	}
	if scope == "" {
		var err error
		if scope, err = newScope(); err != nil {
			return "", nil, fmt.Errorf("login: %w", err)
		}
	}
	now := m.now()
	s := &Session{
		UserID:      userID,
		Scope:       scope,
		CreatedAt:   now,
		LastSeenAt:  now,
		IdleTimeout: m.idleTimeout(),
		ExpiresAt:   now.Add(orDefault(opts.Lifetime, m.Lifetime())),
		ClientIP:    opts.Client.IP,
		UserAgent:   opts.Client.UserAgent,
		Methods:     opts.Methods,
	}
	id, err := m.create(ctx, s)
	if err != nil {
		return "", nil, fmt.Errorf("login: %w", err)
	}
	if current != "" {
		cacheOf(ctx).forget(current)
		err := m.end(ctx, current.Key(), prev, func() error { return m.Store.Delete(ctx, current) })
		if err != nil && !errors.Is(err, ErrNotFound) {
			if undoErr := m.Store.Delete(context.WithoutCancel(ctx), id); undoErr != nil {
				err = errors.Join(err, fmt.Errorf("delete new session: %w", undoErr))
			}
			return "", nil, fmt.Errorf("login: delete previous session: %w", err)
		}
	}
	return id, s, nil
}

// Logout ends the session of id. A missing or expired session (or an empty
// id) is not an error: the client is logged out either way.
func (m *Manager) Logout(ctx context.Context, id ID) error {
	if id == "" {
		return nil
	}
	cacheOf(ctx).forget(id)
	s, err := m.Store.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	err = m.end(ctx, id.Key(), s, func() error { return m.Store.Delete(ctx, id) })
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}

// List returns userID's unexpired sessions, most recently used first (ties
// in Key order).
func (m *Manager) List(ctx context.Context, userID int) ([]Listed, error) {
	sessions, err := m.Store.ListByUser(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	out := make([]Listed, 0, len(sessions))
	for key, s := range sessions {
		out = append(out, Listed{Key: key, Session: s})
	}
	slices.SortFunc(out, func(a, b Listed) int {
		return cmp.Or(b.Session.LastSeenAt.Compare(a.Session.LastSeenAt), strings.Compare(a.Key, b.Key))
	})
	return out, nil
}

// Revoke ends the session listed under key, if it is one of userID's
// unexpired sessions. It returns ErrNotFound otherwise, deleting nothing:
// the answer is the same for another user's key as for no key at all, so a
// user cannot probe other users' keys.
func (m *Manager) Revoke(ctx context.Context, userID int, key string) error {
	sessions, err := m.Store.ListByUser(ctx, userID)
	if err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	s, ok := sessions[key]
	if !ok {
		return fmt.Errorf("revoke session: %w", ErrNotFound)
	}
	cacheOf(ctx).forget("")
	if err := m.end(ctx, key, s, func() error { return m.Store.DeleteByKey(ctx, key) }); err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}

// RevokeOthers ends all of userID's sessions except the one listed under
// keepKey (typically the caller's own; empty ends them all), and returns
// how many it ended.
// Sessions that end concurrently are not counted and are not an error.
func (m *Manager) RevokeOthers(ctx context.Context, userID int, keepKey string) (int, error) {
	sessions, err := m.Store.ListByUser(ctx, userID)
	if err != nil {
		return 0, fmt.Errorf("revoke sessions: %w", err)
	}
	cacheOf(ctx).forget("")
	n := 0
	for key, s := range sessions {
		if key == keepKey {
			continue
		}
		switch err := m.end(ctx, key, s, func() error { return m.Store.DeleteByKey(ctx, key) }); {
		case err == nil:
			n++
		case !errors.Is(err, ErrNotFound):
			return n, fmt.Errorf("revoke sessions: %w", err)
		}
	}
	return n, nil
}

// RevokeKeys ends the sessions of userID listed under keys (an
// administrator's action) and returns how many ended. Every key must be
// one of userID's unexpired sessions: otherwise it returns ErrNotFound and
// ends none. Like Revoke, each session is recorded in Revocations before
// it is deleted and EndedFunc hears of it; sessions that end concurrently
// are not counted and are not an error.
func (m *Manager) RevokeKeys(ctx context.Context, userID int, keys []string) (int, error) {
	sessions, err := m.Store.ListByUser(ctx, userID)
	if err != nil {
		return 0, fmt.Errorf("revoke sessions: %w", err)
	}
	for _, key := range keys {
		if _, ok := sessions[key]; !ok {
			return 0, fmt.Errorf("revoke sessions: %w", ErrNotFound)
		}
	}
	cacheOf(ctx).forget("")
	n := 0
	for _, key := range slices.Compact(slices.Sorted(slices.Values(keys))) {
		switch err := m.end(ctx, key, sessions[key], func() error { return m.Store.DeleteByKey(ctx, key) }); {
		case err == nil:
			n++
		case !errors.Is(err, ErrNotFound):
			return n, fmt.Errorf("revoke sessions: %w", err)
		}
	}
	return n, nil
}

// end ends the session s stored under key with del: a logged-in session
// is first recorded as revoked (Revocations), so that it never leaves the
// Store without its record, and EndedFunc hears of it afterwards.
func (m *Manager) end(ctx context.Context, key string, s *Session, del func() error) error {
	if s == nil || s.UserID == 0 {
		return del()
	}
	if m.Revocations != nil {
		if err := m.Revocations.Revoke(ctx, key, s.ExpiresAt); err != nil {
			return err
		}
	}
	if err := del(); err != nil {
		return err
	}
	if m.EndedFunc != nil {
		m.EndedFunc(ctx, s.UserID)
	}
	return nil
}

// refuseRevoked answers ErrNotFound for a logged-in session that
// Revocations name: the Store brought back a session that had ended (it
// is deleted again, best effort).
func (m *Manager) refuseRevoked(ctx context.Context, id ID, s *Session) error {
	if m.Revocations == nil || s.UserID == 0 {
		return nil
	}
	revoked, err := m.Revocations.Revoked(ctx, id.Key())
	if err != nil {
		return err
	}
	if !revoked {
		return nil
	}
	_ = m.Store.Delete(ctx, id)
	return ErrNotFound
}

// CountActive returns how many signed-in sessions are live now, across
// all users (the console's dashboard shows it).
func (m *Manager) CountActive(ctx context.Context) (int, error) {
	n, err := m.Store.CountActive(ctx)
	if err != nil {
		return 0, fmt.Errorf("count active sessions: %w", err)
	}
	return n, nil
}

// DeleteExpired removes sessions that have expired by now from the Store
// and returns how many (0 on stores that expire sessions themselves). A
// periodic job calls it.
func (m *Manager) DeleteExpired(ctx context.Context) (int, error) {
	n, err := m.Store.DeleteExpired(ctx, m.now())
	if err != nil {
		return n, fmt.Errorf("delete expired sessions: %w", err)
	}
	return n, nil
}

// Lifetime returns how long a login lasts when its LoginOptions give no
// Lifetime: DefaultLifetime, or DefaultLoginLifetime if that is zero.
func (m *Manager) Lifetime() time.Duration {
	return orDefault(m.DefaultLifetime, DefaultLoginLifetime)
}

// create stores s under a new ID.
func (m *Manager) create(ctx context.Context, s *Session) (ID, error) {
	id, err := NewID()
	if err != nil {
		return "", err
	}
	if err := m.Store.Create(ctx, id, s); err != nil {
		return "", err
	}
	return id, nil
}

func (m *Manager) now() time.Time {
	if m.NowFunc != nil {
		return m.NowFunc()
	}
	return time.Now()
}

func (m *Manager) idleTimeout() time.Duration {
	return orDefault(m.IdleTimeout, DefaultIdleTimeout)
}

// newScope returns a new random Scope.
func newScope() (string, error) {
	id, err := NewID()
	if err != nil {
		return "", fmt.Errorf("new scope: %w", err)
	}
	return string(id), nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}
