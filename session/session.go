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
	// It is random, never sent to clients.
	Scope string `json:"scope"`
	// CreatedAt is when the user logged in.
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
}

// Expired reports whether s has ended at now.
func (s *Session) Expired(now time.Time) bool {
	return !now.Before(s.ExpiresAt) || !now.Before(s.LastSeenAt.Add(s.IdleTimeout))
}

// Store keeps sessions. Implementations must honour the contract below,
// which session/sessiontest checks; all methods are safe for concurrent use.
type Store interface {
	// Create stores s under id. It returns ErrAlreadyExists if id is taken.
	Create(ctx context.Context, id ID, s *Session) error
	// Get returns the session of id, or ErrNotFound if there is none or it
	// has expired.
	Get(ctx context.Context, id ID) (*Session, error)
	// Update applies fn to the session of id and stores the result
	// atomically (compare-and-set). fn may run more than once under
	// contention, so it must have no side effects. It returns ErrNotFound
	// as Get does, and fn's error unchanged.
	Update(ctx context.Context, id ID, fn func(*Session) error) error
	// Delete removes the session of id; ErrNotFound if there is none.
	Delete(ctx context.Context, id ID) error
	// ListByUser returns the keys (ID.Key) and sessions of a user's
	// unexpired sessions (never anonymous ones).
	ListByUser(ctx context.Context, userID int) (map[string]*Session, error)
	// DeleteByKey removes the session stored under key (from ListByUser):
	// how a user revokes a session whose ID it does not hold.
	DeleteByKey(ctx context.Context, key string) error
	// DeleteExpired removes sessions expired at now and returns how many.
	DeleteExpired(ctx context.Context, now time.Time) (int, error)
}
