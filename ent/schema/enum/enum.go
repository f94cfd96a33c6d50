// Package enum holds the persisted vocabularies of Gatehouse's data model.
//
// Every type here is a Go string type whose value is the stable snake_case
// form stored in the database, written in blueprints and logged. GraphQL
// shows the same values in SCREAMING_SNAKE_CASE: MarshalGQL and UnmarshalGQL
// translate at the edge, so the database never stores the GraphQL spelling.
// ent validates values on write through each type's Values method.
package enum

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Value is the constraint satisfied by every enum type in this package and by
// the small enums that stage and policy configs declare for themselves.
type Value interface {
	~string
}

// Strings returns the persisted form of vs, in order; it backs the Values
// method that ent uses to validate an enum field.
func Strings[T Value](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// MarshalGQL writes v in its GraphQL spelling (upper case) as a JSON string.
func MarshalGQL[T Value](w io.Writer, v T) {
	_, _ = io.WriteString(w, strconv.Quote(strings.ToUpper(string(v))))
}

// UnmarshalGQL decodes a GraphQL enum value into dst. It accepts only the
// upper-case spelling of one of valid and returns an error naming the value
// otherwise, so unknown values never reach the database.
func UnmarshalGQL[T Value](v any, dst *T, valid []T) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("enum value must be a string, got %T", v)
	}
	if s != strings.ToUpper(s) {
		return fmt.Errorf("%q is not a valid value", s)
	}
	lower := T(strings.ToLower(s))
	if !slices.Contains(valid, lower) {
		return fmt.Errorf("%q is not a valid value", s)
	}
	*dst = lower
	return nil
}

// Parse returns the value of valid whose persisted form is s, or an error
// listing the accepted values. Blueprint and config decoders use it.
func Parse[T Value](s string, valid []T) (T, error) {
	if slices.Contains(valid, T(s)) {
		return T(s), nil
	}
	var zero T
	return zero, fmt.Errorf("%q is not one of %s", s, strings.Join(Strings(valid), ", "))
}
