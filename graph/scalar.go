package graph

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/gatehouse-id/gatehouse/text"
)

// The String, ID and Map scalars are bound here (gqlgen.yml) instead of to
// gqlgen's own, which turn numbers and booleans into strings and let any
// bytes through. Every string argument, variable and map entry passes these
// functions, so NUL characters and invalid UTF-8 are refused at the edge
// (BAD_USER_INPUT) on every backend alike, and no store ever sees them.
// Errors name the kind of a refused value, never the value.

// MarshalString writes s as a GraphQL String.
func MarshalString(s string) graphql.Marshaler { return graphql.MarshalString(s) }

// UnmarshalString accepts a string of valid UTF-8 without NUL characters;
// numbers, booleans, lists and objects are refused, not converted.
func UnmarshalString(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("must be a string, not %s", kindOf(v))
	}
	return s, text.Check(s)
}

// MarshalID writes an ID that is a string (execution IDs).
func MarshalID(s string) graphql.Marshaler { return graphql.MarshalID(s) }

// UnmarshalID accepts what GraphQL allows for an ID — a string, or an
// integer, which becomes its decimal string — if it is acceptable text.
func UnmarshalID(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, text.Check(v)
	case json.Number:
		if _, err := strconv.ParseInt(string(v), 10, 64); err != nil {
			return "", errors.New("must be a string or an integer")
		}
		return string(v), nil
	case int:
		return strconv.Itoa(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	default:
		return "", fmt.Errorf("must be a string or an integer, not %s", kindOf(v))
	}
}

// MarshalMap writes m as a JSON object.
func MarshalMap(m map[string]any) graphql.Marshaler { return graphql.MarshalMap(m) }

// UnmarshalMap accepts an object whose keys and strings, at any depth, are
// acceptable text.
func UnmarshalMap(v any) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("must be an object, not %s", kindOf(v))
	}
	return m, text.CheckValue(m)
}

// kindOf names the JSON kind of a decoded value, for error messages that
// must not repeat the value.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number, int, int32, int64, float32, float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	default:
		return "a value of another kind"
	}
}
