// Package prompt is the stage that shows a form and merges the answers
// into the execution context's prompt_data, where later stages (user_write,
// policies) read them.
//
// # Fields
//
// A prompt stage shows its fields sorted by order, then by their position
// in the config. Each field has a type (FieldType) that decides how it is
// shown and how its answer is checked:
//
//	text, text_area       a string of at most MaxTextLength characters
//	username              a string a user may have as username; a name taken
//	                      by another user (regardless of case) is refused
//	                      with code "taken"
//	email                 an address of the form local@domain
//	password              a string of at most credential.MaxPasswordBytes;
//	                      never echoed back
//	number                a JSON number or a numeric string, stored as a number
//	checkbox              a JSON bool; required means it must be ticked
//	choice                one of the field's choices
//	date                  YYYY-MM-DD
//	date_time             an RFC 3339 timestamp
//	text_read_only        shown, not editable
//	hidden                not shown, submitted
//	static                text shown on the form (its initial_value)
//	separator             a visual divider
//
// Every field but separator and static needs a field_key, the prompt_data
// key its answer is stored under; separator and static fields are never
// stored, so their key is optional. text_read_only, hidden and static
// fields always take the server's initial value, whatever the client
// sends. Answers under keys no field has are ignored. A field left empty
// (no key, null or "") is not stored, except that an unticked checkbox
// stores false and an empty text, text_area or email answer stores ""
// (clearing the value). Field errors name their field by its field_key.
//
// # Initial values
//
// A field's initial value, in order of preference, is the answer already
// in prompt_data under its key (editable fields only, so a client cannot
// choose a later hidden field's value through an earlier form), the
// configured initial_value, and, for fields keyed username, email or name,
// the current value of the flow's user (the pending user, else the
// session's user). The last replaces authentik's initial-value expressions
// for the common case of a settings form showing the user's own details.
// Password fields never have an initial value.
//
// # Passwords in prompt_data
//
// prompt_data is stored at rest with the execution, so plaintext
// passwords never reach it. The first password field's answer is stored
// hashed, as a JSON object holding the PHC string made by the server's
// credential.Hasher:
//
//	"password": {"argon2id": "$argon2id$v=19$m=...,t=...,p=...$salt$hash"}
//
// Further password fields are repeats that must match the first (code
// "mismatch") and are not stored at all. The user_write stage recognises
// this form and sets it as the user's password hash unchanged. Validation
// policies, which run before the answers are stored, see the plaintext
// in context.prompt_data (the password policy reads it there).
//
// # Email addresses
//
// The answer under the key "email" (EmailFieldKey, whatever the field's
// type) becomes the user's address when user_write runs, and addresses
// are unique among users regardless of letter case and Unicode
// composition (ent/schema/emailkey). So an address another user has is
// refused with code "taken", as a taken username is; the flow's user
// keeps their own address unchecked. Each check is counted per client
// address, taken or not, before the lookup; past DefaultEmailCheckLimits
// (20 in 15 minutes) the field answers "rate_limited" for every address,
// so sign-up cannot be used to test a long list of addresses.
//
// # Validation policies
//
// When a form passes the field checks, the stage's validation policies are
// evaluated in ALL mode, for the pending user (else the session's user),
// with the execution context in which prompt_data already holds the new
// answers. A failing policy rejects the whole form: each of its messages
// (not those of policies that passed) becomes a field error with an empty
// field and code "policy", and a policy failing without a message gets a
// generic one. Context keys the policies propose are not applied.
package prompt

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the stage kind's persisted name.
const Kind = "prompt"

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, func() *Config { return &Config{} }, New)
}

// FieldType is how a prompt field is shown and checked.
type FieldType string

// Field types.
const (
	// FieldTypeText is a single-line text input.
	FieldTypeText FieldType = "text"
	// FieldTypeTextArea is a multi-line text input.
	FieldTypeTextArea FieldType = "text_area"
	// FieldTypeTextReadOnly shows its initial value, not editable.
	FieldTypeTextReadOnly FieldType = "text_read_only"
	// FieldTypeEmail is an email address.
	FieldTypeEmail FieldType = "email"
	// FieldTypeUsername is a username that no other user has.
	FieldTypeUsername FieldType = "username"
	// FieldTypePassword is a password input; a second one is a repeat.
	FieldTypePassword FieldType = "password"
	// FieldTypeNumber is a number.
	FieldTypeNumber FieldType = "number"
	// FieldTypeCheckbox is a boolean.
	FieldTypeCheckbox FieldType = "checkbox"
	// FieldTypeChoice is one of the field's choices.
	FieldTypeChoice FieldType = "choice"
	// FieldTypeDate is a date, YYYY-MM-DD.
	FieldTypeDate FieldType = "date"
	// FieldTypeDateTime is an RFC 3339 timestamp.
	FieldTypeDateTime FieldType = "date_time"
	// FieldTypeHidden is not shown; it always takes its initial value.
	FieldTypeHidden FieldType = "hidden"
	// FieldTypeStatic shows its initial value as text; never stored.
	FieldTypeStatic FieldType = "static"
	// FieldTypeSeparator is a visual divider; never stored.
	FieldTypeSeparator FieldType = "separator"
)

// FieldTypes lists every FieldType.
var FieldTypes = []FieldType{
	FieldTypeText, FieldTypeTextArea, FieldTypeTextReadOnly, FieldTypeEmail, FieldTypeUsername,
	FieldTypePassword, FieldTypeNumber, FieldTypeCheckbox, FieldTypeChoice, FieldTypeDate,
	FieldTypeDateTime, FieldTypeHidden, FieldTypeStatic, FieldTypeSeparator,
}

// MarshalGQL implements graphql.Marshaler.
func (t FieldType) MarshalGQL(w io.Writer) { enum.MarshalGQL(w, t) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (t *FieldType) UnmarshalGQL(v any) error { return enum.UnmarshalGQL(v, t, FieldTypes) }

// serverValued reports whether fields of type t always take the server's
// initial value.
func (t FieldType) serverValued() bool {
	return t == FieldTypeTextReadOnly || t == FieldTypeHidden || t == FieldTypeStatic
}

// stored reports whether answers to fields of type t go into prompt_data.
func (t FieldType) stored() bool { return t != FieldTypeStatic && t != FieldTypeSeparator }

// Limits of a config.
const (
	// MaxFields bounds the number of fields of a stage.
	MaxFields = 100
	// MaxFieldKeyLength bounds a field_key.
	MaxFieldKeyLength = 64
	// MaxLabelLength bounds a label, a placeholder and each choice.
	MaxLabelLength = 200
	// MaxSubTextLength bounds a sub_text.
	MaxSubTextLength = 1000
	// MaxTextLength bounds an initial_value and a text answer, in characters.
	MaxTextLength = 10000
	// MaxChoices bounds a field's choices.
	MaxChoices = 100
	// MaxValidationPolicies bounds validation_policies.
	MaxValidationPolicies = 50
)

// fieldKeyPattern is what a field_key must look like.
var fieldKeyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Config configures a prompt stage.
type Config struct {
	// Fields are the form's fields, at least one.
	Fields []Field `json:"fields"`
	// ValidationPolicyIDs are policies that must all pass for the answers
	// to be accepted.
	ValidationPolicyIDs []int `json:"validation_policies" ref:"policy"`
}

// Field is one field of a form, as configured and as shown in the
// challenge (where InitialValue is the value the field starts with).
type Field struct {
	// FieldKey is the prompt_data key the answer is stored under
	// (snake_case); optional for separator and static fields.
	FieldKey string    `json:"field_key"`
	Label    string    `json:"label"`
	Type     FieldType `json:"type"`
	// Required refuses a form without an answer (an unticked checkbox).
	Required    bool   `json:"required"`
	Placeholder string `json:"placeholder"`
	// InitialValue is the value the field starts with; the value of
	// text_read_only, hidden and static fields; the text of a static field.
	InitialValue string `json:"initial_value"`
	// Order sorts the fields (then their position in the config).
	Order   int    `json:"order"`
	SubText string `json:"sub_text"`
	// Choices are the values a choice field accepts, in display order.
	Choices []string `json:"choices,omitempty"`
}

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	if len(c.Fields) == 0 {
		return problem.Invalid("fields", "must have at least one field")
	}
	if len(c.Fields) > MaxFields {
		return problem.Invalid("fields", "must have at most %d fields", MaxFields)
	}
	keys := map[string]bool{}
	for i, f := range c.Fields {
		if err := f.validate(); err != nil {
			return err.Prefix("fields." + strconv.Itoa(i))
		}
		if f.FieldKey == "" {
			continue
		}
		if keys[f.FieldKey] {
			return problem.Invalid(fmt.Sprintf("fields.%d.field_key", i), "%q is used by another field", f.FieldKey)
		}
		keys[f.FieldKey] = true
	}
	if len(c.ValidationPolicyIDs) > MaxValidationPolicies {
		return problem.Invalid("validation_policies", "must list at most %d policies", MaxValidationPolicies)
	}
	for i, id := range c.ValidationPolicyIDs {
		if id <= 0 {
			return problem.Invalid("validation_policies", "%d is not a policy ID", id)
		}
		if slices.Contains(c.ValidationPolicyIDs[:i], id) {
			return problem.Invalid("validation_policies", "policy %d is listed twice", id)
		}
	}
	return nil
}

// validate checks one field; paths are relative to the field.
func (f *Field) validate() *problem.FieldError {
	if _, err := enum.Parse(string(f.Type), FieldTypes); err != nil {
		return problem.Invalid("type", "%v", err)
	}
	switch {
	case f.FieldKey == "" && f.Type.stored():
		return problem.Invalid("field_key", "is required for %s fields", f.Type)
	case f.FieldKey != "" && (len(f.FieldKey) > MaxFieldKeyLength || !fieldKeyPattern.MatchString(f.FieldKey)):
		return problem.Invalid("field_key", "must be a snake_case identifier of at most %d characters, such as first_name", MaxFieldKeyLength)
	}
	if f.Label == "" && f.Type != FieldTypeHidden && f.Type != FieldTypeSeparator {
		return problem.Invalid("label", "is required for %s fields", f.Type)
	}
	for name, v := range map[string]struct {
		s   string
		max int
	}{
		"label": {f.Label, MaxLabelLength}, "placeholder": {f.Placeholder, MaxLabelLength},
		"sub_text": {f.SubText, MaxSubTextLength}, "initial_value": {f.InitialValue, MaxTextLength},
	} {
		if utf8.RuneCountInString(v.s) > v.max {
			return problem.Invalid(name, "must be at most %d characters", v.max)
		}
	}
	if err := f.validateChoices(); err != nil {
		return err
	}
	if f.InitialValue == "" {
		return nil
	}
	if f.Type == FieldTypePassword {
		return problem.Invalid("initial_value", "is not allowed for password fields")
	}
	if _, msg := f.check(f.InitialValue); msg != "" {
		return problem.Invalid("initial_value", "%s", msg)
	}
	return nil
}

func (f *Field) validateChoices() *problem.FieldError {
	if f.Type != FieldTypeChoice {
		if len(f.Choices) > 0 {
			return problem.Invalid("choices", "is only for choice fields")
		}
		return nil
	}
	if len(f.Choices) == 0 {
		return problem.Invalid("choices", "must list at least one choice")
	}
	if len(f.Choices) > MaxChoices {
		return problem.Invalid("choices", "must list at most %d choices", MaxChoices)
	}
	for i, ch := range f.Choices {
		if ch == "" || utf8.RuneCountInString(ch) > MaxLabelLength {
			return problem.Invalid("choices", "each choice must be 1 to %d characters", MaxLabelLength)
		}
		if slices.Contains(f.Choices[:i], ch) {
			return problem.Invalid("choices", "%q is listed twice", ch)
		}
	}
	return nil
}
