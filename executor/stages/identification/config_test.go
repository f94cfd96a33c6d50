package identification_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/identification"
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
		{name: "every field", config: `{"user_fields": ["upn", "email", "username"]}`},
		{
			name: "every option", config: `{"user_fields": ["email"], "password_stage": 4, "case_insensitive_matching": false,
			"show_matched_user": false, "pretend_user_exists": false, "enable_remember_me": true,
			"enrollment_flow": 1, "recovery_flow": 2, "passwordless_flow": 3}`,
		},
		{name: "no fields", config: `{"user_fields": []}`, wantField: "user_fields"},
		{name: "null fields", config: `{"user_fields": null}`, wantField: "user_fields"},
		{name: "unknown user field", config: `{"user_fields": ["phone"]}`, wantField: "user_fields"},
		{name: "upper-case user field", config: `{"user_fields": ["USERNAME"]}`, wantField: "user_fields"},
		{name: "duplicate user field", config: `{"user_fields": ["email", "username", "email"]}`, wantField: "user_fields"},
		{name: "wrong type", config: `{"case_insensitive_matching": "yes"}`, wantField: "case_insensitive_matching"},
		{name: "unknown field", config: `{"sources": [1]}`, wantField: "sources"},
	}
	kinds := executor.NewStageKinds(identification.Definition())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := kinds.Decode(identification.Kind, []byte(tt.config))
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
		cfg, err := kinds.Decode(identification.Kind, nil)
		require.NoError(t, err)
		require.Equal(t, &identification.Config{
			UserFields:              []identification.UserField{identification.UserFieldUsername, identification.UserFieldEmail},
			CaseInsensitiveMatching: true,
			ShowMatchedUser:         true,
			PretendUserExists:       true,
		}, cfg)
	})

	t.Run("ReferencesTargets", func(t *testing.T) {
		t.Parallel()
		cfg, err := kinds.Decode(identification.Kind, []byte(`{"password_stage": 4, "enrollment_flow": 1, "recovery_flow": 2, "passwordless_flow": 3}`))
		require.NoError(t, err)
		got := cfg.(*identification.Config) //nolint:forcetypeassert // the kind's own config
		require.Equal(t, 4, *got.PasswordStageID)
		require.Equal(t, 1, *got.EnrollmentFlowID)
		require.Equal(t, 2, *got.RecoveryFlowID)
		require.Equal(t, 3, *got.PasswordlessFlowID)
	})
}

func TestUserFieldGQL(t *testing.T) {
	t.Parallel()

	for _, f := range identification.UserFields {
		var buf bytes.Buffer
		f.MarshalGQL(&buf)
		require.Equal(t, `"`+strings.ToUpper(string(f))+`"`, buf.String())
		var back identification.UserField
		require.NoError(t, back.UnmarshalGQL(strings.ToUpper(string(f))))
		require.Equal(t, f, back)
	}
	var f identification.UserField
	require.Error(t, f.UnmarshalGQL("username"))
	require.Error(t, f.UnmarshalGQL("PHONE"))
}
