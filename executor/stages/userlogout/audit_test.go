package userlogout_test

import (
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/userlogout"
)

// The LOGOUT event, as the audit log records it, names the user who
// logged out as its actor, although stages run as the system.
func TestLogoutEventNamesTheUser(t *testing.T) {
	t.Parallel()
	b := setup(t, dialect.SQLite)
	deps := b.env.Deps
	deps.Auditor = &audit.Recorder{App: "test"}
	s, err := b.kinds.New(userlogout.Kind, []byte(`{}`), deps)
	require.NoError(t, err)
	logout, ok := s.(executor.Runner)
	require.True(t, ok)
	alice := b.env.User(t, "alice", "", "")
	_, err = logout.Run(b.env.Ctx, b.loggedIn(t, alice))
	require.NoError(t, err)

	ev, err := b.env.Client.Event.Query().Where(event.ActionEQ(enum.EventActionLogout)).Only(b.env.Ctx)
	require.NoError(t, err)
	require.Equal(t, "alice", ev.Username)
	require.NotNil(t, ev.UserID)
	require.Equal(t, alice.ID, *ev.UserID)
}
