package executor

import (
	"context"
	"fmt"
	"time"

	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Bounds of what a client may make the executor store. Anyone may start a
// flow, so everything an execution keeps of its client is bounded: the
// query string, every answer (by its stage), and the document as a whole.
const (
	// MaxQueryBytes bounds the query string a flow is started with.
	MaxQueryBytes = 8 << 10
	// MaxDocumentBytes bounds an execution's stored document: plan,
	// context (answers included) and history. A step that would store more
	// is refused and changes nothing.
	MaxDocumentBytes = 64 << 10
)

// StartLimits bound how many executions clients may start, so that no
// client can fill the execution store: per client address and per session,
// in a fixed window. Zero fields take DefaultStartLimits'; a negative
// PerIP or PerSession means unlimited.
type StartLimits struct {
	// PerIP is how many executions one client address may start per Window.
	PerIP int64
	// PerSession is how many executions one session may start per Window.
	PerSession int64
	// Window is the fixed window the counts run in.
	Window time.Duration
}

// DefaultStartLimits allow 300 starts per address and 30 per session in 5
// minutes: far above what a person (or an office behind one address)
// does, far below what fills a store.
var DefaultStartLimits = StartLimits{PerIP: 300, PerSession: 30, Window: 5 * time.Minute}

func (l StartLimits) withDefaults() StartLimits {
	if l.PerIP == 0 {
		l.PerIP = DefaultStartLimits.PerIP
	}
	if l.PerSession == 0 {
		l.PerSession = DefaultStartLimits.PerSession
	}
	if l.Window <= 0 {
		l.Window = DefaultStartLimits.Window
	}
	return l
}

// MessageTooManyStarts is the RATE_LIMITED message of a refused Start.
const MessageTooManyStarts = "Too many flows were started from here; try again in a few minutes."

// countStart counts one start against key's limit, refusing past it with a
// *problem.RateLimitedError.
func (x *Executor) countStart(ctx context.Context, key string, limit int64) error {
	if limit < 0 || x.deps.Counters == nil {
		return nil
	}
	n, err := x.deps.Counters.Add(ctx, key, 1, x.limits.Window, counter.Fixed)
	if err != nil {
		return fmt.Errorf("count flow start: %w", err)
	}
	if n > limit {
		return &problem.RateLimitedError{Message: MessageTooManyStarts}
	}
	return nil
}

// checkQuery refuses a query string over MaxQueryBytes.
func checkQuery(query string) error {
	if len(query) > MaxQueryBytes {
		return problem.Invalid("query", "must be at most %d bytes", MaxQueryBytes)
	}
	return nil
}

// checkDocument refuses an encoded execution over MaxDocumentBytes.
func checkDocument(doc []byte) error {
	if len(doc) > MaxDocumentBytes {
		return problem.Invalid("response", "the flow's answers are too large: at most %d bytes in all", MaxDocumentBytes)
	}
	return nil
}
