package expression_test

import (
	"context"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/policy/expression"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

// nested returns a comprehension nested depth levels deep over ten
// elements: 10^depth iterations.
func nested(depth int) string {
	const list = "[0,1,2,3,4,5,6,7,8,9]"
	var b strings.Builder
	for i := range depth {
		b.WriteString(list + ".all(v" + string(rune('a'+i)) + ", ")
	}
	b.WriteString("va >= 0")
	b.WriteString(strings.Repeat(")", depth))
	return b.String()
}

// embedded is a value that is not JSON-like, as the executor might put
// into the context.
type embedded struct {
	Name string `json:"name"`
	Tags []int  `json:"tags"`
}

func request() *policy.Request {
	changed := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	return &policy.Request{
		User: &ent.User{
			ID: 42, Username: "alice", Name: "Alice Liddell", Email: "alice@example.com",
			IsActive: true, Type: enum.UserTypeInternal, PasswordChangedAt: &changed,
			PasswordHash: "$argon2id$secret",
			Attributes:   map[string]any{"department": "wonderland", "level": float64(3)},
		},
		GroupIDs: []int{7, 9},
		Client: policy.Client{
			IP:        netip.MustParseAddr("10.1.2.3"),
			UserAgent: "curl/8",
			Headers:   map[string]string{"x-forwarded-proto": "https"},
		},
		Flow: &policy.Flow{Slug: "default-authentication", Designation: "authentication"},
		Context: map[string]any{
			"prompt_data":             map[string]any{"username": "alice", "age": float64(30)},
			"pending_user_identifier": "Alice",
			"count":                   2,
			"embedded":                embedded{Name: "e", Tags: []int{1, 2}},
			"list":                    []any{"a", map[string]any{"b": true}},
		},
		Application: map[string]any{"slug": "wiki"},
	}
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	anonymous := &policy.Request{}
	tests := []struct {
		name    string
		source  string
		req     *policy.Request
		want    policy.Outcome
		wantErr string
	}{
		{name: "true", source: `true`, want: policy.Outcome{Passing: true}},
		{name: "false", source: `1 > 2`, want: policy.Outcome{}},
		{name: "user fields", source: `user.id == "42" && user.username == "alice" && user.name == "Alice Liddell" &&
			user.email.endsWith("@example.com") && user.is_active && user.type == "internal"`, want: policy.Outcome{Passing: true}},
		{name: "groups are id strings", source: `user.groups == ["7", "9"] && "9" in user.groups`, want: policy.Outcome{Passing: true}},
		{name: "attributes", source: `user.attributes.department == "wonderland" && user.attributes.level == 3`, want: policy.Outcome{Passing: true}},
		{name: "no password hash", source: `!has(user.password_hash) && !has(user.password_changed_at)`, want: policy.Outcome{Passing: true}},
		{name: "request", source: `request.ip.startsWith("10.") && request.user_agent == "curl/8" &&
			request.headers["x-forwarded-proto"] == "https"`, want: policy.Outcome{Passing: true}},
		{name: "flow", source: `flow.slug == "default-authentication" && flow.designation == "authentication"`, want: policy.Outcome{Passing: true}},
		{name: "application", source: `application.slug == "wiki"`, want: policy.Outcome{Passing: true}},
		{name: "context keys", source: `context.prompt_data.username == "alice" && context.prompt_data.age >= 18 &&
			context.pending_user_identifier == "Alice" && context.count == 2 && context.list[1].b`, want: policy.Outcome{Passing: true}},
		{name: "context struct as JSON", source: `context.embedded.name == "e" && context.embedded.tags == [1, 2]`, want: policy.Outcome{Passing: true}},
		{name: "anonymous user is empty", source: `size(user) == 0 && !has(user.username)`, req: anonymous, want: policy.Outcome{Passing: true}},
		{
			name: "anonymous request", source: `request.ip == "" && size(flow) == 0 && size(context) == 0 && size(application) == 0 && size(request.headers) == 0`,
			req: anonymous, want: policy.Outcome{Passing: true},
		},
		{name: "anonymous user field", source: `user.username == "alice"`, req: anonymous, wantErr: "no such key: username"},
		{name: "map pass", source: `{"pass": true}`, want: policy.Outcome{Passing: true}},
		{name: "map with message", source: `{"pass": false, "message": "Only staff."}`, want: policy.Outcome{Messages: []string{"Only staff."}}},
		{
			name: "map with messages", source: `{"pass": false, "message": "first", "messages": ["a", "b"]}`,
			want: policy.Outcome{Messages: []string{"first", "a", "b"}},
		},
		{
			name: "map with context", source: `{"pass": true, "context": {"redirect": "/welcome", "n": 1, "ok": true, "l": ["x"], "m": {"k": 1.5}, "none": null}}`,
			want: policy.Outcome{Passing: true, Context: map[string]any{
				"redirect": "/welcome", "n": int64(1), "ok": true, "l": []any{"x"}, "m": map[string]any{"k": 1.5}, "none": nil,
			}},
		},
		{
			name: "computed map", source: `{"pass": user.username == "alice", "context": {"who": user.username}}`,
			want: policy.Outcome{Passing: true, Context: map[string]any{"who": "alice"}},
		},
		{name: "dyn int result", source: `context.count`, wantErr: "expression must return a bool or a map with pass"},
		{name: "map without pass", source: `{"message": "x"}`, wantErr: "no pass"},
		{name: "pass not bool", source: `{"pass": "yes"}`, wantErr: "pass is a string"},
		{name: "unknown key", source: `{"pass": true, "mesage": "typo"}`, wantErr: `unknown key "mesage"`},
		{name: "message not string", source: `{"pass": true, "message": 1}`, wantErr: "message must be a string"},
		{name: "messages not strings", source: `{"pass": true, "messages": [1]}`, wantErr: "messages must be a list of strings"},
		{name: "context not map", source: `{"pass": true, "context": [1]}`, wantErr: "context must be a map"},
		{name: "type error", source: `context.count + "x" == "2x"`, wantErr: "no such overload"},
		{name: "runaway comprehension", source: nested(6), wantErr: "cost limit exceeded"},
		{name: "moderate comprehension", source: nested(3), want: policy.Outcome{Passing: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := expression.New(&expression.Config{Expression: tt.source})
			require.NoError(t, err)
			req := tt.req
			if req == nil {
				req = request()
			}
			out, err := ev.Evaluate(t.Context(), req)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, out)
		})
	}
}

func TestEvaluateResultErrorsWrapErrResult(t *testing.T) {
	t.Parallel()
	ev, err := expression.New(&expression.Config{Expression: `{"pass": 1}`})
	require.NoError(t, err)
	_, err = ev.Evaluate(t.Context(), &policy.Request{})
	require.ErrorIs(t, err, expression.ErrResult)
}

func TestEvaluateHonoursContext(t *testing.T) {
	t.Parallel()
	// Under the cost limit, but long enough to reach an interrupt check.
	ev, err := expression.New(&expression.Config{Expression: nested(4)})
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = ev.Evaluate(ctx, &policy.Request{})
	require.ErrorIs(t, err, context.Canceled)

	ctx, cancel = context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	_, err = ev.Evaluate(ctx, &policy.Request{})
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestConcurrentEvaluate(t *testing.T) {
	t.Parallel()
	ev, err := expression.New(&expression.Config{Expression: `{"pass": context.count == 2, "context": {"u": user.username}}`})
	require.NoError(t, err)
	for i := range 8 {
		t.Run(string(rune('a'+i)), func(t *testing.T) {
			t.Parallel()
			out, err := ev.Evaluate(t.Context(), request())
			require.NoError(t, err)
			require.True(t, out.Passing)
		})
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	expr := func(source string) string {
		raw, err := json.Marshal(map[string]string{"expression": source})
		require.NoError(t, err)
		return string(raw)
	}
	typedconfigtest.RunValidation(t, policy.NewKinds(expression.Definition()), expression.Kind, []typedconfigtest.Case{
		{Name: "bool", Config: expr(`true`)},
		{Name: "dyn", Config: expr(`context.ok`)},
		{Name: "map", Config: expr(`{"pass": true}`)},
		{Name: "mixed map", Config: expr(`{"pass": true, "message": "m"}`)},
		{Name: "unset", Field: "expression", Message: "must not be empty"},
		{Name: "empty", Config: expr(``), Field: "expression", Message: "must not be empty"},
		{Name: "too long", Config: expr(strings.Repeat(" ", expression.MaxLength) + "true"), Field: "expression", Message: "at most"},
		{Name: "syntax", Config: expr(`true &&`), Field: "expression", Message: "Syntax error"},
		{Name: "undeclared", Config: expr(`nobody.x`), Field: "expression", Message: "undeclared reference"},
		{Name: "int", Config: expr(`1`), Field: "expression", Message: "must evaluate to a bool or a map with pass, not int"},
		{Name: "string", Config: expr(`"yes"`), Field: "expression", Message: "not string"},
		{Name: "int-keyed map", Config: expr(`{1: true}`), Field: "expression", Message: "not map(int, bool)"},
	})
}

func TestDefinition(t *testing.T) {
	t.Parallel()
	kinds := policy.NewKinds(expression.Definition())
	ev, err := kinds.New(expression.Kind, []byte(`{"expression": "user.username == 'alice'"}`), policy.Deps{})
	require.NoError(t, err)
	out, err := ev.Evaluate(t.Context(), request())
	require.NoError(t, err)
	require.True(t, out.Passing)

	_, err = kinds.New(expression.Kind, []byte(`{"expression": "1"}`), policy.Deps{})
	var fe *problem.FieldError
	require.ErrorAs(t, err, &fe)
}
