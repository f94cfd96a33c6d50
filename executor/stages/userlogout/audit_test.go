package userlogout_test

import (
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/userlogout"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
)

// The LOGOUT event, as the audit log records it, names the user who
// logged out as its actor, although stages run as the system.
func TestLogoutEventNamesTheUser(t *testing.T) {
	t.Parallel()
	env := stagetest.New(t, dialect.SQLite, userlogout.Definition())
	env.RecordAudit()
	alice := env.User(t, "alice", "", "")
	require.Equal(t, executor.Next(), env.Run(t, userlogout.Kind, `{}`, loggedIn(t, env, alice)))
	env.RequireStoredEvent(t, enum.EventActionLogout, alice)
}
