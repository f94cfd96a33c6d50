package typedconfig_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/typedconfig"
)

type sample struct {
	Name     string `json:"name"`
	Retries  int    `json:"retries"`
	StageID  *int   `json:"stage,omitempty" ref:"stage:password"`
	FlowID   int    `json:"flow" ref:"flow"`
	Policies []int  `json:"policies" ref:"policy"`
}

func (s *sample) Validate() error {
	if s.Retries < 1 {
		return problem.Invalid("retries", "must be at least 1")
	}
	return nil
}

func defaults() *sample { return &sample{Name: "default", Retries: 3} }

func TestDecode(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		raw   string
		want  *sample
		field string
	}{
		"empty keeps defaults":     {raw: ``, want: defaults()},
		"partial keeps the rest":   {raw: `{"name":"x"}`, want: &sample{Name: "x", Retries: 3}},
		"explicit zero is invalid": {raw: `{"retries":0}`, field: "retries"},
		"unknown field":            {raw: `{"title":"x"}`, field: "title"},
		"wrong type":               {raw: `{"retries":"many"}`, field: "retries"},
		"trailing data":            {raw: `{"name":"x"} {"name":"y"}`, field: ""},
		"not an object":            {raw: `[1,2]`, field: ""},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg := defaults()
			err := typedconfig.Decode([]byte(c.raw), cfg)
			if c.want != nil {
				require.NoError(t, err)
				require.Equal(t, c.want, cfg)
				return
			}
			var fe *problem.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, c.field, fe.Field)
			require.NotContains(t, fe.Message, "typedconfig_test", "messages name fields, not Go types")
		})
	}
}

func TestReferences(t *testing.T) {
	t.Parallel()
	stage := 7
	refs, err := typedconfig.References(&sample{StageID: &stage, FlowID: 9, Policies: []int{1, 2}})
	require.NoError(t, err)
	require.Equal(t, []typedconfig.Ref{
		{Field: "stage", Target: typedconfig.TargetStage, Require: "password", ID: 7},
		{Field: "flow", Target: typedconfig.TargetFlow, ID: 9},
		{Field: "policies", Target: typedconfig.TargetPolicy, ID: 1},
		{Field: "policies", Target: typedconfig.TargetPolicy, ID: 2},
	}, refs)

	refs, err = typedconfig.References(&sample{})
	require.NoError(t, err)
	require.Empty(t, refs, "unset references are not references")

	_, err = typedconfig.References(badConfig{})
	require.Error(t, err, "a ref tag on a string is a programming error")
}

type badConfig struct {
	Name string `json:"name" ref:"stage"`
}

func (badConfig) Validate() error { return nil }

func TestRegistry(t *testing.T) {
	t.Parallel()
	r := typedconfig.NewRegistry("stage",
		typedconfig.Kind[*sample]{Name: "b", NewConfig: defaults},
		typedconfig.Kind[*sample]{Name: "a", NewConfig: defaults},
	)
	require.Equal(t, []string{"a", "b"}, r.Names())

	cfg, err := r.Decode("a", []byte(`{"retries":5}`))
	require.NoError(t, err)
	require.Equal(t, 5, cfg.Retries)
	require.Equal(t, "default", cfg.Name)

	_, err = r.Decode("c", nil)
	var fe *problem.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "kind", fe.Field)

	_, err = r.Decode("a", []byte(`{"retries":0}`))
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "config.retries", fe.Field, "field errors are placed under config")

	require.Panics(t, func() {
		typedconfig.NewRegistry("stage", typedconfig.Kind[*sample]{Name: "a", NewConfig: defaults}, typedconfig.Kind[*sample]{Name: "a", NewConfig: defaults})
	})
	require.Panics(t, func() { typedconfig.NewRegistry("stage", typedconfig.Kind[*sample]{Name: "a"}) })
}

type withSecrets struct {
	Name   string `json:"name"`
	Secret string `json:"secret" secret:"true"`
	Key    string `json:"api_key,omitempty" secret:"true"`
	Public string `json:"public" secret:"false"`
}

func (*withSecrets) Validate() error { return nil }

func TestSecretFields(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"secret", "api_key"}, typedconfig.SecretFields(&withSecrets{}))
	require.Empty(t, typedconfig.SecretFields(defaults()))
	require.Equal(t, []string{"secret", "api_key"}, typedconfig.SecretFields((*withSecrets)(nil)), "a nil config has the type's fields")
}
