package webauthn

import (
	"io"

	"github.com/go-webauthn/webauthn/protocol"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
)

// UserVerification is whether the authenticator must verify the user (a
// PIN, a fingerprint) besides testing their presence. Stage configs store
// it in lower case; GraphQL shows it in upper case (WebauthnUserVerification).
type UserVerification string

// User verification requirements.
const (
	// VerificationRequired refuses a ceremony in which the user was not verified.
	VerificationRequired UserVerification = "required"
	// VerificationPreferred asks for verification but accepts presence alone.
	VerificationPreferred UserVerification = "preferred"
	// VerificationDiscouraged asks for presence only.
	VerificationDiscouraged UserVerification = "discouraged"
)

// UserVerifications lists every UserVerification.
var UserVerifications = []UserVerification{VerificationRequired, VerificationPreferred, VerificationDiscouraged}

// MarshalGQL implements graphql.Marshaler.
func (v UserVerification) MarshalGQL(w io.Writer) { enum.MarshalGQL(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *UserVerification) UnmarshalGQL(x any) error {
	return enum.UnmarshalGQL(x, v, UserVerifications)
}

func (v UserVerification) protocol() protocol.UserVerificationRequirement {
	return protocol.UserVerificationRequirement(v)
}

// ResidentKey is whether the credential must be discoverable (a passkey
// that can log in without a username). GraphQL: WebauthnResidentKey.
type ResidentKey string

// Resident key requirements.
const (
	// ResidentKeyRequired makes a discoverable credential or fails.
	ResidentKeyRequired ResidentKey = "required"
	// ResidentKeyPreferred makes one if the authenticator can.
	ResidentKeyPreferred ResidentKey = "preferred"
	// ResidentKeyDiscouraged prefers a server-side credential.
	ResidentKeyDiscouraged ResidentKey = "discouraged"
)

// ResidentKeys lists every ResidentKey.
var ResidentKeys = []ResidentKey{ResidentKeyRequired, ResidentKeyPreferred, ResidentKeyDiscouraged}

// MarshalGQL implements graphql.Marshaler.
func (r ResidentKey) MarshalGQL(w io.Writer) { enum.MarshalGQL(w, r) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (r *ResidentKey) UnmarshalGQL(x any) error { return enum.UnmarshalGQL(x, r, ResidentKeys) }

// Attachment is which kind of authenticator may be registered.
// GraphQL: WebauthnAuthenticatorAttachment.
type Attachment string

// Authenticator attachments.
const (
	// AttachmentPlatform is an authenticator built into the device
	// (Touch ID, Windows Hello, Android screen lock).
	AttachmentPlatform Attachment = "platform"
	// AttachmentCrossPlatform is a roaming authenticator (a security key,
	// a phone reached by hybrid transport).
	AttachmentCrossPlatform Attachment = "cross_platform"
)

// Attachments lists every Attachment.
var Attachments = []Attachment{AttachmentPlatform, AttachmentCrossPlatform}

// MarshalGQL implements graphql.Marshaler.
func (a Attachment) MarshalGQL(w io.Writer) { enum.MarshalGQL(w, a) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (a *Attachment) UnmarshalGQL(x any) error { return enum.UnmarshalGQL(x, a, Attachments) }

func (a Attachment) protocol() protocol.AuthenticatorAttachment {
	switch a {
	case AttachmentPlatform:
		return protocol.Platform
	case AttachmentCrossPlatform:
		return protocol.CrossPlatform
	default:
		return ""
	}
}

// RegistrationOptions are a registration's requirements (a stage's config).
type RegistrationOptions struct {
	UserVerification UserVerification
	ResidentKey      ResidentKey
	// Attachment limits the authenticator's kind; empty allows any.
	Attachment Attachment
}
