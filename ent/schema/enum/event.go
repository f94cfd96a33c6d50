package enum

import "io"

// EventAction names what an audit event records.
type EventAction string

// Event actions. Each has a producer; an action nothing records is not
// kept in the schema.
const (
	// EventActionLogin: a user logged in (the user_login stage).
	EventActionLogin EventAction = "login"
	// EventActionLoginFailed: a password, code or device was refused; the
	// event's username is the identifier the client typed.
	EventActionLoginFailed EventAction = "login_failed"
	// EventActionLogout: a user's session was ended by a logout.
	EventActionLogout EventAction = "logout"
	// EventActionUserWrite: a flow created or changed a user (user_write,
	// user_delete stages).
	EventActionUserWrite EventAction = "user_write"
	// EventActionSuspiciousRequest: a request that looks like an attack
	// (a reused authorization code or refresh token).
	EventActionSuspiciousRequest EventAction = "suspicious_request"
	// EventActionPasswordSet: a user's password was set, by a flow or by an
	// administrator (setUserPassword).
	EventActionPasswordSet EventAction = "password_set"
	// EventActionSecretRotate: a secret was replaced: an OAuth2 client's
	// secret, an outpost's token, the signing keys.
	EventActionSecretRotate EventAction = "secret_rotate"
	// EventActionInvitationUsed: an invitation was used to enrol.
	EventActionInvitationUsed EventAction = "invitation_used"
	// EventActionAuthorizeApplication: a user authorized an application.
	EventActionAuthorizeApplication EventAction = "authorize_application"
	// EventActionFlowExecution: a flow execution ended denied.
	EventActionFlowExecution EventAction = "flow_execution"
	// EventActionPolicyExecution: a policy with execution logging on was
	// evaluated.
	EventActionPolicyExecution EventAction = "policy_execution"
	// EventActionPolicyException: a policy failed to evaluate.
	EventActionPolicyException EventAction = "policy_exception"
	// EventActionSystemTaskException: a background job failed for good or
	// panicked.
	EventActionSystemTaskException EventAction = "system_task_exception"
	// EventActionSystemException: an API request failed with an internal
	// error (the client got INTERNAL_ERROR and a request ID).
	EventActionSystemException EventAction = "system_exception"
	// EventActionConfigurationError: a configuration cannot work (a stage
	// or scope mapping refers to something missing or invalid).
	EventActionConfigurationError EventAction = "configuration_error"
	// EventActionModelCreated: an administrable object was created.
	EventActionModelCreated EventAction = "model_created"
	// EventActionModelUpdated: an administrable object was changed.
	EventActionModelUpdated EventAction = "model_updated"
	// EventActionModelDeleted: an administrable object was deleted.
	EventActionModelDeleted EventAction = "model_deleted"
	// EventActionEmailSent: the mail job delivered a mail.
	EventActionEmailSent EventAction = "email_sent"
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
)

// EventActions lists every EventAction.
var EventActions = []EventAction{
	EventActionLogin, EventActionLoginFailed, EventActionLogout, EventActionUserWrite,
	EventActionSuspiciousRequest, EventActionPasswordSet, EventActionSecretRotate,
	EventActionInvitationUsed, EventActionAuthorizeApplication, EventActionFlowExecution,
	EventActionPolicyExecution, EventActionPolicyException,
	EventActionSystemTaskException, EventActionSystemException, EventActionConfigurationError,
	EventActionModelCreated, EventActionModelUpdated, EventActionModelDeleted, EventActionEmailSent,
	EventActionMFADeviceAdded, EventActionMFADeviceRemoved, EventActionRecoveryLinkSent, EventActionSessionRevoked,
}

// Values implements ent's EnumValues.
func (EventAction) Values() []string { return Strings(EventActions) }

// MarshalGQL implements graphql.Marshaler.
func (v EventAction) MarshalGQL(w io.Writer) { MarshalGQL(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *EventAction) UnmarshalGQL(x any) error { return UnmarshalGQL(x, v, EventActions) }
