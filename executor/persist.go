package executor

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-id/gatehouse/executor/flowstate"
	"github.com/gatehouse-id/gatehouse/session"
)

// load reads an execution for a client, checking that the client's session
// owns it. Unknown, expired and foreign executions are all
// ErrExecutionNotFound.
func (x *Executor) load(ctx context.Context, id string, sid session.ID, c Client) (*state, int64, error) {
	if id == "" || sid == "" {
		return nil, 0, ErrExecutionNotFound
	}
	exec, err := x.fetch(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	st := &state{exec: exec, client: c, now: x.deps.Now()}
	if err := x.resumeSession(ctx, st, sid); err != nil {
		return nil, 0, err
	}
	if st.session.Scope != exec.Scope {
		return nil, 0, ErrExecutionNotFound
	}
	if err := x.attach(ctx, st); err != nil {
		return nil, 0, err
	}
	return st, exec.Version, nil
}

// fetch reads and decodes execution id; unknown, expired and unreadable
// documents are ErrExecutionNotFound.
func (x *Executor) fetch(ctx context.Context, id string) (*Execution, error) {
	rec, err := x.store.Get(ctx, id)
	if errors.Is(err, flowstate.ErrNotFound) {
		return nil, ErrExecutionNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load flow execution: %w", err)
	}
	exec := &Execution{}
	if err := json.Unmarshal(rec.Document, exec); err != nil || exec.Format != DocumentFormat {
		return nil, ErrExecutionNotFound
	}
	exec.ID, exec.Version, exec.stored = id, rec.Version, rec
	if exec.Context == nil {
		exec.Context = Context{}
	}
	return exec, nil
}

// attach gives st its flow, configuration generation and next target.
func (x *Executor) attach(ctx context.Context, st *state) error {
	var err error
	if st.generation, err = x.planner.generation(ctx); err != nil {
		return err
	}
	f, err := x.flowByID(ctx, st.exec.FlowID, st.generation)
	if err != nil {
		return err
	}
	st.flow, st.info = f, flowInfo(f)
	if st.next, err = parseNext(st.exec.Query); err != nil {
		st.next = ""
	}
	return nil
}

// save writes the execution if nobody changed it since version, and
// announces the change.
func (x *Executor) save(ctx context.Context, st *state, version int64) error {
	st.exec.UpdatedAt = st.now
	doc, expires, err := x.encode(st)
	if err != nil {
		return err
	}
	v, err := x.store.Update(ctx, st.exec.ID, version, doc, expires)
	switch {
	case errors.Is(err, flowstate.ErrConflict):
		return ErrStale
	case errors.Is(err, flowstate.ErrNotFound):
		return ErrExecutionNotFound
	case err != nil:
		return fmt.Errorf("save flow execution: %w", err)
	}
	st.exec.Version = v
	x.announce(ctx, st.exec.ID)
	return nil
}

func (x *Executor) encode(st *state) ([]byte, time.Time, error) {
	doc, err := json.Marshal(st.exec)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("encode flow execution: %w", err)
	}
	if err := checkDocument(doc); err != nil {
		return nil, time.Time{}, err
	}
	ttl := x.ttl
	if st.exec.Completed() {
		ttl = completedTTL
	}
	return doc, st.now.Add(ttl), nil
}

// newExecutionID returns a new secret execution ID: 256 random bits.
func newExecutionID() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("read random execution id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}
