package enum

import "io"

// ClientType is how an OAuth2 client proves who it is.
type ClientType string

// Client types (RFC 6749 §2.1).
const (
	// ClientTypeConfidential clients keep a secret (a server-side app).
	ClientTypeConfidential ClientType = "confidential"
	// ClientTypePublic clients cannot keep a secret (a SPA, a native or
	// CLI app): they have none and must use PKCE.
	ClientTypePublic ClientType = "public"
)

// ClientTypes lists every ClientType.
var ClientTypes = []ClientType{ClientTypeConfidential, ClientTypePublic}

// Values implements ent's EnumValues.
func (ClientType) Values() []string { return Strings(ClientTypes) }

// MarshalGQL implements graphql.Marshaler.
func (v ClientType) MarshalGQL(w io.Writer) { MarshalGQL(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *ClientType) UnmarshalGQL(x any) error { return UnmarshalGQL(x, v, ClientTypes) }

// SubjectMode is what an OAuth2 provider puts in the `sub` claim.
type SubjectMode string

// Subject modes.
const (
	// SubjectModeHashedUserID is a hash of the user's ID and the
	// provider: stable, and different for every application, so two
	// applications cannot correlate their users by it.
	SubjectModeHashedUserID SubjectMode = "hashed_user_id"
	// SubjectModeUserID is the user's ID.
	SubjectModeUserID SubjectMode = "user_id"
	// SubjectModeUsername is the username (it can change).
	SubjectModeUsername SubjectMode = "username"
	// SubjectModeEmail is the email address (it can change).
	SubjectModeEmail SubjectMode = "email"
)

// SubjectModes lists every SubjectMode.
var SubjectModes = []SubjectMode{SubjectModeHashedUserID, SubjectModeUserID, SubjectModeUsername, SubjectModeEmail}

// Values implements ent's EnumValues.
func (SubjectMode) Values() []string { return Strings(SubjectModes) }

// MarshalGQL implements graphql.Marshaler.
func (v SubjectMode) MarshalGQL(w io.Writer) { MarshalGQL(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *SubjectMode) UnmarshalGQL(x any) error { return UnmarshalGQL(x, v, SubjectModes) }

// SigningAlgorithm is the JWS algorithm an OAuth2 provider signs tokens
// with.
type SigningAlgorithm string

// Signing algorithms.
const (
	// SigningAlgorithmRS256 is RSA PKCS#1 v1.5 with SHA-256: every
	// relying party supports it.
	SigningAlgorithmRS256 SigningAlgorithm = "rs256"
	// SigningAlgorithmES256 is ECDSA P-256 with SHA-256: smaller and much
	// cheaper to sign.
	SigningAlgorithmES256 SigningAlgorithm = "es256"
)

// SigningAlgorithms lists every SigningAlgorithm.
var SigningAlgorithms = []SigningAlgorithm{SigningAlgorithmRS256, SigningAlgorithmES256}

// Values implements ent's EnumValues.
func (SigningAlgorithm) Values() []string { return Strings(SigningAlgorithms) }

// MarshalGQL implements graphql.Marshaler.
func (v SigningAlgorithm) MarshalGQL(w io.Writer) { MarshalGQL(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *SigningAlgorithm) UnmarshalGQL(x any) error {
	return UnmarshalGQL(x, v, SigningAlgorithms)
}

// RedirectURIMatchingMode is how a registered redirect URI is compared
// with the one a client sends.
type RedirectURIMatchingMode string

// Redirect URI matching modes.
const (
	// RedirectURIMatchingModeStrict compares the whole URI byte for byte.
	RedirectURIMatchingModeStrict RedirectURIMatchingMode = "strict"
	// RedirectURIMatchingModeRegex matches a regular expression, always
	// anchored at both ends.
	RedirectURIMatchingModeRegex RedirectURIMatchingMode = "regex"
)

// RedirectURIMatchingModes lists every RedirectURIMatchingMode.
var RedirectURIMatchingModes = []RedirectURIMatchingMode{RedirectURIMatchingModeStrict, RedirectURIMatchingModeRegex}

// Values implements ent's EnumValues.
func (RedirectURIMatchingMode) Values() []string { return Strings(RedirectURIMatchingModes) }

// MarshalGQL implements graphql.Marshaler.
func (v RedirectURIMatchingMode) MarshalGQL(w io.Writer) { MarshalGQL(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *RedirectURIMatchingMode) UnmarshalGQL(x any) error {
	return UnmarshalGQL(x, v, RedirectURIMatchingModes)
}

// RedirectURI is a redirect URI an OAuth2 provider accepts, as stored in
// its redirect_uris (and post_logout_redirect_uris) column.
type RedirectURI struct {
	// URL is the URI, or the regular expression (regex mode).
	URL string `json:"url"`
	// MatchingMode says how URL is compared.
	MatchingMode RedirectURIMatchingMode `json:"matching_mode"`
}
