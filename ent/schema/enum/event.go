package enum

import "io"

// EventAction names what an audit event records.
type EventAction string

// Event actions.
const (
	EventActionLogin                EventAction = "login"
	EventActionLoginFailed          EventAction = "login_failed"
	EventActionLogout               EventAction = "logout"
	EventActionUserWrite            EventAction = "user_write"
	EventActionSuspiciousRequest    EventAction = "suspicious_request"
	EventActionPasswordSet          EventAction = "password_set"
	EventActionSecretView           EventAction = "secret_view"
	EventActionSecretRotate         EventAction = "secret_rotate"
	EventActionInvitationUsed       EventAction = "invitation_used"
	EventActionAuthorizeApplication EventAction = "authorize_application"
	EventActionFlowExecution        EventAction = "flow_execution"
	EventActionPolicyExecution      EventAction = "policy_execution"
	EventActionPolicyException      EventAction = "policy_exception"
	EventActionSystemTaskExecution  EventAction = "system_task_execution"
	EventActionSystemTaskException  EventAction = "system_task_exception"
	EventActionSystemException      EventAction = "system_exception"
	EventActionConfigurationError   EventAction = "configuration_error"
	EventActionModelCreated         EventAction = "model_created"
	EventActionModelUpdated         EventAction = "model_updated"
	EventActionModelDeleted         EventAction = "model_deleted"
	EventActionEmailSent            EventAction = "email_sent"
	// EventActionMFADeviceAdded: a user saved a second factor (an
	// authenticator app, a set of recovery codes, …).
	EventActionMFADeviceAdded EventAction = "mfa_device_added"
	// EventActionMFADeviceRemoved: a second factor was deleted (or
	// replaced, as recovery codes are when new ones are issued).
	EventActionMFADeviceRemoved EventAction = "mfa_device_removed"
	// EventActionRecoveryLinkSent: an administrator mailed a user a
	// recovery link (sendRecoveryLink); the event names the admin.
	EventActionRecoveryLinkSent EventAction = "recovery_link_sent"
	// EventActionSessionRevoked: an administrator ended sessions of a
	// user (revokeUserSessions); the event names the admin.
	EventActionSessionRevoked EventAction = "session_revoked"
	EventActionCustom         EventAction = "custom"
)

// EventActions lists every EventAction.
var EventActions = []EventAction{
	EventActionLogin, EventActionLoginFailed, EventActionLogout, EventActionUserWrite,
	EventActionSuspiciousRequest, EventActionPasswordSet, EventActionSecretView, EventActionSecretRotate,
	EventActionInvitationUsed, EventActionAuthorizeApplication, EventActionFlowExecution,
	EventActionPolicyExecution, EventActionPolicyException, EventActionSystemTaskExecution,
	EventActionSystemTaskException, EventActionSystemException, EventActionConfigurationError,
	EventActionModelCreated, EventActionModelUpdated, EventActionModelDeleted, EventActionEmailSent,
	EventActionMFADeviceAdded, EventActionMFADeviceRemoved, EventActionRecoveryLinkSent, EventActionSessionRevoked,
	EventActionCustom,
}

// Values implements ent's EnumValues.
func (EventAction) Values() []string { return Strings(EventActions) }

// MarshalGQL implements graphql.Marshaler.
func (v EventAction) MarshalGQL(w io.Writer) { MarshalGQL(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *EventAction) UnmarshalGQL(x any) error { return UnmarshalGQL(x, v, EventActions) }
