package enum

import "io"

// FlowDesignation says what a flow is for; brands and providers pick flows by it.
type FlowDesignation string

// Flow designations.
const (
	FlowDesignationAuthentication     FlowDesignation = "authentication"
	FlowDesignationAuthorization      FlowDesignation = "authorization"
	FlowDesignationInvalidation       FlowDesignation = "invalidation"
	FlowDesignationEnrollment         FlowDesignation = "enrollment"
	FlowDesignationUnenrollment       FlowDesignation = "unenrollment"
	FlowDesignationRecovery           FlowDesignation = "recovery"
	FlowDesignationStageConfiguration FlowDesignation = "stage_configuration"
)

// FlowDesignations lists every FlowDesignation.
var FlowDesignations = []FlowDesignation{
	FlowDesignationAuthentication, FlowDesignationAuthorization, FlowDesignationInvalidation,
	FlowDesignationEnrollment, FlowDesignationUnenrollment, FlowDesignationRecovery,
	FlowDesignationStageConfiguration,
}

// Values implements ent's EnumValues.
func (FlowDesignation) Values() []string { return Strings(FlowDesignations) }

// MarshalGQL implements graphql.Marshaler.
func (v FlowDesignation) MarshalGQL(w io.Writer) { MarshalGQL(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *FlowDesignation) UnmarshalGQL(x any) error { return UnmarshalGQL(x, v, FlowDesignations) }

// FlowLayout is how the flow executor arranges the challenge and the background.
type FlowLayout string

// Flow layouts.
const (
	FlowLayoutStacked                     FlowLayout = "stacked"
	FlowLayoutContentLeft                 FlowLayout = "content_left"
	FlowLayoutContentRight                FlowLayout = "content_right"
	FlowLayoutSidebarLeft                 FlowLayout = "sidebar_left"
	FlowLayoutSidebarRight                FlowLayout = "sidebar_right"
	FlowLayoutSidebarLeftFrameBackground  FlowLayout = "sidebar_left_frame_background"
	FlowLayoutSidebarRightFrameBackground FlowLayout = "sidebar_right_frame_background"
)

// FlowLayouts lists every FlowLayout.
var FlowLayouts = []FlowLayout{
	FlowLayoutStacked, FlowLayoutContentLeft, FlowLayoutContentRight, FlowLayoutSidebarLeft,
	FlowLayoutSidebarRight, FlowLayoutSidebarLeftFrameBackground, FlowLayoutSidebarRightFrameBackground,
}

// Values implements ent's EnumValues.
func (FlowLayout) Values() []string { return Strings(FlowLayouts) }

// MarshalGQL implements graphql.Marshaler.
func (v FlowLayout) MarshalGQL(w io.Writer) { MarshalGQL(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *FlowLayout) UnmarshalGQL(x any) error { return UnmarshalGQL(x, v, FlowLayouts) }

// DeniedAction is what a flow does when its policies deny the user.
type DeniedAction string

// Denied actions.
const (
	// DeniedActionMessageContinue goes on to a relative next URL when there is
	// one, and shows the denial message otherwise.
	DeniedActionMessageContinue DeniedAction = "message_continue"
	// DeniedActionMessage always shows the denial message.
	DeniedActionMessage DeniedAction = "message"
	// DeniedActionContinue never shows a message: it goes on to next, else home.
	DeniedActionContinue DeniedAction = "continue"
)

// DeniedActions lists every DeniedAction.
var DeniedActions = []DeniedAction{DeniedActionMessageContinue, DeniedActionMessage, DeniedActionContinue}

// Values implements ent's EnumValues.
func (DeniedAction) Values() []string { return Strings(DeniedActions) }

// MarshalGQL implements graphql.Marshaler.
func (v DeniedAction) MarshalGQL(w io.Writer) { MarshalGQL(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *DeniedAction) UnmarshalGQL(x any) error { return UnmarshalGQL(x, v, DeniedActions) }

// AuthenticationRequirement is what a request must be before a flow may start.
type AuthenticationRequirement string

// Authentication requirements.
const (
	AuthenticationNone                   AuthenticationRequirement = "none"
	AuthenticationRequireAuthenticated   AuthenticationRequirement = "require_authenticated"
	AuthenticationRequireUnauthenticated AuthenticationRequirement = "require_unauthenticated"
	AuthenticationRequireSuperuser       AuthenticationRequirement = "require_superuser"
	// AuthenticationRequireRedirect admits only executions entered from
	// another flow (a redirect stage or a source).
	AuthenticationRequireRedirect AuthenticationRequirement = "require_redirect"
	// AuthenticationRequireOutpost admits only requests authenticated as an
	// outpost's service account.
	AuthenticationRequireOutpost AuthenticationRequirement = "require_outpost"
)

// AuthenticationRequirements lists every AuthenticationRequirement.
var AuthenticationRequirements = []AuthenticationRequirement{
	AuthenticationNone, AuthenticationRequireAuthenticated, AuthenticationRequireUnauthenticated,
	AuthenticationRequireSuperuser, AuthenticationRequireRedirect, AuthenticationRequireOutpost,
}

// Values implements ent's EnumValues.
func (AuthenticationRequirement) Values() []string { return Strings(AuthenticationRequirements) }

// MarshalGQL implements graphql.Marshaler.
func (v AuthenticationRequirement) MarshalGQL(w io.Writer) { MarshalGQL(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *AuthenticationRequirement) UnmarshalGQL(x any) error {
	return UnmarshalGQL(x, v, AuthenticationRequirements)
}
