package userlogin_test

import (
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/ent/event"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/userlogin"
)

// The LOGIN event, as the audit log records it, names the user who logged
// in as its actor, although stages run as the system.
func TestLoginEventNamesTheUser(t *testing.T) {
	t.Parallel()
	b := setup(t, dialect.SQLite)
	deps := b.env.Deps
	deps.Auditor = &audit.Recorder{App: "test"}
	s, err := b.kinds.New(userlogin.Kind, []byte(`{}`), deps)
	require.NoError(t, err)
	login, ok := s.(executor.Skipper)
	require.True(t, ok)
	alice := b.env.User(t, "alice", "", "")
	require.Equal(t, executor.Next(), b.login(t, login, b.request(t, alice), false))

	ev, err := b.env.Client.Event.Query().Where(event.ActionEQ(enum.EventActionLogin)).Only(b.env.Ctx)
	require.NoError(t, err)
	require.Equal(t, "alice", ev.Username)
	require.NotNil(t, ev.UserID)
	require.Equal(t, alice.ID, *ev.UserID)
}
