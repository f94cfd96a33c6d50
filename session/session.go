package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Errors returned by stores.
var (
	// ErrNotFound means no session has the ID, or it has expired.
	ErrNotFound = errors.New("session not found")
	// ErrAlreadyExists means a session with the ID exists (Create).
	ErrAlreadyExists = errors.New("session already exists")
	// ErrImmutable means an Update tried to change what Create fixed: the
	// session's Scope or CreatedAt. Nothing was written.
	ErrImmutable = errors.New("session scope and creation time cannot change")
)

// ID is a session's secret identifier as the client holds it.
type ID string

// NewID returns a new random ID: 256 bits, URL-safe base64.
func NewID() (ID, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("read random session id: %w", err)
	}
	return ID(base64.RawURLEncoding.EncodeToString(b[:])), nil
}

// Key returns what stores index the session by: a hash of the ID, so the ID
// itself is never stored.
func (id ID) Key() string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// Session is one browser's (or headless client's) session: anonymous
// until a flow logs a user in.
type Session struct {
	// UserID is the user the session authenticates; zero while anonymous.
	UserID int `json:"user_id"`
	// Scope identifies the session across ID rotations: a login replaces
	// the ID but keeps the scope, and flow executions belong to a scope.
	// It is random, never sent to clients, and never changes within a
	// session (Store.Update refuses).
	Scope string `json:"scope"`
	// CreatedAt is when the session was made: when its browser arrived
	// (Manager.Start) or, since login makes a new session, when the user
	// logged in. Like Scope, it never changes (Store.Update refuses).
	CreatedAt time.Time `json:"created_at"`
	// LastSeenAt is when the session was last used.
	LastSeenAt time.Time `json:"last_seen_at"`
	// IdleTimeout ends the session after this long without use.
	IdleTimeout time.Duration `json:"idle_timeout"`
	// ExpiresAt ends the session whatever its use.
	ExpiresAt time.Time `json:"expires_at"`
	// ClientIP and UserAgent describe the client that logged in, for the
	// user's list of sessions.
	ClientIP  string `json:"client_ip"`
	UserAgent string `json:"user_agent"`
	// Methods are how the user logged in ("password", …); like CreatedAt
	// they never change.
	Methods []string `json:"methods,omitempty"`
}

// Expired reports whether s has ended at now: now is at or after its
// Deadline.
func (s *Session) Expired(now time.Time) bool {
	return !now.Before(s.ExpiresAt) || !now.Before(s.LastSeenAt.Add(s.IdleTimeout))
}

// Deadline returns when s ends unless it is used before: the earlier of
// ExpiresAt and LastSeenAt+IdleTimeout. Stores use it for native expiry.
func (s *Session) Deadline() time.Time {
	idle := s.LastSeenAt.Add(s.IdleTimeout)
	if idle.Before(s.ExpiresAt) {
		return idle
	}
	return s.ExpiresAt
}

// Store keeps sessions. Implementations must honour the contract below,
// which session/sessiontest checks (sessiontest.Run and RunConcurrency);
// all methods are safe for concurrent use, including from several
// processes sharing one backend.
//
// Stores keep a session under its ID's Key, never under the ID itself.
// They return copies: changing a *Session passed to or returned by a store
// does not change what is stored. A session counts as gone once Expired at
// the store's clock, whether or not the backend has removed it yet: Get,
// Update, Delete, DeleteByKey and ListByUser all treat it as absent. A
// backend that does not answer gives an error wrapping
// problem.ErrUnavailable, never ErrNotFound: a session that cannot be read
// is not a missing one.
type Store interface {
	// Create stores s under id. It returns ErrAlreadyExists if a session
	// is stored under id, even an expired one not yet removed (IDs are
	// random and never reused, so this only means a caller bug or a
	// replay).
	Create(ctx context.Context, id ID, s *Session) error
	// Get returns the session of id, or ErrNotFound if there is none or it
	// has expired.
	Get(ctx context.Context, id ID) (*Session, error)
	// Update applies fn to a copy of the session of id and stores the
	// result atomically (compare-and-set): no concurrent Update, Delete or
	// DeleteByKey is lost. fn may run more than once under contention, so
	// it must have no side effects beyond the *Session it is given (the
	// last run's result is the one stored). Update returns ErrNotFound as
	// Get does, without calling fn; fn's error unchanged, writing nothing;
	// and ErrImmutable, writing nothing, if fn changed Scope or CreatedAt.
	// Changing UserID moves the session between users' lists.
	Update(ctx context.Context, id ID, fn func(*Session) error) error
	// Delete removes the session of id. It returns ErrNotFound if there is
	// none or it has expired (an expired session is removed all the same).
	Delete(ctx context.Context, id ID) error
	// ListByUser returns a user's unexpired sessions keyed by ID.Key;
	// never anonymous ones (userID 0 answers an empty map). The map is
	// never nil.
	ListByUser(ctx context.Context, userID int) (map[string]*Session, error)
	// DeleteByKey removes the session stored under key (from ListByUser):
	// how a user revokes a session whose ID it does not hold. It returns
	// ErrNotFound as Delete does, also for a key that is not a Key at all.
	DeleteByKey(ctx context.Context, key string) error
	// CountActive returns how many signed-in sessions are live at the
	// store's clock: what ListByUser would list, summed over all users
	// (anonymous sessions never count). Backends may count a session up
	// to a millisecond past its Deadline.
	CountActive(ctx context.Context) (int, error)
	// DeleteExpired removes sessions expired at now and returns how many.
	// A backend whose records expire natively may return 0; no backend
	// removes a session that is live at now.
	DeleteExpired(ctx context.Context, now time.Time) (int, error)
}
