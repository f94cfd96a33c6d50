// Package text says what Gatehouse accepts as text from callers: valid
// UTF-8 without NUL characters. PostgreSQL refuses both in text and jsonb
// columns (SQLSTATE 22021, 22P05) while SQLite stores them silently, so
// text is checked where it enters — the GraphQL scalars, blueprint
// documents — and both backends answer alike.
//
// Errors name where the bad text is, never the text: it may be a password.
package text

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Reasons for refusing text.
var (
	// ErrNUL refuses text that contains U+0000.
	ErrNUL = errors.New("must not contain NUL characters")
	// ErrInvalidUTF8 refuses bytes that are not UTF-8.
	ErrInvalidUTF8 = errors.New("must be valid UTF-8")
)

// Check returns nil when s is acceptable text, else ErrInvalidUTF8 or
// ErrNUL.
func Check(s string) error {
	if !utf8.ValidString(s) {
		return ErrInvalidUTF8
	}
	if strings.IndexByte(s, 0) >= 0 {
		return ErrNUL
	}
	return nil
}

// ValueError locates unacceptable text inside a structured value.
type ValueError struct {
	// Path is where the text is: map keys joined with dots, list indexes
	// in brackets ("address.lines[1]"); empty for the value itself.
	Path string
	// Key reports that a map key under Path, not a value, is refused (the
	// key is not named: it is the bad text).
	Key bool
	// Err is ErrNUL or ErrInvalidUTF8.
	Err error
}

// Error implements error.
func (e *ValueError) Error() string {
	switch {
	case e.Key && e.Path == "":
		return "a key " + e.Err.Error()
	case e.Key:
		return "a key in " + e.Path + " " + e.Err.Error()
	case e.Path == "":
		return e.Err.Error()
	default:
		return e.Path + ": " + e.Err.Error()
	}
}

// Unwrap returns Err.
func (e *ValueError) Unwrap() error { return e.Err }

// CheckValue checks every string in v, a decoded JSON value (maps with
// string keys, lists, strings, numbers, booleans, nil), map keys included,
// and returns a *ValueError for the first one that is not acceptable.
// Values of other types are not looked into.
func CheckValue(v any) error {
	return checkValue(v, "")
}

func checkValue(v any, path string) error {
	switch v := v.(type) {
	case string:
		if err := Check(v); err != nil {
			return &ValueError{Path: path, Err: err}
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) { // the first in a stable order
			if err := Check(k); err != nil {
				return &ValueError{Path: path, Key: true, Err: err}
			}
			if err := checkValue(v[k], join(path, k)); err != nil {
				return err
			}
		}
	case []any:
		for i, item := range v {
			if err := checkValue(item, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
