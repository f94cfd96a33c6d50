// Package identification is the stage that asks who the user is: a
// username or email address (and, optionally, the password on the same
// screen).
package identification

import (
	"io"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the stage kind's persisted name.
const Kind = "identification"

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, DefaultConfig, New)
}

// UserField is a user attribute the identifier is matched against.
type UserField string

// User fields.
const (
	UserFieldUsername UserField = "username"
	UserFieldEmail    UserField = "email"
	// UserFieldUPN matches the user's attributes.upn.
	UserFieldUPN UserField = "upn"
)

// UserFields lists every UserField.
var UserFields = []UserField{UserFieldUsername, UserFieldEmail, UserFieldUPN}

// MarshalGQL implements graphql.Marshaler.
func (f UserField) MarshalGQL(w io.Writer) { enum.MarshalGQL(w, f) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (f *UserField) UnmarshalGQL(v any) error { return enum.UnmarshalGQL(v, f, UserFields) }

// Config configures an identification stage.
type Config struct {
	// UserFields are matched, in any order, against what the user types.
	UserFields []UserField `json:"user_fields"`
	// PasswordStageID, when set, shows a password field on the same screen
	// and checks it with that password stage's settings.
	PasswordStageID *int `json:"password_stage,omitempty" ref:"stage:password"`
	// CaseInsensitiveMatching matches the identifier regardless of case.
	CaseInsensitiveMatching bool `json:"case_insensitive_matching"`
	// ShowMatchedUser shows the matched username on later stages; otherwise
	// they show what the user typed.
	ShowMatchedUser bool `json:"show_matched_user"`
	// PretendUserExists makes unknown identifiers continue to the next stage
	// exactly as known ones do, so the flow does not reveal which exist.
	PretendUserExists bool `json:"pretend_user_exists"`
	// EnableRememberMe offers to remember the identifier in the browser.
	EnableRememberMe bool `json:"enable_remember_me"`
	// EnrollmentFlowID is linked as "sign up".
	EnrollmentFlowID *int `json:"enrollment_flow,omitempty" ref:"flow:enrollment"`
	// RecoveryFlowID is linked as "forgot password".
	RecoveryFlowID *int `json:"recovery_flow,omitempty" ref:"flow:recovery"`
	// PasswordlessFlowID is linked as "log in with a passkey".
	PasswordlessFlowID *int `json:"passwordless_flow,omitempty" ref:"flow:authentication"`
}

// DefaultConfig returns the defaults: username or email, matched
// case-insensitively, pretending unknown users exist.
func DefaultConfig() *Config {
	return &Config{
		UserFields:              []UserField{UserFieldUsername, UserFieldEmail},
		CaseInsensitiveMatching: true,
		ShowMatchedUser:         true,
		PretendUserExists:       true,
	}
}

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	if len(c.UserFields) == 0 {
		return problem.Invalid("user_fields", "must name at least one of username, email, upn")
	}
	seen := map[UserField]bool{}
	for _, f := range c.UserFields {
		if _, err := enum.Parse(string(f), UserFields); err != nil {
			return problem.Invalid("user_fields", "%v", err)
		}
		if seen[f] {
			return problem.Invalid("user_fields", "%q is listed twice", f)
		}
		seen[f] = true
	}
	return nil
}
