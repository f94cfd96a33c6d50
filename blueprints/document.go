package blueprints

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
)

// Version is the document format this package reads and writes.
const Version = 1

// MaxDocumentBytes bounds a document; a flow with hundreds of stages fits.
const MaxDocumentBytes = 1 << 20

// Document is one flow with everything it needs: its stage bindings and
// flow-level policy bindings, and the stages and policies they (and the
// stages' configs) use. Objects outside the document — other flows,
// groups, users, and stages or policies a document does not define — are
// referred to by slug or name and must exist when the document is
// imported.
type Document struct {
	Version  int         `yaml:"version"`
	Flow     Flow        `yaml:"flow"`
	Stages   []Object    `yaml:"stages,omitempty"`
	Policies []PolicyDef `yaml:"policies,omitempty"`
}

// Flow is the flow of a document. Empty strings take the model's defaults
// on import; exports write every field.
type Flow struct {
	Slug              string                         `yaml:"slug"`
	Name              string                         `yaml:"name"`
	Title             string                         `yaml:"title"`
	Designation       enum.FlowDesignation           `yaml:"designation"`
	Layout            enum.FlowLayout                `yaml:"layout"`
	Background        string                         `yaml:"background"`
	CompatibilityMode bool                           `yaml:"compatibility_mode"`
	DeniedAction      enum.DeniedAction              `yaml:"denied_action"`
	Authentication    enum.AuthenticationRequirement `yaml:"authentication"`
	PolicyEngineMode  enum.PolicyEngineMode          `yaml:"policy_engine_mode"`
	// Policies are the flow's own policy bindings, which decide who may
	// run it.
	Policies []Binding `yaml:"policies,omitempty"`
	// Stages are the flow's stage bindings.
	Stages []StageBinding `yaml:"stages,omitempty"`
}

// StageBinding places a stage of the document in the flow.
type StageBinding struct {
	// Stage is the name of a stage the document defines.
	Stage string `yaml:"stage"`
	Order int    `yaml:"order"`
	// EvaluateOnPlan defaults to false; ReEvaluatePolicies to true.
	EvaluateOnPlan        bool                       `yaml:"evaluate_on_plan"`
	ReEvaluatePolicies    *bool                      `yaml:"re_evaluate_policies"`
	InvalidResponseAction enum.InvalidResponseAction `yaml:"invalid_response_action"`
	PolicyEngineMode      enum.PolicyEngineMode      `yaml:"policy_engine_mode"`
	Policies              []Binding                  `yaml:"policies,omitempty"`
}

// Binding binds exactly one of a policy (of the document), a user or a
// group to the flow or to a stage binding.
type Binding struct {
	Policy string `yaml:"policy,omitempty"`
	User   string `yaml:"user,omitempty"`
	Group  string `yaml:"group,omitempty"`
	Order  int    `yaml:"order"`
	// Enabled defaults to true.
	Enabled *bool `yaml:"enabled"`
	Negate  bool  `yaml:"negate"`
	// Timeout is in seconds; 0 takes the default, 30.
	Timeout       int  `yaml:"timeout"`
	FailureResult bool `yaml:"failure_result"`
}

// Object is a stage of the document: a kind and its configuration, where
// references to other objects are names (slugs for flows, usernames for
// users) instead of IDs.
type Object struct {
	Name   string    `yaml:"name"`
	Kind   string    `yaml:"kind"`
	Config yaml.Node `yaml:"config,omitempty"`
}

// PolicyDef is a policy of the document.
type PolicyDef struct {
	Name             string    `yaml:"name"`
	Kind             string    `yaml:"kind"`
	ExecutionLogging bool      `yaml:"execution_logging"`
	Config           yaml.Node `yaml:"config,omitempty"`
}

// Error is a problem with a document: Path locates it in YAML terms
// ("flow.stages[1].stage", "stages[0].config.user_fields"), Line is the
// document's line when known (else 0).
type Error struct {
	Path    string
	Line    int
	Message string
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// errorf returns an *Error at path.
func errorf(path string, line int, format string, args ...any) *Error {
	return &Error{Path: path, Line: line, Message: fmt.Sprintf(format, args...)}
}

// Parse reads a document strictly: unknown keys, a second document, a
// wrong version, a key or value that is not acceptable text (a NUL
// character, invalid UTF-8) or a document over MaxDocumentBytes are errors. It checks
// the document's shape (see Document.Check) but not the objects it refers
// to, which Import does.
func Parse(src []byte) (*Document, error) {
	if len(src) > MaxDocumentBytes {
		return nil, errorf("", 0, "the document is larger than %d bytes", MaxDocumentBytes)
	}
	// Text first: the decoder's messages would quote a bad key.
	if err := checkText(src); err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	var doc Document
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errorf("", 0, "the document is empty")
		}
		return nil, yamlError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errorf("", 0, "expected a single YAML document")
	}
	if err := doc.Check(); err != nil {
		return nil, err
	}
	return &doc, nil
}

// goTypeName matches the Go type names yaml.v3 puts in its messages.
var goTypeName = regexp.MustCompile(` (in|into) type [A-Za-z0-9_.*\[\]]+`)

// yamlError turns a yaml.v3 error into an *Error.
func yamlError(err error) error { return errorf("", 0, "%s", yamlMessage(err)) }

// yamlMessage is a yaml.v3 error's message without Go type names.
func yamlMessage(err error) string {
	if te, ok := errors.AsType[*yaml.TypeError](err); ok {
		msgs := make([]string, len(te.Errors))
		for i, m := range te.Errors {
			msgs[i] = goTypeName.ReplaceAllString(m, "")
		}
		return strings.Join(msgs, "; ")
	}
	return "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")
}

// Check validates the document's shape: the version, enum values, unique
// names, and that every binding names exactly one target and every stage
// binding a stage of the document.
func (d *Document) Check() error {
	if d.Version != Version {
		return errorf("version", 0, "must be %d", Version)
	}
	f := &d.Flow
	if f.Slug == "" {
		return errorf("flow.slug", 0, "is required")
	}
	checks := []struct {
		path string
		err  error
	}{
		{"flow.designation", enumValue(f.Designation, enum.FlowDesignations, false)},
		{"flow.layout", enumValue(f.Layout, enum.FlowLayouts, true)},
		{"flow.denied_action", enumValue(f.DeniedAction, enum.DeniedActions, true)},
		{"flow.authentication", enumValue(f.Authentication, enum.AuthenticationRequirements, true)},
		{"flow.policy_engine_mode", enumValue(f.PolicyEngineMode, enum.PolicyEngineModes, true)},
	}
	for _, c := range checks {
		if c.err != nil {
			return errorf(c.path, 0, "%v", c.err)
		}
	}
	stages, err := uniqueNames("stages", d.Stages, func(o Object) (string, string) { return o.Name, o.Kind })
	if err != nil {
		return err
	}
	policies, err := uniqueNames("policies", d.Policies, func(p PolicyDef) (string, string) { return p.Name, p.Kind })
	if err != nil {
		return err
	}
	if err := checkBindings("flow.policies", f.Policies, policies); err != nil {
		return err
	}
	for i, sb := range f.Stages {
		path := fmt.Sprintf("flow.stages[%d]", i)
		if !stages[sb.Stage] {
			return errorf(path+".stage", 0, "%q is not a stage of this document", sb.Stage)
		}
		if err := enumValue(sb.InvalidResponseAction, enum.InvalidResponseActions, true); err != nil {
			return errorf(path+".invalid_response_action", 0, "%v", err)
		}
		if err := enumValue(sb.PolicyEngineMode, enum.PolicyEngineModes, true); err != nil {
			return errorf(path+".policy_engine_mode", 0, "%v", err)
		}
		if err := checkBindings(path+".policies", sb.Policies, policies); err != nil {
			return err
		}
	}
	return nil
}

// enumValue checks v against valid; optional allows "" (the default).
func enumValue[T enum.Value](v T, valid []T, optional bool) error {
	if optional && v == "" {
		return nil
	}
	_, err := enum.Parse(string(v), valid)
	return err
}

// uniqueNames checks that every object has a name and a kind and that no
// name repeats; it returns the set of names.
func uniqueNames[T any](path string, objs []T, nameKind func(T) (string, string)) (map[string]bool, error) {
	names := make(map[string]bool, len(objs))
	for i, o := range objs {
		name, kind := nameKind(o)
		switch {
		case name == "":
			return nil, errorf(fmt.Sprintf("%s[%d].name", path, i), 0, "is required")
		case kind == "":
			return nil, errorf(fmt.Sprintf("%s[%d].kind", path, i), 0, "is required")
		case names[name]:
			return nil, errorf(fmt.Sprintf("%s[%d].name", path, i), 0, "%q is defined twice", name)
		}
		names[name] = true
	}
	return names, nil
}

// checkBindings checks that each binding names exactly one target, and a
// policy only of the document.
func checkBindings(path string, bs []Binding, policies map[string]bool) error {
	for i, b := range bs {
		p := fmt.Sprintf("%s[%d]", path, i)
		n := 0
		for _, s := range []string{b.Policy, b.User, b.Group} {
			if s != "" {
				n++
			}
		}
		if n != 1 {
			return errorf(p, 0, "set exactly one of policy, user and group")
		}
		if b.Policy != "" && !policies[b.Policy] {
			return errorf(p+".policy", 0, "%q is not a policy of this document", b.Policy)
		}
		if b.Timeout < 0 {
			return errorf(p+".timeout", 0, "must be positive")
		}
	}
	return nil
}

// Marshal writes the document as YAML, two-space indented.
func (d *Document) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("encode blueprint: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode blueprint: %w", err)
	}
	return buf.Bytes(), nil
}
