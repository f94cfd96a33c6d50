package stagetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
)

// RecordAudit makes the stages built from now on record their audit events
// in the database through an audit.Recorder, as the server's do, instead
// of in e.Auditor. Check them with RequireStoredEvent.
func (e *Env) RecordAudit() {
	e.Deps.Auditor = &audit.Recorder{App: "test"}
}

// RequireStoredEvent checks that the database holds exactly one audit
// event of action and that it names u as its actor (username and user ID),
// although stages run as the system.
func (e *Env) RequireStoredEvent(t *testing.T, action enum.EventAction, u *ent.User) {
	t.Helper()
	ev, err := e.Client.Event.Query().Where(event.ActionEQ(action)).Only(e.Ctx)
	require.NoError(t, err)
	require.Equal(t, u.Username, ev.Username)
	require.NotNil(t, ev.UserID)
	require.Equal(t, u.ID, *ev.UserID)
}

// LoginFailed is the audit event the password check
// (executor/internal/passcheck) records for a failed attempt as username
// in a flow of Env.Request, with reason ("" for none: a wrong password, or
// an unknown or unfit user), about the account username named (nil for
// none).
func LoginFailed(username, reason string, about *ent.User) Event {
	data := map[string]any{"username": username, "flow": "test-flow"}
	if reason != "" {
		data["reason"] = reason
	}
	return Event{Action: enum.EventActionLoginFailed, Data: audit.Subject(data, about)}
}
