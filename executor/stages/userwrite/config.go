// Package userwrite is the stage that writes the answers gathered in
// prompt_data to a user: it updates the pending user, or creates a new
// user (who becomes the pending user), as soon as it is reached.
//
// # Which user
//
// Only the pending user is ever updated, never the session's user as
// such: a flow that lets signed-in users edit themselves (a
// stage_configuration or other settings flow) must set pending_user first,
// for instance with an identification stage or a policy proposing it.
// Without a pending user, user_creation_mode decides:
//
//	never_create          deny ("There is no user to write to.")
//	create_when_required  create a user (the default)
//	always_create         create a user, even when there is a pending user
//
// # What is written
//
// Keys of prompt_data map to the user as follows; every other key is
// ignored, so a form can never grant privileges it was not designed to:
//
//	username                    the username (creating needs a non-empty one)
//	name, email                 the display name and email address
//	password                    the password: either the hashed form the
//	                            prompt stage stores, {"argon2id": "<PHC>"},
//	                            used as is, or a plaintext string from other
//	                            sources, hashed here; sets password_changed_at
//	attributes.<a>.<b>          attribute a.b (dots nest), merged into the
//	attributes_<name>           existing attributes; the form a prompt field
//	                            key can take (keys have no dots)
//
// In particular groups, is_active, type, is_superuser and password_hash
// are ignored: membership, activation and the user type come only from the
// stage's config (create_users_group, create_users_as_inactive,
// user_type), and only when creating.
//
// The user and their membership of create_users_group are written in one
// transaction. A username another user has (regardless of case) denies
// the flow with "That username is taken." — the prompt stage's username
// field catches this earlier, with a field error. An email address
// another user has (regardless of case and Unicode composition, see
// ent/schema/emailkey) is answered with the field error "taken" on
// "email", which the executor shows as a denial with its message ("That
// email address is taken."), a runner having no form to show again; the
// prompt stage's email field catches it earlier. A write that loses a race
// for either value (another write took it after the checks; the database's
// unique index refuses this one) is answered the same way. Each write
// records a user_write audit event naming the fields written, never their
// values.
//
// Changing the password of the session's own user leaves the user's other
// sessions valid; ending them belongs to the login and password-change
// stages.
package userwrite

import (
	"io"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the stage kind's persisted name.
const Kind = "user_write"

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, DefaultConfig, New)
}

// CreationMode says when a user write stage creates a user.
type CreationMode string

// Creation modes.
const (
	// CreationModeNeverCreate only updates the pending user; without one
	// the flow is denied.
	CreationModeNeverCreate CreationMode = "never_create"
	// CreationModeCreateWhenRequired updates the pending user, or creates
	// a user when there is none.
	CreationModeCreateWhenRequired CreationMode = "create_when_required"
	// CreationModeAlwaysCreate always creates a user.
	CreationModeAlwaysCreate CreationMode = "always_create"
)

// CreationModes lists every CreationMode.
var CreationModes = []CreationMode{CreationModeNeverCreate, CreationModeCreateWhenRequired, CreationModeAlwaysCreate}

// MarshalGQL implements graphql.Marshaler.
func (m CreationMode) MarshalGQL(w io.Writer) { enum.MarshalGQL(w, m) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (m *CreationMode) UnmarshalGQL(v any) error { return enum.UnmarshalGQL(v, m, CreationModes) }

// UserTypes are the types a user write stage may create users as: service
// accounts are made by administrators, never through a flow.
var UserTypes = []enum.UserType{enum.UserTypeInternal, enum.UserTypeExternal}

// Config configures a user write stage.
type Config struct {
	UserCreationMode CreationMode `json:"user_creation_mode"`
	// CreateUsersAsInactive creates users who cannot log in until
	// activated (by an email stage or an administrator).
	CreateUsersAsInactive bool `json:"create_users_as_inactive"`
	// CreateUsersGroupID is a group new users join.
	CreateUsersGroupID *int `json:"create_users_group,omitempty" ref:"group"`
	// UserType is the type of new users: internal or external.
	UserType enum.UserType `json:"user_type"`
}

// DefaultConfig returns the defaults: create when required, active,
// internal users.
func DefaultConfig() *Config {
	return &Config{UserCreationMode: CreationModeCreateWhenRequired, UserType: enum.UserTypeInternal}
}

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	if _, err := enum.Parse(string(c.UserCreationMode), CreationModes); err != nil {
		return problem.Invalid("user_creation_mode", "%v", err)
	}
	if _, err := enum.Parse(string(c.UserType), UserTypes); err != nil {
		return problem.Invalid("user_type", "%v", err)
	}
	if c.CreateUsersGroupID != nil && *c.CreateUsersGroupID <= 0 {
		return problem.Invalid("create_users_group", "%d is not a group ID", *c.CreateUsersGroupID)
	}
	return nil
}
