package celeval_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/celeval"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/problem"
)

// eval compiles source in an environment with `v` and evaluates it.
func eval(t *testing.T, source string, v map[string]any) (any, error) {
	t.Helper()
	env, err := celeval.NewEnv("v")
	require.NoError(t, err)
	ast, err := celeval.Compile(env, source)
	require.NoError(t, err)
	prg, err := celeval.Program(env, ast)
	require.NoError(t, err)
	val, _, err := prg.ContextEval(t.Context(), map[string]any{"v": v})
	if err != nil {
		return nil, err
	}
	return celeval.NativeMap(val)
}

func TestNativeMap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, source string
		want         map[string]any
		wantErr      string
	}{
		{
			name: "scalars", source: `{"b": true, "i": 1, "u": 2u, "d": 1.5, "s": "x", "n": null}`,
			want: map[string]any{"b": true, "i": int64(1), "u": uint64(2), "d": 1.5, "s": "x", "n": nil},
		},
		{
			name: "nested", source: `{"l": [1, "a"], "m": {"k": v.x}, "e": []}`,
			want: map[string]any{"l": []any{int64(1), "a"}, "m": map[string]any{"k": "y"}, "e": []any{}},
		},
		{name: "time", source: `{"d": duration("1s")}`, want: map[string]any{"d": time.Second}},
		{name: "not a map", source: `v.x`, wantErr: "not a map"},
		{name: "int keys", source: `{"a": {1: 2}}`, wantErr: "map keys must be strings"},
		{name: "a type", source: `{"t": type(1)}`, wantErr: "cannot use a type"},
		{name: "missing key", source: `{"a": v.missing}`, wantErr: "no such key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := eval(t, tt.source, map[string]any{"x": "y"})
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestCompileAndStringMap(t *testing.T) {
	t.Parallel()
	env, err := celeval.NewEnv("v")
	require.NoError(t, err)
	_, err = celeval.Compile(env, `{"a": `)
	var fe *problem.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, celeval.Field, fe.Field)
	for source, want := range map[string]bool{`{"a": 1}`: true, `v`: true, `v.x`: true, `{1: 1}`: false, `true`: false, `[1]`: false} {
		ast, err := celeval.Compile(env, source)
		require.NoError(t, err, source)
		require.Equal(t, want, celeval.StringMap(ast.OutputType()), source)
	}
}

func TestUserVar(t *testing.T) {
	t.Parallel()
	empty, err := celeval.UserVar(nil, nil, false)
	require.NoError(t, err)
	require.Empty(t, empty, "anonymous")
	u, err := celeval.UserVar(&ent.User{ID: 7, Username: "ada", IsActive: true, Attributes: map[string]any{"n": 1}}, []int{3, 4}, true)
	require.NoError(t, err)
	require.Equal(t, "7", u["id"])
	require.Equal(t, []string{"3", "4"}, u["groups"])
	require.Equal(t, true, u["is_superuser"])
	require.Equal(t, map[string]any{"n": 1}, u["attributes"])
}
