package userlogin_test

import (
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/userlogin"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
)

// The LOGIN event, as the audit log records it, names the user who logged
// in as its actor, although stages run as the system.
func TestLoginEventNamesTheUser(t *testing.T) {
	t.Parallel()
	env := stagetest.New(t, dialect.SQLite, userlogin.Definition())
	env.RecordAudit()
	alice := env.User(t, "alice", "", "")
	require.Equal(t, executor.Next(), login(t, env, `{}`, request(t, env, alice), false))
	env.RequireStoredEvent(t, enum.EventActionLogin, alice)
}
