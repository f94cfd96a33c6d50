package prompt_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/prompt"
	"github.com/gatehouse-id/gatehouse/problem"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()

	many := make([]string, prompt.MaxFields+1)
	for i := range many {
		many[i] = fmt.Sprintf(`{"field_key": "f%d", "label": "F", "type": "text"}`, i)
	}
	tests := []struct {
		name      string
		config    string
		wantField string // "" when valid
	}{
		{name: "one text field", config: `{"fields": [{"field_key": "first_name", "label": "First name", "type": "text"}]}`},
		{name: "separator and static without keys", config: `{"fields": [
			{"field_key": "a", "label": "A", "type": "text"},
			{"type": "separator"},
			{"label": "Terms", "type": "static", "initial_value": "Be nice."}]}`},
		{name: "hidden without label", config: `{"fields": [{"field_key": "source", "type": "hidden", "initial_value": "web"}]}`},
		{name: "typed initial values", config: `{"fields": [
			{"field_key": "n", "label": "N", "type": "number", "initial_value": "4.5"},
			{"field_key": "c", "label": "C", "type": "checkbox", "initial_value": "true"},
			{"field_key": "d", "label": "D", "type": "date", "initial_value": "2030-01-02"},
			{"field_key": "t", "label": "T", "type": "date_time", "initial_value": "2030-01-02T03:04:05Z"},
			{"field_key": "ch", "label": "Ch", "type": "choice", "choices": ["x", "y"], "initial_value": "y"}]}`},
		{name: "validation policies", config: `{"fields": [{"field_key": "a", "label": "A", "type": "text"}], "validation_policies": [1, 2]}`},

		{name: "no fields", config: `{}`, wantField: "fields"},
		{name: "too many fields", config: `{"fields": [` + strings.Join(many, ",") + `]}`, wantField: "fields"},
		{name: "unknown type", config: `{"fields": [{"field_key": "a", "label": "A", "type": "file"}]}`, wantField: "fields.0.type"},
		{name: "missing key", config: `{"fields": [{"label": "A", "type": "text"}]}`, wantField: "fields.0.field_key"},
		{name: "key not snake case", config: `{"fields": [{"field_key": "firstName", "label": "A", "type": "text"}]}`, wantField: "fields.0.field_key"},
		{name: "key starts with digit", config: `{"fields": [{"field_key": "1a", "label": "A", "type": "text"}]}`, wantField: "fields.0.field_key"},
		{name: "key too long", config: `{"fields": [{"field_key": "` + strings.Repeat("a", prompt.MaxFieldKeyLength+1) + `", "label": "A", "type": "text"}]}`, wantField: "fields.0.field_key"},
		{name: "duplicate key", config: `{"fields": [
			{"field_key": "a", "label": "A", "type": "text"},
			{"field_key": "a", "label": "B", "type": "email"}]}`, wantField: "fields.1.field_key"},
		{name: "missing label", config: `{"fields": [{"field_key": "a", "type": "text"}]}`, wantField: "fields.0.label"},
		{name: "static needs label", config: `{"fields": [{"field_key": "a", "label": "A", "type": "text"}, {"type": "static"}]}`, wantField: "fields.1.label"},
		{name: "label too long", config: `{"fields": [{"field_key": "a", "label": "` + strings.Repeat("x", prompt.MaxLabelLength+1) + `", "type": "text"}]}`, wantField: "fields.0.label"},
		{name: "sub text too long", config: `{"fields": [{"field_key": "a", "label": "A", "sub_text": "` + strings.Repeat("x", prompt.MaxSubTextLength+1) + `", "type": "text"}]}`, wantField: "fields.0.sub_text"},
		{name: "choice without choices", config: `{"fields": [{"field_key": "a", "label": "A", "type": "choice"}]}`, wantField: "fields.0.choices"},
		{name: "duplicate choice", config: `{"fields": [{"field_key": "a", "label": "A", "type": "choice", "choices": ["x", "x"]}]}`, wantField: "fields.0.choices"},
		{name: "empty choice", config: `{"fields": [{"field_key": "a", "label": "A", "type": "choice", "choices": [""]}]}`, wantField: "fields.0.choices"},
		{name: "choices on text", config: `{"fields": [{"field_key": "a", "label": "A", "type": "text", "choices": ["x"]}]}`, wantField: "fields.0.choices"},
		{name: "initial choice not a choice", config: `{"fields": [{"field_key": "a", "label": "A", "type": "choice", "choices": ["x"], "initial_value": "z"}]}`, wantField: "fields.0.initial_value"},
		{name: "initial password", config: `{"fields": [{"field_key": "a", "label": "A", "type": "password", "initial_value": "hunter2"}]}`, wantField: "fields.0.initial_value"},
		{name: "initial number", config: `{"fields": [{"field_key": "a", "label": "A", "type": "number", "initial_value": "four"}]}`, wantField: "fields.0.initial_value"},
		{name: "initial date", config: `{"fields": [{"field_key": "a", "label": "A", "type": "date", "initial_value": "02/01/2030"}]}`, wantField: "fields.0.initial_value"},
		{name: "initial checkbox", config: `{"fields": [{"field_key": "a", "label": "A", "type": "checkbox", "initial_value": "yes"}]}`, wantField: "fields.0.initial_value"},
		{name: "initial email", config: `{"fields": [{"field_key": "a", "label": "A", "type": "email", "initial_value": "nobody"}]}`, wantField: "fields.0.initial_value"},
		{name: "bad policy ID", config: `{"fields": [{"field_key": "a", "label": "A", "type": "text"}], "validation_policies": [0]}`, wantField: "validation_policies"},
		{name: "duplicate policy", config: `{"fields": [{"field_key": "a", "label": "A", "type": "text"}], "validation_policies": [3, 3]}`, wantField: "validation_policies"},
		{name: "unknown config field", config: `{"fields": [{"field_key": "a", "label": "A", "type": "text"}], "extra": 1}`, wantField: "extra"},
	}
	kinds := executor.NewStageKinds(prompt.Definition())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := kinds.Decode(prompt.Kind, []byte(tt.config))
			if tt.wantField == "" {
				require.NoError(t, err)
				return
			}
			var fe *problem.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, "config."+tt.wantField, fe.Field, "error: %v", err)
		})
	}
}

func TestFieldTypeGQL(t *testing.T) {
	t.Parallel()

	for _, ft := range prompt.FieldTypes {
		var buf bytes.Buffer
		ft.MarshalGQL(&buf)
		require.Equal(t, `"`+strings.ToUpper(string(ft))+`"`, buf.String())
		var back prompt.FieldType
		require.NoError(t, back.UnmarshalGQL(strings.ToUpper(string(ft))))
		require.Equal(t, ft, back)
	}
	var ft prompt.FieldType
	require.Error(t, ft.UnmarshalGQL("text"))
	require.Error(t, ft.UnmarshalGQL("FILE"))
}
