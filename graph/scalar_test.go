package graph_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/graph"
)

func TestUnmarshalString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		in      any
		want    string
		wantErr string
	}{
		{name: "string", in: "alice", want: "alice"},
		{name: "empty", in: "", want: ""},
		{name: "multi-byte", in: "Zoë 🔑", want: "Zoë 🔑"},
		{name: "NUL", in: "a\x00b", wantErr: "must not contain NUL characters"},
		{name: "invalid UTF-8", in: "a\xffb", wantErr: "must be valid UTF-8"},
		{name: "JSON number", in: json.Number("42"), wantErr: "must be a string, not a number"},
		{name: "literal int", in: int64(42), wantErr: "must be a string, not a number"},
		{name: "float", in: 4.2, wantErr: "must be a string, not a number"},
		{name: "boolean", in: true, wantErr: "must be a string, not a boolean"},
		{name: "list", in: []any{"a"}, wantErr: "must be a string, not a list"},
		{name: "object", in: map[string]any{"a": "b"}, wantErr: "must be a string, not an object"},
		{name: "null", in: nil, wantErr: "must be a string, not null"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := graph.UnmarshalString(tc.in)
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestUnmarshalID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		in      any
		want    string
		wantErr string
	}{
		{name: "string", in: "q8Vx_execution-id", want: "q8Vx_execution-id"},
		{name: "JSON integer", in: json.Number("12884901888"), want: "12884901888"},
		{name: "literal int", in: int64(7), want: "7"},
		{name: "int", in: 7, want: "7"},
		{name: "NUL", in: "abc\x00", wantErr: "must not contain NUL characters"},
		{name: "invalid UTF-8", in: "\xc0\x80", wantErr: "must be valid UTF-8"},
		{name: "JSON fraction", in: json.Number("1.5"), wantErr: "must be a string or an integer"},
		{name: "float", in: 1.5, wantErr: "must be a string or an integer, not a number"},
		{name: "boolean", in: false, wantErr: "must be a string or an integer, not a boolean"},
		{name: "object", in: map[string]any{}, wantErr: "must be a string or an integer, not an object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := graph.UnmarshalID(tc.in)
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestUnmarshalMap(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		in      any
		wantErr string
	}{
		{name: "values of every kind", in: map[string]any{"s": "x", "n": json.Number("1"), "b": true, "z": nil, "l": []any{"a", 1.5}, "o": map[string]any{"k": "v"}}},
		{name: "empty", in: map[string]any{}},
		{name: "NUL in a value", in: map[string]any{"name": "a\x00"}, wantErr: "name: must not contain NUL characters"},
		{name: "NUL in a key", in: map[string]any{"a\x00": "x"}, wantErr: "a key must not contain NUL characters"},
		{name: "invalid UTF-8 in a nested key", in: map[string]any{"o": map[string]any{"\xff": "x"}}, wantErr: "a key in o must be valid UTF-8"},
		{name: "NUL in a list", in: map[string]any{"l": []any{"ok", "\x00"}}, wantErr: "l[1]: must not contain NUL characters"},
		{name: "not an object", in: "a", wantErr: "must be an object, not a string"},
		{name: "list", in: []any{}, wantErr: "must be an object, not a list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := graph.UnmarshalMap(tc.in)
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.in, got)
		})
	}
}

func TestMarshalScalars(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	graph.MarshalString("a\"b\x00").MarshalGQL(&buf)
	require.JSONEq(t, `"a\"b\u0000"`, buf.String(), "output is escaped, not refused")
	buf.Reset()
	graph.MarshalID("id-1").MarshalGQL(&buf)
	require.JSONEq(t, `"id-1"`, buf.String())
	buf.Reset()
	graph.MarshalMap(map[string]any{"k": []any{"v"}}).MarshalGQL(&buf)
	require.JSONEq(t, `{"k":["v"]}`, buf.String())
}
