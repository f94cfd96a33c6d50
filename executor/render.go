package executor

import (
	"context"
	"fmt"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/requestinfo"
)

// view renders st for its client.
func (x *Executor) view(ctx context.Context, st *state) *View {
	v := &View{ID: st.exec.ID, Completed: st.exec.Completed(), Flow: st.info, Session: st.change, Revision: st.exec.Version}
	if entry, ok := st.exec.Current(); ok && !v.Completed {
		v.Step = entry.Position
	}
	v.Challenge = x.challenge(ctx, st)
	base := v.Challenge.Base()
	base.FlowInfo = st.info
	if base.Errors == nil {
		base.Errors = []FieldError{}
	}
	if base.PendingUser == "" {
		base.PendingUser = x.pendingUserDisplay(ctx, st)
	}
	return v
}

func (x *Executor) challenge(ctx context.Context, st *state) Challenge {
	if o := st.exec.Outcome; o != nil {
		if o.To != "" {
			return &RedirectChallenge{To: o.To, ExecutionID: o.Continuation}
		}
		return &AccessDeniedChallenge{ErrorMessage: o.Message}
	}
	entry, _ := st.exec.Current()
	stage, err := x.stage(ctx, entry, st.generation)
	if err == nil {
		if s, ok := stage.(Interactive); ok {
			var c Challenge
			if c, err = s.Challenge(ctx, st.request(entry)); err == nil {
				c.Base().Errors = st.exec.Errors
				return c
			}
		} else {
			err = fmt.Errorf("executor: stage %s is waiting but not interactive", entry.Kind)
		}
	}
	reqID := requestinfo.FromContext(ctx).RequestID
	if x.deps.Logger != nil {
		x.deps.Logger.ErrorContext(ctx, "render flow challenge", "flow", st.flow.Slug, "stage", entry.Kind, "error", err, "request_id", reqID)
	}
	return &FlowErrorChallenge{RequestID: reqID}
}

// pendingUserDisplay is how challenges show the user being processed: the
// pending user's username, or what was typed to identify when there is no
// pending user or the identification stage asked not to show the match.
func (x *Executor) pendingUserDisplay(ctx context.Context, st *state) string {
	var typed bool
	if _, err := st.exec.Context.Get(KeyShowIdentifier, &typed); err == nil && typed {
		return st.exec.Context.String(KeyPendingUserIdentifier)
	}
	if id, ok := st.exec.Context.PendingUserID(); ok {
		switch {
		case st.subject != nil && st.subject.ID == id:
			return st.subject.Username
		case st.user != nil && st.user.ID == id:
			return st.user.Username
		}
		if u, err := x.deps.Client.User.Get(ctx, id); err == nil {
			return u.Username
		}
	}
	return st.exec.Context.String(KeyPendingUserIdentifier)
}

func flowInfo(f *ent.Flow) FlowInfo {
	return FlowInfo{Slug: f.Slug, Title: f.Title, Designation: f.Designation, Layout: f.Layout, Background: f.Background}
}

// RedirectChallenge ends a flow: the client goes to To.
type RedirectChallenge struct {
	ChallengeBase

	To string `json:"to"`
	// ExecutionID is set when the flow continues in another flow: the new
	// execution, which headless clients may drive directly.
	ExecutionID string `json:"execution_id,omitempty"`
}

// AccessDeniedChallenge ends a flow that refused the user.
type AccessDeniedChallenge struct {
	ChallengeBase

	ErrorMessage string `json:"error_message"`
}

// FlowErrorChallenge is shown when a stage failed unexpectedly; the
// request ID lets an administrator find the error in the logs.
type FlowErrorChallenge struct {
	ChallengeBase

	RequestID string `json:"request_id"`
}
