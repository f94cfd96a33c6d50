package executor

import (
	"context"
	"errors"
	"fmt"

	"github.com/gatehouse-id/gatehouse/directory"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/session"
)

// openSession resumes the client's session or starts an anonymous one.
func (x *Executor) openSession(ctx context.Context, st *state, sid session.ID) error {
	if sid != "" {
		err := x.resumeSession(ctx, st, sid)
		if err == nil {
			return nil
		}
		if !errors.Is(err, ErrExecutionNotFound) {
			return err
		}
	}
	id, s, err := x.deps.Sessions.Start(ctx, session.Client{IP: st.client.IP.String(), UserAgent: st.client.UserAgent})
	if err != nil {
		return fmt.Errorf("start session: %w", err)
	}
	st.sessionID, st.session = id, s
	st.change = &SessionChange{ID: id, Session: s}
	return nil
}

// resumeSession loads the session sid and its user.
func (x *Executor) resumeSession(ctx context.Context, st *state, sid session.ID) error {
	s, err := x.deps.Sessions.Resume(ctx, sid)
	if errors.Is(err, session.ErrNotFound) {
		return ErrExecutionNotFound
	}
	if err != nil {
		return fmt.Errorf("resume session: %w", err)
	}
	st.sessionID, st.session = sid, s
	if s.UserID != 0 {
		u, err := x.deps.Client.User.Get(ctx, s.UserID)
		if err != nil && !ent.IsNotFound(err) {
			return fmt.Errorf("load session user: %w", err)
		}
		if u != nil && u.IsActive {
			st.user = u
		}
	}
	return nil
}

// policyRequest describes st to the policy engine: about the pending user
// if there is one, else the session's user.
func (x *Executor) policyRequest(ctx context.Context, st *state) *policy.Request {
	req := &policy.Request{
		Client:  policy.Client{IP: st.client.IP, UserAgent: st.client.UserAgent, Headers: st.client.Headers},
		Flow:    &policy.Flow{Slug: st.flow.Slug, Designation: string(st.flow.Designation)},
		Context: st.exec.Context.Values(),
	}
	id := x.subjectID(st)
	if id == 0 {
		return req
	}
	if st.subject == nil || st.subject.ID != id {
		// Loaded once per call into the executor: the subject changes only
		// when a stage sets another pending user.
		u := st.user
		if u == nil || u.ID != id {
			var err error
			if u, err = x.deps.Client.User.Get(ctx, id); err != nil {
				u = st.user // the pending user is gone: decide about the session's
			}
		}
		if u == nil {
			return req
		}
		membership, _ := directory.MembershipOf(ctx, x.deps.Client, u.ID)
		st.subject, st.subjectGroups = u, membership
	}
	req.User, req.GroupIDs, req.Superuser = st.subject, st.subjectGroups.GroupIDs, st.subjectGroups.Superuser
	return req
}

// subjectID is the ID of the user policies decide about: the pending
// user, else the session's user; 0 for none.
func (x *Executor) subjectID(st *state) int {
	if id, ok := st.exec.Context.PendingUserID(); ok {
		return id
	}
	if st.user != nil {
		return st.user.ID
	}
	return 0
}
