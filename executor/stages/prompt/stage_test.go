package prompt_test

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/prompt"
	"github.com/gatehouse-id/gatehouse/executor/stages/userwrite"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
)

// setup returns an Env whose kinds are prompt and user_write, whose input
// prompt writes, on a fresh database of dialect d.
func setup(t *testing.T, d string) *stagetest.Env {
	t.Helper()
	return stagetest.New(t, d, prompt.Definition(), userwrite.Definition())
}

// submit answers s with the JSON object answers, as a client would.
func submit(t *testing.T, env *stagetest.Env, s executor.Interactive, req *executor.Request, answers string) executor.Result {
	t.Helper()
	var values map[string]any
	require.NoError(t, json.Unmarshal([]byte(answers), &values))
	return env.Submit(t, s, req, &prompt.Response{Values: values})
}

// fieldErr is a field error without its message.
type fieldErr struct{ Field, Code string }

func codes(t *testing.T, errs []executor.FieldError) []fieldErr {
	t.Helper()
	out := make([]fieldErr, len(errs))
	for i, e := range errs {
		require.NotEmpty(t, e.Message)
		out[i] = fieldErr{Field: e.Field, Code: e.Code}
	}
	return out
}

// answerCase is an answer to a form and the outcome it must have.
type answerCase struct {
	name string
	// asAlice makes the existing user alice the pending user.
	asAlice bool
	answers string
	// wantErrs are the errors the answer is refused with; nil: it is
	// accepted.
	wantErrs []fieldErr
	// wantData, when set, is the prompt_data an accepted answer leaves.
	wantData map[string]any
}

// takenMessages are the messages of CodeTaken errors, by field.
var takenMessages = map[string]string{
	"username": "This username is already taken.",
	"email":    "This email address is already taken.",
}

// runAnswers submits each case's answers to a prompt stage of form, in
// parallel subtests on every dialect, in a database that holds alice
// (alice@example.com) and the users others (username to email address),
// and checks the outcome: a refused answer has wantErrs and stores
// nothing; an accepted one leaves wantData.
func runAnswers(t *testing.T, form string, others map[string]string, cases []answerCase) {
	t.Helper()
	stagetest.EachDialect(t, func(t *testing.T, d string) {
		env := setup(t, d)
		alice := env.User(t, "alice", "alice@example.com", "")
		for username, email := range others {
			env.User(t, username, email, "")
		}
		s := env.Interactive(t, prompt.Kind, form)
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				var pending *ent.User
				if tt.asAlice {
					pending = alice
				}
				req := env.RequestAbout(t, prompt.Kind, pending)
				res := submit(t, env, s, req, tt.answers)
				if tt.wantErrs != nil {
					require.Equal(t, executor.ResultRetry, res.Kind())
					require.Equal(t, tt.wantErrs, codes(t, res.Errors()))
					for _, e := range res.Errors() {
						if e.Code == prompt.CodeTaken {
							require.Equal(t, takenMessages[e.Field], e.Message)
						}
					}
					_, stored := req.Execution.Context[executor.KeyPromptData]
					require.False(t, stored, "a rejected form stores nothing")
					return
				}
				require.Equal(t, executor.ResultNext, res.Kind(), "errors: %v", res.Errors())
				if tt.wantData != nil {
					require.Equal(t, tt.wantData, req.Execution.Context.PromptData())
				}
			})
		}
	})
}

// everyType is a form with a field of every type, in a shuffled order.
const everyType = `{"fields": [
	{"field_key": "username", "label": "Username", "type": "username", "required": true, "order": 10, "placeholder": "jdoe"},
	{"field_key": "name", "label": "Name", "type": "text", "order": 20},
	{"field_key": "email", "label": "Email", "type": "email", "order": 30},
	{"field_key": "bio", "label": "About you", "type": "text_area", "order": 40, "sub_text": "Optional."},
	{"field_key": "plan", "label": "Plan", "type": "text_read_only", "initial_value": "free", "order": 50},
	{"field_key": "password", "label": "Password", "type": "password", "required": true, "order": 60},
	{"field_key": "password_repeat", "label": "Repeat password", "type": "password", "required": true, "order": 60},
	{"field_key": "age", "label": "Age", "type": "number", "initial_value": "42", "order": 70},
	{"field_key": "terms", "label": "I accept the terms", "type": "checkbox", "required": true, "order": 80},
	{"field_key": "color", "label": "Favourite colour", "type": "choice", "choices": ["red", "green", "blue"], "initial_value": "green", "order": 90},
	{"field_key": "birthday", "label": "Birthday", "type": "date", "order": 100},
	{"field_key": "meeting", "label": "Meeting", "type": "date_time", "order": 110},
	{"field_key": "source", "type": "hidden", "initial_value": "web", "order": 120},
	{"label": "Notice", "type": "static", "initial_value": "Read this first.", "order": 0},
	{"type": "separator", "order": 65}
]}`

func TestChallenge(t *testing.T) {
	t.Parallel()

	t.Run("EveryFieldTypeForPendingUser", func(t *testing.T) {
		t.Parallel()
		env := setup(t, dialect.SQLite)
		alice := env.User(t, "alice", "alice@example.com", "")
		alice = env.Client.User.UpdateOne(alice).SetName("Alice Liddell").SaveX(env.Ctx)
		env.Golden(t, env.Interactive(t, prompt.Kind, everyType), env.RequestAbout(t, prompt.Kind, alice), "every_field_type")
	})

	t.Run("AnonymousGetsNoPrefill", func(t *testing.T) {
		t.Parallel()
		env := setup(t, dialect.SQLite)
		ch, err := env.Interactive(t, prompt.Kind, everyType).Challenge(env.Ctx, env.RequestAbout(t, prompt.Kind, nil))
		require.NoError(t, err)
		fields := ch.(*prompt.Challenge).Fields //nolint:forcetypeassert // the stage's own challenge
		for _, f := range fields {
			switch f.FieldKey {
			case "username", "name", "email", "password", "password_repeat":
				require.Empty(t, f.InitialValue, f.FieldKey)
			}
		}
	})

	t.Run("SessionUserPrefillsAndPromptDataWins", func(t *testing.T) {
		t.Parallel()
		env := setup(t, dialect.SQLite)
		req := env.RequestAbout(t, prompt.Kind, nil)
		req.User = env.User(t, "carol", "carol@example.com", "")
		require.NoError(t, req.Execution.Context.Set(executor.KeyPromptData, map[string]any{
			"email": "new@example.com", "age": 7.5, "terms": true, "source": "client", "password": map[string]any{"argon2id": "x"},
		}))
		ch, err := env.Interactive(t, prompt.Kind, everyType).Challenge(env.Ctx, req)
		require.NoError(t, err)
		got := map[string]string{}
		for _, f := range ch.(*prompt.Challenge).Fields { //nolint:forcetypeassert // the stage's own challenge
			got[f.FieldKey] = f.InitialValue
		}
		require.Equal(t, "carol", got["username"])
		require.Equal(t, "new@example.com", got["email"])
		require.Equal(t, "7.5", got["age"])
		require.Equal(t, "true", got["terms"])
		require.Equal(t, "web", got["source"], "hidden fields keep the server value")
		require.Empty(t, got["password"])
	})
}

// validationForm exercises every check but passwords.
const validationForm = `{"fields": [
	{"field_key": "username", "label": "Username", "type": "username", "required": true},
	{"field_key": "email", "label": "Email", "type": "email"},
	{"field_key": "age", "label": "Age", "type": "number"},
	{"field_key": "terms", "label": "Terms", "type": "checkbox", "required": true},
	{"field_key": "newsletter", "label": "Newsletter", "type": "checkbox"},
	{"field_key": "color", "label": "Colour", "type": "choice", "choices": ["red", "green"]},
	{"field_key": "birthday", "label": "Birthday", "type": "date"},
	{"field_key": "meeting", "label": "Meeting", "type": "date_time"},
	{"field_key": "bio", "label": "Bio", "type": "text_area"},
	{"field_key": "source", "type": "hidden", "initial_value": "web"},
	{"field_key": "plan", "label": "Plan", "type": "text_read_only", "initial_value": "free"},
	{"field_key": "notice", "label": "Notice", "type": "static", "initial_value": "Read this."},
	{"type": "separator"}
]}`

func TestSubmitValidation(t *testing.T) {
	t.Parallel()

	// base is what every accepted answer stores besides the answers.
	base := map[string]any{"terms": true, "newsletter": false, "source": "web", "plan": "free"}
	with := func(kv map[string]any) map[string]any {
		out := maps.Clone(base)
		maps.Copy(out, kv)
		return out
	}
	runAnswers(t, validationForm, map[string]string{"dave": ""}, []answerCase{
		{name: "minimal", answers: `{"username": "bob", "terms": true}`, wantData: with(map[string]any{"username": "bob"})},
		{
			name: "every answer", answers: `{"username": "bob", "terms": true, "newsletter": true, "email": "bob@example.com",
			"age": "42", "color": "green", "birthday": "2030-02-28", "meeting": "2030-01-02T03:04:05+01:00", "bio": "Hi."}`,
			wantData: with(map[string]any{
				"username": "bob", "newsletter": true, "email": "bob@example.com", "age": 42.0, "color": "green",
				"birthday": "2030-02-28", "meeting": "2030-01-02T03:04:05+01:00", "bio": "Hi.",
			}),
		},
		{name: "JSON number", answers: `{"username": "bob", "terms": true, "age": 7.5}`, wantData: with(map[string]any{"username": "bob", "age": 7.5})},
		{
			name: "empty text clears", answers: `{"username": "bob", "terms": true, "email": "", "bio": ""}`,
			wantData: with(map[string]any{"username": "bob", "email": "", "bio": ""}),
		},
		{
			name: "server values win and unknown keys are ignored", answers: `{"username": "bob", "terms": true,
			"source": "evil", "plan": "paid", "notice": "x", "is_superuser": true, "groups": [1]}`,
			wantData: with(map[string]any{"username": "bob"}),
		},
		{name: "required", answers: `{}`, wantErrs: []fieldErr{{"username", "required"}, {"terms", "required"}}},
		{name: "required checkbox unticked", answers: `{"username": "bob", "terms": false}`, wantErrs: []fieldErr{{"terms", "required"}}},
		{name: "null is no answer", answers: `{"username": null, "terms": true}`, wantErrs: []fieldErr{{"username", "required"}}},
		{
			name: "wrong types", answers: `{"username": 12, "terms": "yes", "email": "nobody", "age": "four", "color": "blue",
			"birthday": "2030-13-01", "meeting": "2030-01-02 03:04", "bio": ["x"]}`,
			wantErrs: []fieldErr{
				{"username", "invalid"},
				{"email", "invalid"},
				{"age", "invalid"},
				{"terms", "invalid"},
				{"color", "invalid"},
				{"birthday", "invalid"},
				{"meeting", "invalid"},
				{"bio", "invalid"},
			},
		},
		{name: "username with space", answers: `{"username": "bob smith", "terms": true}`, wantErrs: []fieldErr{{"username", "invalid"}}},
		{name: "username too long", answers: `{"username": "` + strings.Repeat("b", 151) + `", "terms": true}`, wantErrs: []fieldErr{{"username", "invalid"}}},
		{
			name: "text too long", answers: `{"username": "bob", "terms": true, "bio": "` + strings.Repeat("é", prompt.MaxTextLength+1) + `"}`,
			wantErrs: []fieldErr{{"bio", "invalid"}},
		},
		{
			name: "text at the limit", answers: `{"username": "bob", "terms": true, "bio": "` + strings.Repeat("é", prompt.MaxTextLength) + `"}`,
			wantData: with(map[string]any{"username": "bob", "bio": strings.Repeat("é", prompt.MaxTextLength)}),
		},
		{name: "username taken regardless of case", answers: `{"username": "ALICE", "terms": true}`, wantErrs: []fieldErr{{"username", "taken"}}},
		{name: "own username", asAlice: true, answers: `{"username": "Alice", "terms": true}`, wantData: with(map[string]any{"username": "Alice"})},
		{
			name: "another's username with a pending user", asAlice: true, answers: `{"username": "dave", "terms": true}`,
			wantErrs: []fieldErr{{"username", "taken"}},
		},
	})
}

func TestSubmitWrongResponse(t *testing.T) {
	t.Parallel()
	env := setup(t, dialect.SQLite)
	res := env.Submit(t, env.Interactive(t, prompt.Kind, validationForm), env.RequestAbout(t, prompt.Kind, nil), nil)
	require.Equal(t, executor.ResultRetry, res.Kind())
}

const passwordForm = `{"fields": [
	{"field_key": "password", "label": "Password", "type": "password", "required": true},
	{"field_key": "password_repeat", "label": "Repeat", "type": "password"}
]}`

func TestPasswords(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		answers  string
		wantErrs []fieldErr
	}{
		{
			name: "mismatch", answers: `{"password": "correct horse", "password_repeat": "correct h0rse"}`,
			wantErrs: []fieldErr{{"password_repeat", "mismatch"}},
		},
		{name: "repeat missing", answers: `{"password": "correct horse"}`, wantErrs: []fieldErr{{"password_repeat", "mismatch"}}},
		{
			name: "first missing", answers: `{"password_repeat": "correct horse"}`,
			wantErrs: []fieldErr{{"password", "required"}, {"password_repeat", "mismatch"}},
		},
		{
			name: "not text", answers: `{"password": 1234, "password_repeat": 1234}`,
			wantErrs: []fieldErr{{"password", "invalid"}, {"password_repeat", "invalid"}},
		},
		{
			name: "too long", answers: `{"password": "` + strings.Repeat("p", 4097) + `", "password_repeat": "` + strings.Repeat("p", 4097) + `"}`,
			wantErrs: []fieldErr{{"password", "invalid"}, {"password_repeat", "invalid"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t, dialect.SQLite)
			res := submit(t, env, env.Interactive(t, prompt.Kind, passwordForm), env.RequestAbout(t, prompt.Kind, nil), tt.answers)
			require.Equal(t, executor.ResultRetry, res.Kind())
			require.Equal(t, tt.wantErrs, codes(t, res.Errors()))
		})
	}

	t.Run("StoredHashed", func(t *testing.T) {
		t.Parallel()
		const plain = "correct horse battery staple"
		stagetest.EachDialect(t, func(t *testing.T, d string) {
			env := setup(t, d)
			req := env.RequestAbout(t, prompt.Kind, nil)
			res := submit(t, env, env.Interactive(t, prompt.Kind, passwordForm), req, `{"password": "`+plain+`", "password_repeat": "`+plain+`"}`)
			require.Equal(t, executor.ResultNext, res.Kind(), "errors: %v", res.Errors())

			data := req.Execution.Context.PromptData()
			require.NotContains(t, data, "password_repeat", "repeats are not stored")
			stored, ok := data["password"].(map[string]any)
			require.True(t, ok, "password is stored as an object, got %#v", data["password"])
			require.Len(t, stored, 1)
			phc, ok := stored[prompt.HashedPasswordKey].(string)
			require.True(t, ok)
			require.True(t, strings.HasPrefix(phc, "$argon2id$"), phc)
			match, _, err := env.Deps.Hasher.Verify(env.Ctx, plain, phc)
			require.NoError(t, err)
			require.True(t, match)

			doc, err := json.Marshal(req.Execution)
			require.NoError(t, err)
			require.NotContains(t, string(doc), plain)
			require.NotContains(t, string(doc), "battery")
		})
	})
}

// policy creates a policy of kind with config and returns its ID.
func policy(t *testing.T, env *stagetest.Env, name, kind, config string) int {
	t.Helper()
	p, err := env.Client.PolicyDefinition.Create().
		SetName(name).SetKind(kind).SetConfig(json.RawMessage(config)).
		Save(env.Ctx)
	require.NoError(t, err)
	return p.ID
}

func TestValidationPolicies(t *testing.T) {
	t.Parallel()

	stagetest.EachDialect(t, func(t *testing.T, d string) {
		env := setup(t, d)
		alice := env.User(t, "alice", "", "")
		length := policy(t, env, "min-length", "expression",
			`{"expression": "{\"pass\": context.prompt_data.password.size() >= 12, \"message\": \"Use at least 12 characters.\"}"}`)
		// notUsername sees earlier prompt_data and the pending user.
		notUsername := policy(t, env, "not-username", "expression",
			`{"expression": "{\"pass\": context.prompt_data.password != context.prompt_data.username && user.username == \"alice\", \"message\": \"Do not use your username.\"}"}`)
		deny := policy(t, env, "deny", "dummy", `{"result": false}`)
		ids := func(ids ...int) string {
			raw, err := json.Marshal(ids)
			require.NoError(t, err)
			return string(raw)
		}
		form := func(policies string) executor.Interactive {
			return env.Interactive(t, prompt.Kind, `{"fields": [{"field_key": "password", "label": "Password", "type": "password", "required": true}],
				"validation_policies": `+policies+`}`)
		}
		tests := []struct {
			name     string
			policies string
			password string
			wantMsgs []string
		}{
			{name: "passing", policies: ids(length, notUsername), password: "a long enough password"},
			{name: "too short", policies: ids(length, notUsername), password: "short", wantMsgs: []string{"Use at least 12 characters."}},
			{name: "same as username", policies: ids(length, notUsername), password: "alice-the-user", wantMsgs: []string{"Do not use your username."}},
			{name: "both fail, one says why", policies: ids(deny, length), password: "short", wantMsgs: []string{"Use at least 12 characters."}},
			{name: "no message", policies: ids(deny), password: "a long enough password", wantMsgs: []string{"The form was not accepted."}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				req := env.RequestAbout(t, prompt.Kind, alice)
				require.NoError(t, req.Execution.Context.Set(executor.KeyPromptData, map[string]any{"username": "alice-the-user"}))
				res := submit(t, env, form(tt.policies), req, `{"password": "`+tt.password+`"}`)
				if tt.wantMsgs == nil {
					require.Equal(t, executor.ResultNext, res.Kind(), "errors: %v", res.Errors())
					require.Contains(t, req.Execution.Context.PromptData(), "password")
					return
				}
				require.Equal(t, executor.ResultRetry, res.Kind())
				want := make([]executor.FieldError, len(tt.wantMsgs))
				for i, m := range tt.wantMsgs {
					want[i] = executor.FieldError{Message: m, Code: prompt.CodePolicy}
				}
				require.Equal(t, want, res.Errors())
				require.Equal(t, map[string]any{"username": "alice-the-user"}, req.Execution.Context.PromptData(),
					"a refused form leaves prompt_data alone")
			})
		}
	})
}

func TestPromptDataMergesAcrossStages(t *testing.T) {
	t.Parallel()

	stagetest.EachDialect(t, func(t *testing.T, d string) {
		env := setup(t, d)
		first := env.Interactive(t, prompt.Kind, `{"fields": [
			{"field_key": "username", "label": "Username", "type": "username", "required": true},
			{"field_key": "email", "label": "Email", "type": "email"}]}`)
		second := env.Interactive(t, prompt.Kind, `{"fields": [
			{"field_key": "email", "label": "Email", "type": "email"},
			{"field_key": "name", "label": "Name", "type": "text"},
			{"field_key": "password", "label": "Password", "type": "password"}]}`)
		req := env.RequestAbout(t, prompt.Kind, nil)

		res := submit(t, env, first, req, `{"username": "erin", "email": "erin@example.com"}`)
		require.Equal(t, executor.ResultNext, res.Kind(), "errors: %v", res.Errors())

		// The second form starts with the answers given so far.
		ch, err := second.Challenge(env.Ctx, req)
		require.NoError(t, err)
		require.Equal(t, "erin@example.com", ch.(*prompt.Challenge).Fields[0].InitialValue) //nolint:forcetypeassert // the stage's own challenge

		res = submit(t, env, second, req, `{"email": "erin@example.org", "name": "Erin", "password": "s3cret-enough"}`)
		require.Equal(t, executor.ResultNext, res.Kind(), "errors: %v", res.Errors())
		data := req.Execution.Context.PromptData()
		require.Equal(t, "erin", data["username"])
		require.Equal(t, "erin@example.org", data["email"], "a later answer replaces an earlier one")
		require.Equal(t, "Erin", data["name"])
		require.Contains(t, data["password"], prompt.HashedPasswordKey)
	})
}
