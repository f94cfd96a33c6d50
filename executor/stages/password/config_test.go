package password_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/password"
	"github.com/gatehouse-id/gatehouse/problem"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		config    string
		wantField string
	}{
		{name: "defaults", config: `{}`},
		{
			name:   "every option",
			config: `{"backends": ["app_password", "inbuilt"], "failed_attempts_before_cancel": 100, "allow_show_password": true, "configure_flow": 3}`,
		},
		{name: "one attempt", config: `{"failed_attempts_before_cancel": 1}`},
		{name: "no backends", config: `{"backends": []}`, wantField: "backends"},
		{name: "null backends", config: `{"backends": null}`, wantField: "backends"},
		{name: "unknown backend", config: `{"backends": ["ldap"]}`, wantField: "backends"},
		{name: "duplicate backend", config: `{"backends": ["inbuilt", "inbuilt"]}`, wantField: "backends"},
		{name: "no attempts", config: `{"failed_attempts_before_cancel": 0}`, wantField: "failed_attempts_before_cancel"},
		{name: "negative attempts", config: `{"failed_attempts_before_cancel": -1}`, wantField: "failed_attempts_before_cancel"},
		{name: "too many attempts", config: `{"failed_attempts_before_cancel": 101}`, wantField: "failed_attempts_before_cancel"},
		{name: "fractional attempts", config: `{"failed_attempts_before_cancel": 2.5}`, wantField: "failed_attempts_before_cancel"},
		{name: "unknown field", config: `{"password_policy": 1}`, wantField: "password_policy"},
	}
	kinds := executor.NewStageKinds(password.Definition())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := kinds.Decode(password.Kind, []byte(tt.config))
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
		cfg, err := kinds.Decode(password.Kind, nil)
		require.NoError(t, err)
		require.Equal(t, &password.Config{Backends: []password.Backend{password.BackendInbuilt}, FailedAttemptsBeforeCancel: 5}, cfg)
	})
}

func TestBackendGQL(t *testing.T) {
	t.Parallel()

	for _, b := range password.Backends {
		var buf bytes.Buffer
		b.MarshalGQL(&buf)
		require.Equal(t, `"`+strings.ToUpper(string(b))+`"`, buf.String())
		var back password.Backend
		require.NoError(t, back.UnmarshalGQL(strings.ToUpper(string(b))))
		require.Equal(t, b, back)
	}
	var b password.Backend
	require.Error(t, b.UnmarshalGQL("inbuilt"))
	require.Error(t, b.UnmarshalGQL("LDAP"))
}
