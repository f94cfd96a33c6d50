// Package typedconfigtest tests what every stage and policy kind repeats
// about its configuration: which stored configs decode (over the kind's
// defaults, strictly, validated) and at which field the others are
// refused; and that the config's GraphQL enums spell their values as the
// schema does. Test code only.
package typedconfigtest

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/problem"
)

// Decoder decodes a kind's stored config, as the registries of kinds
// (*executor.StageKinds, *policy.Kinds, *typedconfig.Registry) do: over the
// kind's defaults, with field errors under "config".
type Decoder[C any] interface {
	Decode(kind string, raw []byte) (C, error)
}

// Whole is the Case.Field of an error about the config as a whole (not
// JSON, not an object).
const Whole = "."

// Case is one stored config and what decoding it must give.
type Case struct {
	// Name names the subtest.
	Name string
	// Config is the stored JSON; empty stands for no stored config.
	Config string
	// Field is where the config must be refused, relative to the config
	// ("user_fields", "fields.0.type"), or Whole. Empty: it must decode.
	Field string
	// Message, when set, must be part of the refusal's message.
	Message string
	// Want, when set, is the config decoding must return (with the
	// defaults filled in).
	Want any
}

// RunValidation decodes each case's config as kind with kinds, in a
// parallel subtest: a valid case must decode (to Want when set); an
// invalid one must be refused with a *problem.FieldError at
// config.<Field> that has a message.
func RunValidation[C any](t *testing.T, kinds Decoder[C], kind string, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			var raw []byte
			if c.Config != "" {
				raw = []byte(c.Config)
			}
			cfg, err := kinds.Decode(kind, raw)
			if c.Field == "" {
				require.NoError(t, err)
				if c.Want != nil {
					require.Equal(t, c.Want, any(cfg))
				}
				return
			}
			var fe *problem.FieldError
			require.ErrorAs(t, err, &fe)
			want := "config"
			if c.Field != Whole {
				want += "." + c.Field
			}
			require.Equal(t, want, fe.Field, "error: %v", err)
			require.NotEmpty(t, fe.Message)
			require.Contains(t, fe.Message, c.Message)
		})
	}
}

// Enum is a string enum of a config that GraphQL spells in upper case
// (a gqlgen Marshaler: "app_password" is APP_PASSWORD).
type Enum interface {
	~string
	MarshalGQL(w io.Writer)
}

// RunEnum checks that every value of an enum marshals to its upper-case
// GraphQL name and unmarshals back, and that each of refused (lower-case
// spellings, unknown names) is refused.
func RunEnum[E Enum, P interface {
	*E
	UnmarshalGQL(v any) error
}](t *testing.T, values []E, refused ...string,
) {
	t.Helper()
	require.NotEmpty(t, values)
	for _, v := range values {
		var buf bytes.Buffer
		v.MarshalGQL(&buf)
		name := strings.ToUpper(string(v))
		require.Equal(t, `"`+name+`"`, buf.String())
		var back E
		require.NoError(t, P(&back).UnmarshalGQL(name))
		require.Equal(t, v, back)
	}
	for _, name := range refused {
		var back E
		require.Error(t, P(&back).UnmarshalGQL(name), name)
	}
}
