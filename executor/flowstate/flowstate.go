// Package flowstate stores in-flight flow executions: opaque versioned
// documents, addressed by the execution's secret ID (stored only hashed),
// with an expiry. Every write is a compare-and-set on the version, so two
// concurrent submissions of one step make exactly one transition.
//
// Production keeps executions in Redis (redisstore); the embedded mode in
// the SQLite file (sqlstore). Both pass the conformance suite in
// flowstatetest.
package flowstate

import (
	"context"
	"errors"
	"time"
)

// Errors returned by stores.
var (
	// ErrNotFound means no execution has the ID, or it has expired.
	ErrNotFound = errors.New("flow execution not found")
	// ErrAlreadyExists means Create found the ID taken.
	ErrAlreadyExists = errors.New("flow execution already exists")
	// ErrConflict means Update's expected version is no longer current:
	// another request changed the execution first.
	ErrConflict = errors.New("flow execution changed concurrently")
)

// FirstVersion is the version Create stores; every Update adds one.
const FirstVersion int64 = 1

// Record is an execution as stored.
type Record struct {
	// Version increases by one with every Update; Create stores FirstVersion.
	Version int64
	// Document is the executor's encoded execution.
	Document []byte
	// ExpiresAt is when the store forgets the execution.
	ExpiresAt time.Time
}

// Store keeps executions. Implementations are safe for concurrent use and
// honour exactly this contract, which flowstatetest checks.
//
// An execution is live until its ExpiresAt: at or after ExpiresAt (by the
// store's clock) it is treated as absent by every method, whether or not
// the backend has removed it yet. Stores keep ExpiresAt to at least the
// millisecond and return the Document bytes as given (a nil Document reads
// back empty). IDs are secrets: stores keep and index only a hash of them.
// A backend that does not answer gives an error wrapping
// problem.ErrUnavailable, never ErrNotFound or ErrConflict.
type Store interface {
	// Create stores doc under id at FirstVersion. ErrAlreadyExists if a live
	// execution has id; an expired one is replaced.
	Create(ctx context.Context, id string, doc []byte, expiresAt time.Time) error
	// Get returns the record of id; ErrNotFound if there is none or it expired.
	Get(ctx context.Context, id string) (*Record, error)
	// Update replaces the document and expiry of id if its version is still
	// version, and returns the new version (version+1). The check and the
	// write are one atomic step: of concurrent Updates with the same
	// version exactly one succeeds. ErrConflict if the version moved on;
	// ErrNotFound if the record is gone or expired (an expired record is
	// never revived). Callers retry a conflict by reading again.
	Update(ctx context.Context, id string, version int64, doc []byte, expiresAt time.Time) (int64, error)
	// Delete removes id; ErrNotFound if there is no live execution with id.
	Delete(ctx context.Context, id string) error
	// DeleteExpired removes records expired at now and returns how many.
	// Stores with native expiry (Redis) may return 0. A periodic job calls
	// it; correctness never depends on it, only storage does.
	DeleteExpired(ctx context.Context, now time.Time) (int, error)
}
