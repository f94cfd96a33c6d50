package deny_test

import (
	"encoding/json"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/deny"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

func TestKind(t *testing.T) {
	t.Parallel()
	stagetest.RequireKind(t, "deny", deny.Kind, &deny.Stage{})
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()

	stagetest.RunValidation(t, deny.Definition(), []typedconfigtest.Case{
		{Name: "defaults", Want: &deny.Config{}},
		{Name: "message", Config: `{"deny_message": "Not for you."}`},
		{Name: "longest message", Config: `{"deny_message": "` + strings.Repeat("é", deny.MaxMessageLength) + `"}`},
		{Name: "message too long", Config: `{"deny_message": "` + strings.Repeat("é", deny.MaxMessageLength+1) + `"}`, Field: "deny_message"},
		{Name: "message not text", Config: `{"deny_message": 42}`, Field: "deny_message"},
		{Name: "unknown field", Config: `{"message": "x"}`, Field: "message"},
	})
}

func TestRun(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		config string
		// context is the execution's deny_message as JSON; "" for none.
		context string
		want    executor.Result
	}{
		{name: "configured message", config: `{"deny_message": "Not for you."}`, want: executor.Deny("Not for you.")},
		{name: "no message leaves it to the executor", config: `{}`, want: executor.Deny("")},
		{name: "context wins", config: `{"deny_message": "Not for you."}`, context: `"Your account is locked."`, want: executor.Deny("Your account is locked.")},
		{name: "context without config", config: `{}`, context: `"Your account is locked."`, want: executor.Deny("Your account is locked.")},
		{name: "empty context message", config: `{"deny_message": "Not for you."}`, context: `""`, want: executor.Deny("Not for you.")},
		{name: "context message not text", config: `{"deny_message": "Not for you."}`, context: `{"text": "x"}`, want: executor.Deny("Not for you.")},
	}
	env := stagetest.New(t, dialect.SQLite, deny.Definition())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := env.Request(deny.Kind)
			if tt.context != "" {
				req.Execution.Context[executor.KeyDenyMessage] = json.RawMessage(tt.context)
			}
			require.Equal(t, tt.want, env.Run(t, deny.Kind, tt.config, req))
		})
	}
}
