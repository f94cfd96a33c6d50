// Package problem defines the errors that cross package boundaries and that
// the GraphQL edge (graph/errors.go) turns into stable extensions.code
// values. Domain packages return these (wrapped as they like); callers test
// them with errors.Is and errors.As, never by message.
//
//	error                      extensions.code
//	ErrUnauthenticated         UNAUTHENTICATED
//	ErrForbidden               FORBIDDEN
//	ErrNotFound                NOT_FOUND
//	*FieldError                VALIDATION_FAILED (extensions.field)
//	*ConflictError             CONFLICT          (extensions.field)
//	*ReferencedError           REFERENCED        (extensions.referrers)
//	*RateLimitedError          RATE_LIMITED
//	*PreconditionError         FAILED_PRECONDITION (extensions.reason)
//	ErrMFARequired             MFA_REQUIRED
//	ErrUnavailable             UNAVAILABLE       (HTTP 503, Retry-After)
//
// ErrUnavailable is the one error stores add rather than return: a backend
// that did not answer (Redis down, a connection refused or timed out) is
// reported by wrapping the backend's own error with Unavailable, so that
// logs keep the cause and callers still see it with errors.Is/As.
package problem

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors for outcomes that need no detail.
var (
	// ErrUnauthenticated means the caller must authenticate first.
	ErrUnauthenticated = errors.New("authentication required")
	// ErrForbidden means the caller is authenticated but may not do this.
	ErrForbidden = errors.New("permission denied")
	// ErrNotFound means the object does not exist or the caller may not see it.
	ErrNotFound = errors.New("not found")
	// ErrUnavailable means a dependency (Redis, the database) did not
	// answer, so the outcome is unknown; the same request may succeed
	// later. It is never a verdict about the caller or its input.
	ErrUnavailable = errors.New("a dependency is unavailable")
	// ErrMFARequired means the action needs the caller's session to have
	// passed a second factor recently; the caller may confirm one (a
	// flow) and try again.
	ErrMFARequired = errors.New("confirm your second factor to do this")
)

// Unavailable returns err marked as a dependency failure: errors.Is(_,
// ErrUnavailable) holds for the result, which still wraps err (errors.Is
// and errors.As reach it) and has err's message. It returns nil for nil.
func Unavailable(err error) error {
	if err == nil {
		return nil
	}
	return &unavailableError{err: err}
}

// unavailableError marks its error as ErrUnavailable.
type unavailableError struct{ err error }

func (e *unavailableError) Error() string { return e.err.Error() }

func (e *unavailableError) Unwrap() []error { return []error{ErrUnavailable, e.err} }

// FieldError says an input field has an unacceptable value. Field is the
// input's field path in its persisted snake_case form ("config.user_fields",
// "slug"); Message is safe to show to the caller.
type FieldError struct {
	Field   string
	Message string
}

// Invalid returns a *FieldError for field.
func Invalid(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Error implements error.
func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// Prefix returns a copy of e whose field path starts with parent.
func (e *FieldError) Prefix(parent string) *FieldError {
	if e.Field == "" {
		return &FieldError{Field: parent, Message: e.Message}
	}
	return &FieldError{Field: parent + "." + e.Field, Message: e.Message}
}

// ConflictError says a value that must be unique is already taken.
type ConflictError struct {
	// Type is the kind of object ("flow", "user").
	Type string
	// Field is the unique field ("slug", "username").
	Field string
	// Value is the value that is taken.
	Value string
}

// Error implements error.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("a %s with %s %q already exists", e.Type, e.Field, e.Value)
}

// Referrer is one object that still points at an object being deleted.
type Referrer struct {
	// Type is the referrer's kind ("stage", "brand", "policy_binding").
	Type string `json:"type"`
	// ID is the referrer's ID.
	ID int `json:"id"`
	// Name is the referrer's human name (name, slug or domain).
	Name string `json:"name"`
	// Field is the field of the referrer that holds the reference.
	Field string `json:"field"`
}

// ReferencedError refuses to delete an object that others still use.
type ReferencedError struct {
	// Type is the kind of the object that was to be deleted.
	Type string
	// Name is its human name.
	Name string
	// Referrers lists every object that points at it.
	Referrers []Referrer
}

// Error implements error; it names every referrer.
func (e *ReferencedError) Error() string {
	parts := make([]string, len(e.Referrers))
	for i, r := range e.Referrers {
		parts[i] = fmt.Sprintf("%s %q (%s)", r.Type, r.Name, r.Field)
	}
	return fmt.Sprintf("%s %q is still used by %s", e.Type, e.Name, strings.Join(parts, ", "))
}

// RateLimitedError refuses an attempt because too many were made.
type RateLimitedError struct {
	// Message is safe to show to the caller.
	Message string
}

// Error implements error.
func (e *RateLimitedError) Error() string { return e.Message }

// PreconditionError refuses an action because an object it involves is
// not in a state that allows it (a user without an email address, a
// brand without a recovery flow). Reason is a stable snake_case word
// clients may branch on ("no_email"); Message is safe to show.
type PreconditionError struct {
	Reason  string
	Message string
}

// Error implements error.
func (e *PreconditionError) Error() string { return e.Message }
