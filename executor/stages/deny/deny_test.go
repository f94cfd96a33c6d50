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
	"github.com/gatehouse-id/gatehouse/problem"
)

func TestKind(t *testing.T) {
	t.Parallel()
	require.Equal(t, "deny", deny.Kind)
	require.Equal(t, deny.Kind, (&deny.Stage{}).Kind())
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		config    string
		wantField string
	}{
		{name: "defaults", config: `{}`},
		{name: "message", config: `{"deny_message": "Not for you."}`},
		{name: "longest message", config: `{"deny_message": "` + strings.Repeat("é", deny.MaxMessageLength) + `"}`},
		{name: "message too long", config: `{"deny_message": "` + strings.Repeat("é", deny.MaxMessageLength+1) + `"}`, wantField: "deny_message"},
		{name: "message not text", config: `{"deny_message": 42}`, wantField: "deny_message"},
		{name: "unknown field", config: `{"message": "x"}`, wantField: "message"},
	}
	kinds := executor.NewStageKinds(deny.Definition())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := kinds.Decode(deny.Kind, []byte(tt.config))
			if tt.wantField == "" {
				require.NoError(t, err)
				return
			}
			var fe *problem.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, "config."+tt.wantField, fe.Field, "error: %v", err)
			require.NotEmpty(t, fe.Message)
		})
	}

	t.Run("Defaults", func(t *testing.T) {
		t.Parallel()
		cfg, err := kinds.Decode(deny.Kind, nil)
		require.NoError(t, err)
		require.Equal(t, &deny.Config{}, cfg)
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
	env := stagetest.New(t, dialect.SQLite)
	kinds := executor.NewStageKinds(deny.Definition())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, ok := env.Build(t, kinds, deny.Kind, tt.config).(executor.Runner)
			require.True(t, ok, "deny is a runner")
			req := env.Request(deny.Kind)
			if tt.context != "" {
				req.Execution.Context[executor.KeyDenyMessage] = json.RawMessage(tt.context)
			}
			res, err := s.Run(env.Ctx, req)
			require.NoError(t, err)
			require.Equal(t, tt.want, res)
		})
	}
}
