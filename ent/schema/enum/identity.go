package enum

import "io"

// UserType separates people of the organisation from outsiders and machines.
type UserType string

// User types.
const (
	UserTypeInternal       UserType = "internal"
	UserTypeExternal       UserType = "external"
	UserTypeServiceAccount UserType = "service_account"
)

// UserTypes lists every UserType.
var UserTypes = []UserType{UserTypeInternal, UserTypeExternal, UserTypeServiceAccount}

// Values implements ent's EnumValues.
func (UserType) Values() []string { return Strings(UserTypes) }

// MarshalGQL implements graphql.Marshaler.
func (v UserType) MarshalGQL(w io.Writer) { MarshalGQL(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *UserType) UnmarshalGQL(x any) error { return UnmarshalGQL(x, v, UserTypes) }

// TokenIntent is what a token may be used for; a token is only accepted
// where its intent is expected.
type TokenIntent string

// Token intents.
const (
	// TokenIntentAPI authenticates calls to the GraphQL API as its user.
	TokenIntentAPI TokenIntent = "api"
	// TokenIntentRecovery lets its user recover the account once.
	TokenIntentRecovery TokenIntent = "recovery"
	// TokenIntentVerification proves control of an address (email links).
	TokenIntentVerification TokenIntent = "verification"
	// TokenIntentAppPassword is a password for one application (LDAP, RADIUS).
	TokenIntentAppPassword TokenIntent = "app_password"
)

// TokenIntents lists every TokenIntent.
var TokenIntents = []TokenIntent{TokenIntentAPI, TokenIntentRecovery, TokenIntentVerification, TokenIntentAppPassword}

// Values implements ent's EnumValues.
func (TokenIntent) Values() []string { return Strings(TokenIntents) }

// MarshalGQL implements graphql.Marshaler.
func (v TokenIntent) MarshalGQL(w io.Writer) { MarshalGQL(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *TokenIntent) UnmarshalGQL(x any) error { return UnmarshalGQL(x, v, TokenIntents) }
