package text_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/text"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", nil},
		{"ASCII", "alice", nil},
		{"multi-byte", "Zoë Ωμέγα 🔑", nil},
		{"replacement character", "\uFFFD", nil},
		{"tab and newline", "a\tb\nc", nil},
		{"NUL", "a\x00b", text.ErrNUL},
		{"only NUL", "\x00", text.ErrNUL},
		{"invalid byte", "a\xffb", text.ErrInvalidUTF8},
		{"truncated sequence", "\xe6\x9d", text.ErrInvalidUTF8},
		{"overlong encoding", "\xc0\x80", text.ErrInvalidUTF8},
		{"surrogate half", "\xed\xa0\x80", text.ErrInvalidUTF8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.ErrorIs(t, text.Check(tc.in), tc.want)
			if tc.want == nil {
				require.NoError(t, text.Check(tc.in))
			}
		})
	}
}

func TestCheckValue(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		in      any
		wantErr string
	}{
		{"nil", nil, ""},
		{"plain values", map[string]any{"a": "x", "n": json.Number("1"), "f": 1.5, "b": true, "z": nil}, ""},
		{"nested", map[string]any{"a": map[string]any{"b": []any{"x", map[string]any{"c": "y"}}}}, ""},
		{"bad string", "a\x00", "must not contain NUL characters"},
		{"bad value", map[string]any{"name": "a\x00"}, "name: must not contain NUL characters"},
		{"bad key", map[string]any{"a\x00": "x"}, "a key must not contain NUL characters"},
		{"bad nested key", map[string]any{"outer": map[string]any{"\xff": 1}}, "a key in outer must be valid UTF-8"},
		{"bad list item", map[string]any{"l": []any{"ok", "\xff"}}, "l[1]: must be valid UTF-8"},
		{"bad deep value", map[string]any{"a": []any{map[string]any{"b": "\x00"}}}, "a[0].b: must not contain NUL characters"},
		{"first in key order", map[string]any{"b": "\x00", "a": "\xff"}, "a: must be valid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := text.CheckValue(tc.in)
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tc.wantErr)
			var ve *text.ValueError
			require.ErrorAs(t, err, &ve)
		})
	}
}
