package identification_test

import (
	"testing"

	"github.com/gatehouse-id/gatehouse/executor/stages/identification"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()

	stagetest.RunValidation(t, identification.Definition(), []typedconfigtest.Case{
		{Name: "defaults", Want: &identification.Config{
			UserFields:              []identification.UserField{identification.UserFieldUsername, identification.UserFieldEmail},
			CaseInsensitiveMatching: true,
			ShowMatchedUser:         true,
			PretendUserExists:       true,
		}},
		{Name: "every field", Config: `{"user_fields": ["upn", "email", "username"]}`},
		{
			Name: "every option", Config: `{"user_fields": ["email"], "password_stage": 4, "case_insensitive_matching": false,
			"show_matched_user": false, "pretend_user_exists": false, "enable_remember_me": true,
			"enrollment_flow": 1, "recovery_flow": 2, "passwordless_flow": 3}`,
		},
		{
			Name: "references", Config: `{"password_stage": 4, "enrollment_flow": 1, "recovery_flow": 2, "passwordless_flow": 3}`,
			Want: &identification.Config{
				UserFields:              []identification.UserField{identification.UserFieldUsername, identification.UserFieldEmail},
				CaseInsensitiveMatching: true, ShowMatchedUser: true, PretendUserExists: true,
				PasswordStageID: new(4), EnrollmentFlowID: new(1), RecoveryFlowID: new(2), PasswordlessFlowID: new(3),
			},
		},
		{Name: "no fields", Config: `{"user_fields": []}`, Field: "user_fields"},
		{Name: "null fields", Config: `{"user_fields": null}`, Field: "user_fields"},
		{Name: "unknown user field", Config: `{"user_fields": ["phone"]}`, Field: "user_fields"},
		{Name: "upper-case user field", Config: `{"user_fields": ["USERNAME"]}`, Field: "user_fields"},
		{Name: "duplicate user field", Config: `{"user_fields": ["email", "username", "email"]}`, Field: "user_fields"},
		{Name: "wrong type", Config: `{"case_insensitive_matching": "yes"}`, Field: "case_insensitive_matching"},
		{Name: "unknown field", Config: `{"sources": [1]}`, Field: "sources"},
	})
}

func TestUserFieldGQL(t *testing.T) {
	t.Parallel()
	typedconfigtest.RunEnum(t, identification.UserFields, "username", "PHONE")
}
