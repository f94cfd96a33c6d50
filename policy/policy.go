package policy

import (
	"context"
	"log/slog"
	"net/netip"
	"time"

	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/ent"
)

// Request is what a policy is evaluated against: who, from where, in which
// flow, with what execution context.
type Request struct {
	// User is the user being decided about (the flow's pending user, else
	// the session's user); nil for anonymous requests.
	User *ent.User
	// GroupIDs are the user's groups, parents included, and Superuser
	// whether one of them is a superuser group (directory.MembershipOf).
	GroupIDs  []int
	Superuser bool
	// Client describes the HTTP request.
	Client Client
	// Flow is the flow being run; nil outside flows.
	Flow *Flow
	// Context is the flow execution's context (prompt_data, pending_user,
	// pending_user_identifier, …); policies read it and may propose keys.
	Context map[string]any
	// Application is the application being accessed; nil when none.
	Application map[string]any
	// Event is the audit event a notification rule's policies decide
	// about (package notify; the event_matcher kind reads it); nil
	// outside notification rules. User and Client then describe the
	// event's user and client address.
	Event *ent.Event
}

// Client is the HTTP request a policy is evaluated for.
type Client struct {
	// IP is the client's address (invalid when unknown).
	IP netip.Addr
	// UserAgent is the User-Agent header.
	UserAgent string
	// Headers are the request headers, names lower-cased, values joined.
	Headers map[string]string
}

// Flow identifies the flow a policy is evaluated in.
type Flow struct {
	Slug        string
	Designation string
}

// Outcome is what one evaluator decided.
type Outcome struct {
	// Passing is the verdict, before a binding's negate.
	Passing bool
	// Messages explain the verdict; they are shown to users, so they must
	// not leak secrets.
	Messages []string
	// Context holds execution context keys the policy proposes to set
	// (expression policies may); the executor merges them.
	Context map[string]any
}

// Evaluator evaluates one configured policy. It must honour ctx's deadline
// (a binding's timeout) and be safe for concurrent use. It must not modify
// req: the Engine evaluates a target's policies concurrently on the same
// Request. An error means the policy could not decide; the binding's
// failure_result applies. Error text reaches administrators (trace, audit
// event, log) but never users, and must not include request secrets such
// as a password.
type Evaluator interface {
	Evaluate(ctx context.Context, req *Request) (Outcome, error)
}

// Deps are what evaluators may use.
type Deps struct {
	// Counters hold reputation scores.
	Counters counter.Store
	// NowFunc is the clock; nil means time.Now.
	NowFunc func() time.Time
	// Logger receives evaluation failures; nil discards.
	Logger *slog.Logger
}

// Now returns the current time from the injected clock.
func (d Deps) Now() time.Time {
	if d.NowFunc != nil {
		return d.NowFunc()
	}
	return time.Now()
}
