package prompt

import (
	"cmp"
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/directory"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/emailkey"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/policy"
)

// HashedPasswordKey is the key of the JSON object a password answer is
// stored as in prompt_data: {"argon2id": "<PHC string>"}.
const HashedPasswordKey = "argon2id"

// Field error codes of the stage, besides executor's "required" and
// "invalid".
const (
	// CodeTaken refuses a username or an email address another user has.
	CodeTaken = "taken"
	// CodeMismatch refuses a password repeat that differs from the first.
	CodeMismatch = "mismatch"
	// CodePolicy carries a failing validation policy's message.
	CodePolicy = "policy"
)

// Limits of answers.
const (
	// maxUsernameLength mirrors the user schema (bytes).
	maxUsernameLength = 150
)

// Messages of the stage.
const (
	messageRequired = "This field is required."
	messageTaken    = "This username is already taken."
	messageMismatch = "The passwords do not match."
	messagePolicy   = "The form was not accepted."
)

// Challenge is the form.
type Challenge struct {
	executor.ChallengeBase

	// Fields are the form's fields in display order, with their initial
	// values filled in (never for password fields).
	Fields []Field `json:"fields"`
}

// Response carries the answers, by field_key.
type Response struct {
	// Values maps field keys to answers: strings, numbers (or numeric
	// strings) for number fields, bools for checkboxes. Keys of no field
	// are ignored.
	Values map[string]any `json:"values"`
}

// ResponseKind implements executor.Response.
func (Response) ResponseKind() string { return Kind }

// Stage shows a form and stores the answers in prompt_data. It is
// immutable once built and safe for concurrent use.
type Stage struct {
	cfg  *Config
	deps executor.Deps
	// fields are cfg.Fields in display order.
	fields []Field
}

// New builds a prompt stage.
func New(cfg *Config, deps executor.Deps) (executor.Stage, error) {
	c := cfg
	fields := slices.Clone(c.Fields)
	slices.SortStableFunc(fields, func(a, b Field) int { return cmp.Compare(a.Order, b.Order) })
	return &Stage{cfg: c, deps: deps, fields: fields}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }

// Challenge implements executor.Interactive.
func (s *Stage) Challenge(ctx context.Context, req *executor.Request) (executor.Challenge, error) {
	u, err := s.user(ctx, req)
	if err != nil {
		return nil, err
	}
	prompt := req.Execution.Context.PromptData()
	maps.Copy(prompt, req.Execution.Context.FixedPromptData())
	fields := make([]Field, len(s.fields))
	for i, f := range s.fields {
		f.Choices = slices.Clone(f.Choices)
		f.InitialValue = initialValue(&f, u, prompt)
		fields[i] = f
	}
	return &Challenge{Fields: fields}, nil
}

// Submit implements executor.Interactive. It checks every field (and
// reports every error at once), then the validation policies, then stores
// the answers in prompt_data (the first password hashed, repeats not at
// all) and completes.
func (s *Stage) Submit(ctx context.Context, req *executor.Request, resp executor.Response) (executor.Result, error) {
	r, ok := resp.(*Response)
	if !ok {
		return executor.Retry(executor.FieldError{Message: "expected a prompt response", Code: "invalid"}), nil
	}
	u, err := s.user(ctx, req)
	if err != nil {
		return executor.Result{}, err
	}
	answers, passwordKey, errs, err := s.check(ctx, r.Values, u)
	if err != nil {
		return executor.Result{}, err
	}
	if errs, err = s.checkEmail(ctx, req, u, answers, errs); err != nil {
		return executor.Result{}, err
	}
	if len(errs) > 0 {
		return executor.Retry(errs...), nil
	}
	merged := req.Execution.Context.PromptData()
	maps.Copy(merged, answers)
	// Fixed answers (an invitation's) win over what was typed.
	maps.Copy(merged, req.Execution.Context.FixedPromptData())
	if len(s.cfg.ValidationPolicyIDs) > 0 {
		errs, err := s.evaluatePolicies(ctx, req, u, merged)
		if err != nil {
			return executor.Result{}, err
		}
		if len(errs) > 0 {
			return executor.Retry(errs...), nil
		}
	}
	stored := maps.Clone(merged)
	if passwordKey != "" {
		plain, _ := answers[passwordKey].(string)
		hash, err := s.deps.Hasher.Hash(ctx, plain)
		if err != nil {
			return executor.Result{}, fmt.Errorf("hash password: %w", err)
		}
		stored[passwordKey] = map[string]any{HashedPasswordKey: hash}
	}
	if err := req.Execution.Context.Set(executor.KeyPromptData, stored); err != nil {
		return executor.Result{}, err
	}
	return executor.Next(), nil
}

// user is the user the form is about: the pending user, else the
// session's user; nil when anonymous.
func (s *Stage) user(ctx context.Context, req *executor.Request) (*ent.User, error) {
	u, err := req.PendingUser(ctx, s.deps.Client)
	if err != nil || u != nil {
		return u, err
	}
	return req.User, nil
}

// check judges the answers. It returns the values to store (passwords in
// plaintext), the key of the password to hash (empty when none was
// given), and the field errors.
func (s *Stage) check(ctx context.Context, values map[string]any, u *ent.User) (map[string]any, string, []executor.FieldError, error) {
	answers := map[string]any{}
	var (
		errs        []executor.FieldError
		passwordKey string
		// first is the answer to the first password field, which the
		// others repeat.
		first, firstSet = "", false
	)
	for i := range s.fields {
		f := &s.fields[i]
		if !f.Type.stored() {
			continue
		}
		if f.Type.serverValued() {
			answers[f.FieldKey] = initialValue(f, u, nil)
			continue
		}
		raw := values[f.FieldKey]
		repeat := f.Type == FieldTypePassword && firstSet
		if f.Type == FieldTypePassword && !firstSet {
			first, _ = raw.(string)
			firstSet = true
		}
		a, err := s.judge(ctx, f, raw, u, repeat, first)
		if err != nil {
			return nil, "", nil, err
		}
		switch {
		case a.code != "":
			errs = append(errs, executor.FieldError{Field: f.FieldKey, Message: a.message, Code: a.code})
		case a.store:
			answers[f.FieldKey] = a.value
			if f.Type == FieldTypePassword {
				passwordKey = f.FieldKey
			}
		}
	}
	return answers, passwordKey, errs, nil
}

// answer is the verdict on one field's answer.
type answer struct {
	// value is stored when store is set.
	value any
	store bool
	// code and message say why the answer is refused; code is empty when
	// it is accepted.
	code, message string
}

// judge decides on raw, the answer to the editable field f. A repeat is a
// password field after the first, whose answer was first.
func (s *Stage) judge(ctx context.Context, f *Field, raw any, u *ent.User, repeat bool, first string) (answer, error) {
	if raw == nil || raw == "" || (f.Type == FieldTypeCheckbox && raw == false) {
		return blank(f, raw, repeat, first), nil
	}
	v, msg := f.check(raw)
	if msg != "" {
		return answer{code: "invalid", message: msg}, nil
	}
	if f.Type == FieldTypeUsername {
		name, _ := v.(string)
		taken, err := usernameTaken(ctx, s.deps.Client, name, u)
		if err != nil {
			return answer{}, err
		}
		if taken {
			return answer{code: CodeTaken, message: messageTaken}, nil
		}
	}
	if repeat {
		pw, _ := v.(string)
		if subtle.ConstantTimeCompare([]byte(pw), []byte(first)) != 1 {
			return answer{code: CodeMismatch, message: messageMismatch}, nil
		}
		return answer{}, nil // repeats are never stored
	}
	return answer{value: v, store: true}, nil
}

// blank decides on a field left empty (nil, "", or an unticked checkbox).
func blank(f *Field, raw any, repeat bool, first string) answer {
	switch {
	case f.Required:
		return answer{code: "required", message: messageRequired}
	case repeat && first != "":
		return answer{code: CodeMismatch, message: messageMismatch}
	case f.Type == FieldTypeCheckbox:
		return answer{value: false, store: true}
	case raw == "" && (f.Type == FieldTypeText || f.Type == FieldTypeTextArea || f.Type == FieldTypeEmail):
		return answer{value: "", store: true} // clears the value
	default:
		return answer{}
	}
}

// usernameTaken reports whether another user than self has name,
// regardless of case.
func usernameTaken(ctx context.Context, c *ent.Client, name string, self *ent.User) (bool, error) {
	q := c.User.Query().Where(user.UsernameEqualFold(name))
	if self != nil {
		q.Where(user.IDNEQ(self.ID))
	}
	taken, err := q.Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("check username: %w", err)
	}
	return taken, nil
}

// evaluatePolicies runs the validation policies over the context with
// prompt_data replaced by merged (plaintext passwords included) and, when
// they fail, returns a field error per message of each failing policy (a
// generic one when they have none).
func (s *Stage) evaluatePolicies(ctx context.Context, req *executor.Request, u *ent.User, merged map[string]any) ([]executor.FieldError, error) {
	values := req.Execution.Context.Values()
	values[executor.KeyPromptData] = merged
	preq := &policy.Request{
		User:    u,
		Client:  policy.Client{IP: req.Client.IP, UserAgent: req.Client.UserAgent, Headers: req.Client.Headers},
		Flow:    &policy.Flow{Slug: req.Flow.Slug, Designation: string(req.Flow.Designation)},
		Context: values,
	}
	if u != nil {
		membership, err := directory.MembershipOf(ctx, s.deps.Client, u.ID)
		if err != nil {
			return nil, err
		}
		preq.GroupIDs, preq.Superuser = membership.GroupIDs, membership.Superuser
	}
	res, err := s.deps.Policies.EvaluatePolicies(ctx, s.cfg.ValidationPolicyIDs, enum.PolicyEngineModeAll, preq)
	if err != nil {
		return nil, fmt.Errorf("evaluate validation policies: %w", err)
	}
	if res.Passing {
		return nil, nil
	}
	// Only failing policies speak: a passing policy's message ("looks
	// good") would only confuse.
	var errs []executor.FieldError
	for _, entry := range res.Trace {
		if entry.Passing {
			continue
		}
		for _, m := range entry.Messages {
			errs = append(errs, executor.FieldError{Message: m, Code: CodePolicy})
		}
	}
	if len(errs) == 0 {
		errs = append(errs, executor.FieldError{Message: messagePolicy, Code: CodePolicy})
	}
	return errs, nil
}

// initialValue is the value f starts with (see the package comment);
// prompt is the execution's prompt_data (nil: not consulted).
func initialValue(f *Field, u *ent.User, prompt map[string]any) string {
	if f.Type == FieldTypePassword {
		return ""
	}
	if !f.Type.serverValued() && f.FieldKey != "" {
		switch v := prompt[f.FieldKey].(type) {
		case string:
			return v
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		case bool:
			return strconv.FormatBool(v)
		}
	}
	if f.InitialValue != "" || u == nil {
		return f.InitialValue
	}
	switch f.FieldKey {
	case "username":
		return u.Username
	case "email":
		return u.Email
	case "name":
		return u.Name
	default:
		return ""
	}
}

// check judges one answer (neither nil nor "") of f and returns the value
// to store, or a message saying what is wrong. Config validation uses it
// for initial values too (as strings).
func (f *Field) check(raw any) (any, string) {
	switch f.Type {
	case FieldTypeNumber:
		n, ok := number(raw)
		if !ok {
			return nil, "Enter a number."
		}
		return n, ""
	case FieldTypeCheckbox:
		switch raw {
		case true, "true": // a string is an initial value
			return true, ""
		case false, "false":
			return false, ""
		default:
			return nil, "Must be true or false."
		}
	case FieldTypeText, FieldTypeTextArea, FieldTypeTextReadOnly, FieldTypeHidden, FieldTypeStatic, FieldTypeSeparator:
		return text(raw, func(s string) bool { return utf8.RuneCountInString(s) <= MaxTextLength },
			fmt.Sprintf("Enter at most %d characters.", MaxTextLength))
	case FieldTypeUsername:
		return text(raw, validUsername,
			fmt.Sprintf("Enter a username of at most %d characters, without spaces.", maxUsernameLength))
	case FieldTypeEmail:
		return text(raw, emailkey.Valid, "Enter an email address such as user@example.com.")
	case FieldTypePassword:
		return text(raw, func(s string) bool { return len(s) <= credential.MaxPasswordBytes },
			fmt.Sprintf("Enter a password of at most %d bytes.", credential.MaxPasswordBytes))
	case FieldTypeChoice:
		return text(raw, func(s string) bool { return slices.Contains(f.Choices, s) }, "Select one of the choices.")
	case FieldTypeDate:
		return text(raw, parses(time.DateOnly), "Enter a date as YYYY-MM-DD.")
	case FieldTypeDateTime:
		return text(raw, parses(time.RFC3339), "Enter a date and time such as 2030-01-02T15:04:05Z.")
	default:
		return nil, "This field cannot be answered."
	}
}

// text accepts raw when it is a string that valid accepts; msg says why
// not otherwise.
func text(raw any, valid func(string) bool, msg string) (any, string) {
	s, ok := raw.(string)
	if !ok {
		return nil, "Must be text."
	}
	if !valid(s) {
		return nil, msg
	}
	return s, ""
}

// parses returns a check that a string is a time in layout.
func parses(layout string) func(string) bool {
	return func(s string) bool {
		_, err := time.Parse(layout, s)
		return err == nil
	}
}

// validUsername accepts what the user schema does, bounded in length.
func validUsername(s string) bool {
	return len(s) <= maxUsernameLength &&
		strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) < 0
}

// number returns raw as a finite float64: a JSON number (as decoded by
// encoding/json, with or without UseNumber) or a numeric string.
func number(raw any) (float64, bool) {
	var f float64
	switch v := raw.(type) {
	case float64:
		f = v
	case float32:
		f = float64(v)
	case int:
		f = float64(v)
	case int64:
		f = float64(v)
	case json.Number:
		n, err := v.Float64()
		if err != nil {
			return 0, false
		}
		f = n
	case string:
		n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return 0, false
		}
		f = n
	default:
		return 0, false
	}
	return f, !math.IsNaN(f) && !math.IsInf(f, 0)
}
