package password_test

import (
	"testing"

	"github.com/gatehouse-id/gatehouse/executor/stages/password"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()

	stagetest.RunValidation(t, password.Definition(), []typedconfigtest.Case{
		{Name: "defaults", Want: &password.Config{Backends: []password.Backend{password.BackendInbuilt}, FailedAttemptsBeforeCancel: 5}},
		{
			Name:   "every option",
			Config: `{"backends": ["app_password", "inbuilt"], "failed_attempts_before_cancel": 100, "allow_show_password": true, "configure_flow": 3}`,
		},
		{Name: "one attempt", Config: `{"failed_attempts_before_cancel": 1}`},
		{Name: "no backends", Config: `{"backends": []}`, Field: "backends"},
		{Name: "null backends", Config: `{"backends": null}`, Field: "backends"},
		{Name: "unknown backend", Config: `{"backends": ["ldap"]}`, Field: "backends"},
		{Name: "duplicate backend", Config: `{"backends": ["inbuilt", "inbuilt"]}`, Field: "backends"},
		{Name: "no attempts", Config: `{"failed_attempts_before_cancel": 0}`, Field: "failed_attempts_before_cancel"},
		{Name: "negative attempts", Config: `{"failed_attempts_before_cancel": -1}`, Field: "failed_attempts_before_cancel"},
		{Name: "too many attempts", Config: `{"failed_attempts_before_cancel": 101}`, Field: "failed_attempts_before_cancel"},
		{Name: "fractional attempts", Config: `{"failed_attempts_before_cancel": 2.5}`, Field: "failed_attempts_before_cancel"},
		{Name: "unknown field", Config: `{"password_policy": 1}`, Field: "password_policy"},
	})
}

func TestBackendGQL(t *testing.T) {
	t.Parallel()
	typedconfigtest.RunEnum(t, password.Backends, "inbuilt", "LDAP")
}
