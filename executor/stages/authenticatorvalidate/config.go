package authenticatorvalidate

import (
	"io"
	"slices"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/mfa/webauthn"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the stage kind's persisted name.
const Kind = "authenticator_validate"

// DeviceClass is a kind of second factor.
type DeviceClass string

// Device classes.
const (
	// ClassTOTP is an authenticator app (package mfa/totp).
	ClassTOTP DeviceClass = "totp"
	// ClassStatic is a set of recovery codes (package mfa/recovery).
	ClassStatic DeviceClass = "static"
	// ClassWebAuthn is a security key or passkey.
	ClassWebAuthn DeviceClass = "webauthn"
	// ClassEmail is a code sent by mail.
	ClassEmail DeviceClass = "email"
)

// DeviceClasses lists every DeviceClass.
var DeviceClasses = []DeviceClass{ClassTOTP, ClassStatic, ClassWebAuthn, ClassEmail}

// MarshalGQL implements graphql.Marshaler.
func (c DeviceClass) MarshalGQL(w io.Writer) { enum.MarshalGQL(w, c) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (c *DeviceClass) UnmarshalGQL(v any) error { return enum.UnmarshalGQL(v, c, DeviceClasses) }

// NotConfiguredAction is what happens to a user with no device of an
// allowed class.
type NotConfiguredAction string

// Actions for users without a device.
const (
	// ActionSkip passes the stage.
	ActionSkip NotConfiguredAction = "skip"
	// ActionDeny ends the flow.
	ActionDeny NotConfiguredAction = "deny"
	// ActionConfigure runs the first of the configuration stages inline,
	// for the user to set up a device.
	ActionConfigure NotConfiguredAction = "configure"
)

// NotConfiguredActions lists every NotConfiguredAction.
var NotConfiguredActions = []NotConfiguredAction{ActionSkip, ActionDeny, ActionConfigure}

// MarshalGQL implements graphql.Marshaler.
func (a NotConfiguredAction) MarshalGQL(w io.Writer) { enum.MarshalGQL(w, a) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (a *NotConfiguredAction) UnmarshalGQL(v any) error {
	return enum.UnmarshalGQL(v, a, NotConfiguredActions)
}

// MaxThreshold bounds LastAuthThreshold: a year, in seconds.
const MaxThreshold = 366 * 24 * 3600

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, func() *Config {
		return &Config{
			DeviceClasses:            []DeviceClass{ClassTOTP, ClassStatic, ClassWebAuthn, ClassEmail},
			NotConfiguredAction:      ActionSkip,
			ConfigurationStageIDs:    []int{},
			WebauthnUserVerification: webauthn.VerificationPreferred,
		}
	}, New)
}

// Config configures an authenticator_validate stage.
type Config struct {
	// DeviceClasses are the classes of device the stage accepts.
	DeviceClasses []DeviceClass `json:"device_classes"`
	// NotConfiguredAction is what happens to a user with no device of
	// those classes.
	NotConfiguredAction NotConfiguredAction `json:"not_configured_action"`
	// ConfigurationStageIDs are the setup stages (authenticator_totp,
	// authenticator_static, …) ActionConfigure runs: the first one.
	ConfigurationStageIDs []int `json:"configuration_stages" ref:"stage"`
	// LastAuthThreshold, in seconds, passes the stage without a code when
	// one of the user's devices of an allowed class was used within it;
	// 0 always asks.
	LastAuthThreshold int `json:"last_auth_threshold"`
	// WebauthnUserVerification is whether a WebAuthn assertion must show
	// that the authenticator verified the user (PIN, biometrics).
	WebauthnUserVerification webauthn.UserVerification `json:"webauthn_user_verification"`
}

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	if len(c.DeviceClasses) == 0 {
		return problem.Invalid("device_classes", "must name at least one class")
	}
	for i, d := range c.DeviceClasses {
		if !slices.Contains(DeviceClasses, d) {
			return problem.Invalid("device_classes", "must be among %v", DeviceClasses)
		}
		if slices.Contains(c.DeviceClasses[:i], d) {
			return problem.Invalid("device_classes", "names %s twice", d)
		}
	}
	if !slices.Contains(NotConfiguredActions, c.NotConfiguredAction) {
		return problem.Invalid("not_configured_action", "must be one of %v", NotConfiguredActions)
	}
	if c.NotConfiguredAction == ActionConfigure && len(c.ConfigurationStageIDs) == 0 {
		return problem.Invalid("configuration_stages", "must name a setup stage when not_configured_action is configure")
	}
	if c.ConfigurationStageIDs == nil {
		c.ConfigurationStageIDs = []int{}
	}
	if c.LastAuthThreshold < 0 || c.LastAuthThreshold > MaxThreshold {
		return problem.Invalid("last_auth_threshold", "must be between 0 and %d seconds", MaxThreshold)
	}
	if !slices.Contains(webauthn.UserVerifications, c.WebauthnUserVerification) {
		return problem.Invalid("webauthn_user_verification", "must be one of %v", webauthn.UserVerifications)
	}
	return nil
}
