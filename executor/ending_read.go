package executor

import (
	"context"
	"time"

	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/session"
)

// Ending is how an execution ended, for the Gatehouse component that
// started it with a context of its own (an SSO authorization checks that
// its authorization flow passed before it answers the client).
type Ending struct {
	// FlowSlug is the flow that ran.
	FlowSlug string
	// Completed reports whether the flow has ended.
	Completed bool
	// Denied reports whether it ended refusing the user.
	Denied bool
	// UserID is the session's user when the result was read; 0 when
	// anonymous.
	UserID int
	// AuthTime is when that user logged in (the session's creation).
	AuthTime time.Time
	// AuthMethods are how that user logged in (session.Session.Methods).
	AuthMethods []string
	// SessionKey is the key (session.ID.Key) of the session then; ""
	// when anonymous.
	SessionKey string
	// Context is the execution's context (a copy).
	Context Context
}

// Ending returns how execution id of session sid ended (or that it has
// not): ErrExecutionNotFound when it is unknown, expired or another
// session's. A continuation into another flow counts as not completed
// here: the caller follows the execution it continued in.
func (x *Executor) Ending(ctx context.Context, id string, sid session.ID) (*Ending, error) {
	st, _, err := x.load(viewer.SystemContext(ctx), id, sid, Client{})
	if err != nil {
		return nil, err
	}
	return st.ending(), nil
}

// ending is how st's execution ended (or that it has not).
func (st *state) ending() *Ending {
	out := &Ending{
		FlowSlug: st.exec.FlowSlug, UserID: st.session.UserID, AuthTime: st.session.CreatedAt,
		AuthMethods: st.session.Methods, Context: st.exec.Context.clone(),
	}
	if st.session.UserID != 0 && st.sessionID != "" {
		out.SessionKey = st.sessionID.Key()
	}
	if o := st.exec.Outcome; o != nil && o.Continuation == "" {
		out.Completed = true
		out.Denied = o.Denied
	}
	return out
}
