package executor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-id/gatehouse/executor/flowstate"
)

// StepLease is how long a request may hold a step it claimed (see Claim).
// A claim that outlives it (the server died mid-step) no longer blocks the
// execution, and the claimant's own work is cut off at the same moment:
// the step runs under a context that ends with the lease.
const StepLease = 30 * time.Second

// Claim marks an execution whose current step a request is applying. It
// is written, with a compare-and-set, before any stage acts; until the
// request commits the step (or gives it up, or the lease ends) every other
// request that would change the execution gets ErrStale without running
// anything.
type Claim struct {
	// Until is when the claim lapses.
	Until time.Time `json:"until"`
}

// claimed is a step claimed by this request.
type claimed struct {
	// version is the execution's version holding the claim: the commit's
	// compare-and-set expects it.
	version int64
	// until is the end of the lease.
	until time.Time
	// original is the document as it was before the claim, written back
	// if the step fails.
	original []byte
	expires  time.Time
}

// claim takes the current step of st's execution, read at version, for
// this request: of concurrent requests exactly one claims a version; the
// others, and any request that finds a live claim, get ErrStale having
// changed nothing. Every step's side effects (sessions, users, events,
// counters) therefore happen in one request only.
func (x *Executor) claim(ctx context.Context, st *state, version int64) (*claimed, error) {
	if c := st.exec.Claim; c != nil && st.now.Before(c.Until) {
		return nil, ErrStale
	}
	original := st.exec.stored
	if original == nil {
		return nil, errors.New("executor: claim of an execution that was not read")
	}
	until := x.deps.Now().Add(StepLease)
	st.exec.Claim = &Claim{Until: until}
	doc, _, err := x.encode(st)
	st.exec.Claim = nil
	if err != nil {
		return nil, err
	}
	v, err := x.store.Update(ctx, st.exec.ID, version, doc, original.ExpiresAt)
	switch {
	case errors.Is(err, flowstate.ErrConflict):
		return nil, ErrStale
	case errors.Is(err, flowstate.ErrNotFound):
		return nil, ErrExecutionNotFound
	case err != nil:
		return nil, fmt.Errorf("claim flow execution step: %w", err)
	}
	return &claimed{version: v, until: until, original: original.Document, expires: original.ExpiresAt}, nil
}

// release gives up a claimed step that failed: the execution is written
// back as it was before the claim, so the client may answer again.
func (x *Executor) release(ctx context.Context, st *state, c *claimed) {
	_, err := x.store.Update(context.WithoutCancel(ctx), st.exec.ID, c.version, c.original, c.expires)
	if err != nil && x.deps.Logger != nil {
		// The claim lapses with its lease.
		x.deps.Logger.WarnContext(ctx, "release flow execution step", "error", err)
	}
}

// runClaimed claims st's current step, runs fn under a context that ends
// with the lease, and commits the result with a compare-and-set on the
// claimed version. If fn fails the claim is released and nothing is saved.
func (x *Executor) runClaimed(ctx context.Context, st *state, version int64, fn func(ctx context.Context) error) error {
	c, err := x.claim(ctx, st, version)
	if err != nil {
		return err
	}
	// The lease is a time on the injected clock; the context's deadline
	// is one on the wall clock: give it what is left of the lease.
	stepCtx, cancel := context.WithTimeout(ctx, c.until.Sub(x.deps.Now()))
	defer cancel()
	if err := fn(stepCtx); err != nil {
		x.release(ctx, st, c)
		return err
	}
	err = x.save(ctx, st, c.version)
	switch {
	case err == nil:
		x.endHandoffs(ctx, st)
		x.recordDenial(ctx, st)
		x.tellOrigins(ctx, st)
		return nil
	case errors.Is(err, ErrStale):
		if x.deps.Logger != nil {
			// Only a step that outlived its lease can lose here; its side
			// effects happened without the transition. Worth an alert.
			x.deps.Logger.ErrorContext(ctx, "flow execution step committed after its lease ended", "flow", st.flow.Slug)
		}
	case !errors.Is(err, ErrExecutionNotFound):
		x.release(ctx, st, c) // e.g. the new document is too large
	}
	return err
}
