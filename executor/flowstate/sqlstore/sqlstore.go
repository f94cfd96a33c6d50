// Package sqlstore keeps flow executions in the SQL database through ent,
// the embedded-mode backend of flowstate.Store (the SQLite file; it works
// on PostgreSQL too).
//
// Each execution is one flow_executions row: key_hash (hex SHA-256 of the
// execution ID; the raw ID is never stored), version, document and
// expires_at. Rows outlive their expiry until DeleteExpired removes them
// (a periodic job calls it); until then every read and write treats them
// as absent, by the store's clock (Options.NowFunc).
//
// Update is a single conditional UPDATE
//
//	UPDATE flow_executions
//	SET document = ?, expires_at = ?, version = version + 1
//	WHERE key_hash = ? AND version = ? AND expires_at > now
//
// so the compare-and-set is atomic on both dialects: PostgreSQL re-checks
// the WHERE clause against the latest row after waiting for a concurrent
// writer's lock, and SQLite runs one write at a time. Only when no row
// matched does the store read, to tell ErrNotFound from ErrConflict.
//
// The store acts as the system viewer (viewer.SystemContext): ent's
// privacy rules let nobody else touch executions.
package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/flowexecution"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/executor/flowstate"
)

// Options configures a Store; the zero value (or nil) is the default.
type Options struct {
	// NowFunc is the clock that decides what has expired; nil means
	// time.Now.
	NowFunc func() time.Time
}

// Store is a flowstate.Store over an ent client. It is safe for
// concurrent use.
type Store struct {
	client *ent.Client
	now    func() time.Time
}

var _ flowstate.Store = (*Store)(nil)

// New returns a Store that keeps executions in client's database.
func New(client *ent.Client, opts *Options) *Store {
	s := &Store{client: client, now: time.Now}
	if opts != nil && opts.NowFunc != nil {
		s.now = opts.NowFunc
	}
	return s
}

// keyHash is what the store indexes id by.
func keyHash(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// Create stores doc under id at version 1. It returns
// flowstate.ErrAlreadyExists if a live execution has id; an expired row
// with the same ID is replaced.
func (s *Store) Create(ctx context.Context, id string, doc []byte, expiresAt time.Time) error {
	ctx = viewer.SystemContext(ctx)
	hash := keyHash(id)
	err := s.insert(ctx, hash, doc, expiresAt)
	if !ent.IsConstraintError(err) {
		return err
	}
	// The ID is taken. If only by an expired row, remove that and try
	// once more; a concurrent Create of the same ID then wins or loses
	// the insert like any other.
	n, err := s.client.FlowExecution.Delete().
		Where(flowexecution.KeyHash(hash), flowexecution.ExpiresAtLTE(s.now())).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("create flow execution: remove expired: %w", err)
	}
	if n == 0 {
		return flowstate.ErrAlreadyExists
	}
	if err := s.insert(ctx, hash, doc, expiresAt); ent.IsConstraintError(err) {
		return flowstate.ErrAlreadyExists
	} else if err != nil {
		return err
	}
	return nil
}

// insert adds a version-1 row; a taken key_hash is returned as ent's
// constraint error.
func (s *Store) insert(ctx context.Context, hash string, doc []byte, expiresAt time.Time) error {
	err := s.client.FlowExecution.Create().
		SetKeyHash(hash).
		SetVersion(flowstate.FirstVersion).
		SetDocument(nonNil(doc)).
		SetExpiresAt(expiresAt.UTC()).
		Exec(ctx)
	if err != nil && !ent.IsConstraintError(err) {
		return fmt.Errorf("create flow execution: %w", err)
	}
	return err
}

// Get returns the record of id, or flowstate.ErrNotFound if there is none
// or it has expired.
func (s *Store) Get(ctx context.Context, id string) (*flowstate.Record, error) {
	ctx = viewer.SystemContext(ctx)
	row, err := s.client.FlowExecution.Query().
		Where(flowexecution.KeyHash(keyHash(id)), flowexecution.ExpiresAtGT(s.now())).
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, flowstate.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get flow execution: %w", err)
	}
	return &flowstate.Record{
		Version:   row.Version,
		Document:  nonNil(row.Document),
		ExpiresAt: row.ExpiresAt.UTC(),
	}, nil
}

// Update replaces the document of id if its version is still version, and
// returns the new version. It returns flowstate.ErrConflict if the version
// moved on, flowstate.ErrNotFound if the execution is gone or expired.
func (s *Store) Update(ctx context.Context, id string, version int64, doc []byte, expiresAt time.Time) (int64, error) {
	ctx = viewer.SystemContext(ctx)
	hash := keyHash(id)
	now := s.now()
	n, err := s.client.FlowExecution.Update().
		Where(
			flowexecution.KeyHash(hash),
			flowexecution.Version(version),
			flowexecution.ExpiresAtGT(now),
		).
		SetDocument(nonNil(doc)).
		SetExpiresAt(expiresAt.UTC()).
		AddVersion(1).
		Save(ctx)
	if err != nil {
		return 0, fmt.Errorf("update flow execution: %w", err)
	}
	if n == 1 {
		return version + 1, nil
	}
	live, err := s.client.FlowExecution.Query().
		Where(flowexecution.KeyHash(hash), flowexecution.ExpiresAtGT(now)).
		Exist(ctx)
	if err != nil {
		return 0, fmt.Errorf("update flow execution: %w", err)
	}
	if !live {
		return 0, flowstate.ErrNotFound
	}
	return 0, flowstate.ErrConflict
}

// Delete removes id. It returns flowstate.ErrNotFound if there is no live
// execution with id; an expired row is left for DeleteExpired.
func (s *Store) Delete(ctx context.Context, id string) error {
	ctx = viewer.SystemContext(ctx)
	n, err := s.client.FlowExecution.Delete().
		Where(flowexecution.KeyHash(keyHash(id)), flowexecution.ExpiresAtGT(s.now())).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("delete flow execution: %w", err)
	}
	if n == 0 {
		return flowstate.ErrNotFound
	}
	return nil
}

// DeleteExpired removes the executions whose expiry is at or before now
// and returns how many it removed.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) (int, error) {
	ctx = viewer.SystemContext(ctx)
	n, err := s.client.FlowExecution.Delete().
		Where(flowexecution.ExpiresAtLTE(now)).
		Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("delete expired flow executions: %w", err)
	}
	return n, nil
}

// nonNil returns b, or an empty slice for nil: the document column is NOT
// NULL, and callers should get back the empty document they stored.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
