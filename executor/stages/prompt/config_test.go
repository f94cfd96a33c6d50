package prompt_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gatehouse-id/gatehouse/executor/stages/prompt"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()

	many := make([]string, prompt.MaxFields+1)
	for i := range many {
		many[i] = fmt.Sprintf(`{"field_key": "f%d", "label": "F", "type": "text"}`, i)
	}
	stagetest.RunValidation(t, prompt.Definition(), []typedconfigtest.Case{
		{Name: "one text field", Config: `{"fields": [{"field_key": "first_name", "label": "First name", "type": "text"}]}`},
		{Name: "separator and static without keys", Config: `{"fields": [
			{"field_key": "a", "label": "A", "type": "text"},
			{"type": "separator"},
			{"label": "Terms", "type": "static", "initial_value": "Be nice."}]}`},
		{Name: "hidden without label", Config: `{"fields": [{"field_key": "source", "type": "hidden", "initial_value": "web"}]}`},
		{Name: "typed initial values", Config: `{"fields": [
			{"field_key": "n", "label": "N", "type": "number", "initial_value": "4.5"},
			{"field_key": "c", "label": "C", "type": "checkbox", "initial_value": "true"},
			{"field_key": "d", "label": "D", "type": "date", "initial_value": "2030-01-02"},
			{"field_key": "t", "label": "T", "type": "date_time", "initial_value": "2030-01-02T03:04:05Z"},
			{"field_key": "ch", "label": "Ch", "type": "choice", "choices": ["x", "y"], "initial_value": "y"}]}`},
		{Name: "validation policies", Config: `{"fields": [{"field_key": "a", "label": "A", "type": "text"}], "validation_policies": [1, 2]}`},

		{Name: "no fields", Config: `{}`, Field: "fields"},
		{Name: "too many fields", Config: `{"fields": [` + strings.Join(many, ",") + `]}`, Field: "fields"},
		{Name: "unknown type", Config: `{"fields": [{"field_key": "a", "label": "A", "type": "file"}]}`, Field: "fields.0.type"},
		{Name: "missing key", Config: `{"fields": [{"label": "A", "type": "text"}]}`, Field: "fields.0.field_key"},
		{Name: "key not snake case", Config: `{"fields": [{"field_key": "firstName", "label": "A", "type": "text"}]}`, Field: "fields.0.field_key"},
		{Name: "key starts with digit", Config: `{"fields": [{"field_key": "1a", "label": "A", "type": "text"}]}`, Field: "fields.0.field_key"},
		{Name: "key too long", Config: `{"fields": [{"field_key": "` + strings.Repeat("a", prompt.MaxFieldKeyLength+1) + `", "label": "A", "type": "text"}]}`, Field: "fields.0.field_key"},
		{Name: "duplicate key", Config: `{"fields": [
			{"field_key": "a", "label": "A", "type": "text"},
			{"field_key": "a", "label": "B", "type": "email"}]}`, Field: "fields.1.field_key"},
		{Name: "missing label", Config: `{"fields": [{"field_key": "a", "type": "text"}]}`, Field: "fields.0.label"},
		{Name: "static needs label", Config: `{"fields": [{"field_key": "a", "label": "A", "type": "text"}, {"type": "static"}]}`, Field: "fields.1.label"},
		{Name: "label too long", Config: `{"fields": [{"field_key": "a", "label": "` + strings.Repeat("x", prompt.MaxLabelLength+1) + `", "type": "text"}]}`, Field: "fields.0.label"},
		{Name: "sub text too long", Config: `{"fields": [{"field_key": "a", "label": "A", "sub_text": "` + strings.Repeat("x", prompt.MaxSubTextLength+1) + `", "type": "text"}]}`, Field: "fields.0.sub_text"},
		{Name: "choice without choices", Config: `{"fields": [{"field_key": "a", "label": "A", "type": "choice"}]}`, Field: "fields.0.choices"},
		{Name: "duplicate choice", Config: `{"fields": [{"field_key": "a", "label": "A", "type": "choice", "choices": ["x", "x"]}]}`, Field: "fields.0.choices"},
		{Name: "empty choice", Config: `{"fields": [{"field_key": "a", "label": "A", "type": "choice", "choices": [""]}]}`, Field: "fields.0.choices"},
		{Name: "choices on text", Config: `{"fields": [{"field_key": "a", "label": "A", "type": "text", "choices": ["x"]}]}`, Field: "fields.0.choices"},
		{Name: "initial choice not a choice", Config: `{"fields": [{"field_key": "a", "label": "A", "type": "choice", "choices": ["x"], "initial_value": "z"}]}`, Field: "fields.0.initial_value"},
		{Name: "initial password", Config: `{"fields": [{"field_key": "a", "label": "A", "type": "password", "initial_value": "hunter2"}]}`, Field: "fields.0.initial_value"},
		{Name: "initial number", Config: `{"fields": [{"field_key": "a", "label": "A", "type": "number", "initial_value": "four"}]}`, Field: "fields.0.initial_value"},
		{Name: "initial date", Config: `{"fields": [{"field_key": "a", "label": "A", "type": "date", "initial_value": "02/01/2030"}]}`, Field: "fields.0.initial_value"},
		{Name: "initial checkbox", Config: `{"fields": [{"field_key": "a", "label": "A", "type": "checkbox", "initial_value": "yes"}]}`, Field: "fields.0.initial_value"},
		{Name: "initial email", Config: `{"fields": [{"field_key": "a", "label": "A", "type": "email", "initial_value": "nobody"}]}`, Field: "fields.0.initial_value"},
		{Name: "bad policy ID", Config: `{"fields": [{"field_key": "a", "label": "A", "type": "text"}], "validation_policies": [0]}`, Field: "validation_policies"},
		{Name: "duplicate policy", Config: `{"fields": [{"field_key": "a", "label": "A", "type": "text"}], "validation_policies": [3, 3]}`, Field: "validation_policies"},
		{Name: "unknown config field", Config: `{"fields": [{"field_key": "a", "label": "A", "type": "text"}], "extra": 1}`, Field: "extra"},
	})
}

func TestFieldTypeGQL(t *testing.T) {
	t.Parallel()
	typedconfigtest.RunEnum(t, prompt.FieldTypes, "text", "FILE")
}
