// Package typedconfig decodes, validates and inspects the configurations
// that stage and policy kinds own.
//
// A kind's config is a plain Go struct with snake_case JSON tags. It is
// stored as JSON and always decoded over the kind's defaults, strictly (an
// unknown field is an error), then validated by the struct itself. Fields
// that point at other objects carry a ref tag naming the target type and,
// optionally, what the target must be:
//
//	PasswordStageID *int  `json:"password_stage,omitempty" ref:"stage:password"`   // a stage of kind password
//	EnrollmentFlowID *int `json:"enrollment_flow,omitempty" ref:"flow:enrollment"` // a flow designated enrollment
//	ValidationPolicyIDs []int `json:"validation_policies" ref:"policy"`            // any policies
//
// Package integrity uses References to check targets on write and to
// record them, so the database refuses to delete what a config points at.
//
// Fields tagged secret:"true" are write-only (a third party's secret): the
// API never shows them (their GraphQL output types say only whether one is
// set) and blueprint exports leave them out (SecretFields).
//
//	Secret string `json:"secret" secret:"true"`
package typedconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/gatehouse-id/gatehouse/problem"
)

// Config is a kind's configuration.
type Config interface {
	// Validate checks the values; it returns a *problem.FieldError (or
	// several, joined) naming the offending JSON field.
	Validate() error
}

// Target is a type of object a config may point at.
type Target string

// Reference targets.
const (
	TargetFlow   Target = "flow"
	TargetStage  Target = "stage"
	TargetPolicy Target = "policy"
	TargetGroup  Target = "group"
	TargetUser   Target = "user"
)

// Ref is one reference held by a config.
type Ref struct {
	// Field is the JSON name of the config field.
	Field string
	// Target is the type of object referenced.
	Target Target
	// Require is what the target must be: a stage kind for stages, a flow
	// designation for flows; empty when anything of Target will do.
	Require string
	// ID is the referenced object's ID.
	ID int
}

// Decode reads raw into cfg (which holds the kind's defaults), refusing
// unknown fields and trailing data, then validates it. Errors are
// *problem.FieldError with paths relative to the config.
func Decode(raw []byte, cfg Config) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cfg); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return problem.Invalid("", "config must be a single JSON object")
	}
	return cfg.Validate()
}

// decodeError turns an encoding/json error into a FieldError that names the
// field without echoing Go type names.
func decodeError(err error) error {
	if typeErr, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return problem.Invalid(typeErr.Field, "must be a JSON %s", typeErr.Value)
	}
	msg := err.Error()
	if field, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return problem.Invalid(strings.Trim(field, `"`), "is not a field of this kind's config")
	}
	return problem.Invalid("", "config is not valid JSON")
}

// Encode returns cfg as stored JSON.
func Encode(cfg Config) (json.RawMessage, error) {
	b, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	return b, nil
}

// RefField describes a config field that holds references.
type RefField struct {
	// Field is the JSON name of the config field.
	Field string
	// Target is the type of object referenced.
	Target Target
	// Require is what the target must be (see Ref.Require).
	Require string
	// Many is true for a list of references, false for a single one.
	Many bool
}

// RefFields lists the fields of cfg's type that hold references, in field
// order. Fields tagged ref must be *int, int or []int; anything else is a
// programming error reported as an error.
func RefFields(cfg Config) ([]RefField, error) {
	fields, _, err := refFields(cfg)
	out := make([]RefField, len(fields))
	for i, f := range fields {
		out[i] = f.RefField
	}
	return out, err
}

// References lists every reference in cfg, following its ref tags.
func References(cfg Config) ([]Ref, error) {
	fields, v, err := refFields(cfg)
	if err != nil || !v.IsValid() {
		return nil, err
	}
	var refs []Ref
	for _, f := range fields {
		add := func(id int64) {
			refs = append(refs, Ref{Field: f.Field, Target: f.Target, Require: f.Require, ID: int(id)})
		}
		fv := v.FieldByIndex(f.index)
		switch {
		case fv.Kind() == reflect.Pointer:
			if !fv.IsNil() {
				add(fv.Elem().Int())
			}
		case fv.Kind() == reflect.Int:
			if fv.Int() != 0 {
				add(fv.Int())
			}
		default: // []int
			for j := range fv.Len() {
				add(fv.Index(j).Int())
			}
		}
	}
	return refs, nil
}

// refField is a RefField with its position in the struct.
type refField struct {
	RefField

	index []int
}

// refFields reads the ref tags of cfg's struct type; v is the struct
// (invalid when cfg is a nil pointer).
func refFields(cfg Config) ([]refField, reflect.Value, error) {
	v := reflect.ValueOf(cfg)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, reflect.Value{}, nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil, reflect.Value{}, fmt.Errorf("config %T is not a struct", cfg)
	}
	var out []refField
	t := v.Type()
	for f := range t.Fields() {
		tag, ok := f.Tag.Lookup("ref")
		if !ok {
			continue
		}
		target, require, _ := strings.Cut(tag, ":")
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		ft := f.Type
		var many bool
		switch {
		case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Int, ft.Kind() == reflect.Int:
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Int:
			many = true
		default:
			return nil, reflect.Value{}, fmt.Errorf("config %T field %s: ref tag on unsupported type %s", cfg, f.Name, ft)
		}
		out = append(out, refField{RefField: RefField{Field: name, Target: Target(target), Require: require, Many: many}, index: f.Index})
	}
	return out, v, nil
}

// SecretFields lists the JSON names of cfg's fields tagged secret:"true",
// in field order: settings nothing reads back.
func SecretFields(cfg Config) []string {
	t := reflect.TypeOf(cfg)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for f := range t.Fields() {
		if f.Tag.Get("secret") != "true" {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}
