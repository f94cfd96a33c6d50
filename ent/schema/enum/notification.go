package enum

import "io"

// NotificationTransportMode is how a notification transport delivers.
type NotificationTransportMode string

// Notification transport modes.
const (
	// NotificationTransportModeWebhook POSTs a signed JSON body to a URL.
	NotificationTransportModeWebhook NotificationTransportMode = "webhook"
	// NotificationTransportModeEmail mails the rule's destination group.
	NotificationTransportModeEmail NotificationTransportMode = "email"
	// NotificationTransportModeLocal stores a notification for each member
	// of the rule's destination group (viewer.notifications).
	NotificationTransportModeLocal NotificationTransportMode = "local"
)

// NotificationTransportModes lists every NotificationTransportMode.
var NotificationTransportModes = []NotificationTransportMode{
	NotificationTransportModeWebhook, NotificationTransportModeEmail, NotificationTransportModeLocal,
}

// Values implements ent's EnumValues.
func (NotificationTransportMode) Values() []string { return Strings(NotificationTransportModes) }

// MarshalGQL implements graphql.Marshaler.
func (v NotificationTransportMode) MarshalGQL(w io.Writer) { MarshalGQL(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *NotificationTransportMode) UnmarshalGQL(x any) error {
	return UnmarshalGQL(x, v, NotificationTransportModes)
}

// NotificationSeverity is how urgent a notification rule's notifications are.
type NotificationSeverity string

// Notification severities.
const (
	// NotificationSeverityNotice is for information.
	NotificationSeverityNotice NotificationSeverity = "notice"
	// NotificationSeverityWarning asks for attention.
	NotificationSeverityWarning NotificationSeverity = "warning"
	// NotificationSeverityAlert asks for action now.
	NotificationSeverityAlert NotificationSeverity = "alert"
)

// NotificationSeverities lists every NotificationSeverity.
var NotificationSeverities = []NotificationSeverity{
	NotificationSeverityNotice, NotificationSeverityWarning, NotificationSeverityAlert,
}

// Values implements ent's EnumValues.
func (NotificationSeverity) Values() []string { return Strings(NotificationSeverities) }

// MarshalGQL implements graphql.Marshaler.
func (v NotificationSeverity) MarshalGQL(w io.Writer) { MarshalGQL(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *NotificationSeverity) UnmarshalGQL(x any) error {
	return UnmarshalGQL(x, v, NotificationSeverities)
}
