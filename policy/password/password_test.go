package password_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/policy/password"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

// config returns the defaults changed by edit.
func config(edit func(c *password.Config)) *password.Config {
	c := password.NewConfig()
	if edit != nil {
		edit(c)
	}
	return c
}

// prompt is a request whose prompt data holds pw as "password".
func prompt(pw string) *policy.Request {
	return &policy.Request{Context: map[string]any{"prompt_data": map[string]any{"password": pw}}}
}

// staticOnly turns off the blocklist and zxcvbn.
func staticOnly(c *password.Config) {
	c.CheckBlocklist = false
	c.CheckZxcvbn = false
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	const strong = "violet-Granite-47-harbour"
	tests := []struct {
		name     string
		cfg      *password.Config
		req      *policy.Request
		passing  bool
		messages []string
		contains []string // substrings of the messages, when messages is nil
	}{
		{name: "strong with defaults", cfg: config(nil), req: prompt(strong), passing: true},
		{name: "missing", cfg: config(nil), req: &policy.Request{}, messages: []string{password.MessageMissing}},
		{name: "empty", cfg: config(nil), req: prompt(""), messages: []string{password.MessageMissing}},
		{
			name: "not a string", cfg: config(nil), req: &policy.Request{Context: map[string]any{"prompt_data": map[string]any{"password": 12345678}}},
			messages: []string{password.MessageMissing},
		},
		{name: "from context when no prompt data", cfg: config(nil), req: &policy.Request{Context: map[string]any{"password": strong}}, passing: true},
		{name: "prompt data wins", cfg: config(nil), req: &policy.Request{Context: map[string]any{
			"password": strong, "prompt_data": map[string]any{"password": "short"},
		}}, contains: []string{"at least 8 characters"}},
		{
			name: "custom field", cfg: config(func(c *password.Config) { c.PasswordField = "new_password" }),
			req: &policy.Request{Context: map[string]any{"prompt_data": map[string]any{"new_password": strong}}}, passing: true,
		},
		{
			name: "length counts characters, not bytes", cfg: config(func(c *password.Config) { staticOnly(c); c.LengthMin = 4 }),
			req: prompt("äöü"), messages: []string{"The password needs at least 4 characters."},
		},
		{name: "exact length", cfg: config(func(c *password.Config) { staticOnly(c); c.LengthMin = 3 }), req: prompt("äöü"), passing: true},
		{name: "every static rule named", cfg: config(func(c *password.Config) {
			staticOnly(c)
			c.LengthMin = 12
			c.AmountDigits = 1
			c.AmountUppercase = 2
			c.AmountLowercase = 1
			c.AmountSymbols = 1
		}), req: prompt("ABC"), messages: []string{
			"The password needs at least 12 characters.",
			"The password needs at least 1 digit.",
			"The password needs at least 1 lowercase letter.",
			"The password needs at least 1 symbol (one of " + strings.TrimSpace(password.DefaultSymbols) + ").",
		}},
		{name: "static rules met", cfg: config(func(c *password.Config) {
			staticOnly(c)
			c.AmountDigits = 2
			c.AmountUppercase = 2
			c.AmountLowercase = 2
			c.AmountSymbols = 2
		}), req: prompt("AB12cd!?"), passing: true},
		{
			name: "plural amounts", cfg: config(func(c *password.Config) { staticOnly(c); c.AmountDigits = 3; c.AmountUppercase = 2 }),
			req: prompt("abcdefgh1"), messages: []string{
				"The password needs at least 3 digits.",
				"The password needs at least 2 uppercase letters.",
			},
		},
		{
			name: "custom symbol charset", cfg: config(func(c *password.Config) { staticOnly(c); c.AmountSymbols = 1; c.SymbolCharset = "#" }),
			req: prompt("abcdefgh!"), messages: []string{"The password needs at least 1 symbol (one of #)."},
		},
		{
			name: "blocklisted, any case", cfg: config(func(c *password.Config) { c.CheckZxcvbn = false }),
			req: prompt("PassWord"), messages: []string{"Choose another password: this password is too common."},
		},
		{name: "blocklist off", cfg: config(func(c *password.Config) { staticOnly(c) }), req: prompt("password"), passing: true},
		{
			name: "zxcvbn too weak", cfg: config(func(c *password.Config) { c.CheckBlocklist = false }),
			req: prompt("qwertyuiop"), contains: []string{"too easy to guess: "},
		},
		{
			name: "zxcvbn without user inputs", cfg: config(func(c *password.Config) { c.CheckBlocklist = false }),
			req: prompt("zanzibarquokka1"), passing: true,
		},
		{
			name: "zxcvbn uses the user's name", cfg: config(func(c *password.Config) { c.CheckBlocklist = false }),
			req: &policy.Request{
				User:    &ent.User{Username: "zanzibarquokka"},
				Context: map[string]any{"prompt_data": map[string]any{"password": "zanzibarquokka1"}},
			}, contains: []string{"too easy to guess: it contains your name, username or email."},
		},
		{
			name: "zxcvbn uses the prompt's email", cfg: config(func(c *password.Config) { c.CheckBlocklist = false }),
			req: &policy.Request{Context: map[string]any{"prompt_data": map[string]any{
				"password": "zanzibarquokka1", "email": "zanzibarquokka@example.com",
			}}}, contains: []string{"it contains your name, username or email"},
		},
		{
			name: "zxcvbn min score 0 accepts anything", cfg: config(func(c *password.Config) { c.CheckBlocklist = false; c.ZxcvbnMinScore = 0 }),
			req: prompt("qwertyuiop"), passing: true,
		},
		{
			name: "long password scored on its first 72 characters", cfg: config(nil),
			req: prompt(strong + strings.Repeat("x", 10000)), passing: true,
		},
		{name: "all failures listed", cfg: config(nil), req: prompt("123456"), contains: []string{
			"at least 8 characters", "this password is too common", "too easy to guess: it is based on a common password",
		}},
		{
			name: "error message replaces the rest", cfg: config(func(c *password.Config) { c.ErrorMessage = "Pick a better password." }),
			req: prompt("123456"), messages: []string{"Pick a better password."},
		},
		{
			name: "error message when missing", cfg: config(func(c *password.Config) { c.ErrorMessage = "Pick a better password." }),
			req: &policy.Request{}, messages: []string{"Pick a better password."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := password.New(tt.cfg).Evaluate(t.Context(), tt.req)
			require.NoError(t, err)
			require.Equal(t, tt.passing, out.Passing, "messages: %q", out.Messages)
			require.Nil(t, out.Context)
			if tt.messages != nil || tt.contains == nil {
				require.Equal(t, tt.messages, out.Messages)
			}
			joined := strings.Join(out.Messages, "\n")
			for _, s := range tt.contains {
				require.Contains(t, joined, s)
			}
			data, _ := tt.req.Context["prompt_data"].(map[string]any)
			if pw, ok := data["password"].(string); ok && len(pw) > 3 {
				require.NotContains(t, joined, pw, "messages never repeat the password")
			}
		})
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	typedconfigtest.RunValidation(t, policy.NewKinds(password.Definition()), password.Kind, []typedconfigtest.Case{
		{Name: "defaults"},
		{Name: "empty field", Config: `{"password_field": ""}`, Field: "password_field"},
		{Name: "length 0", Config: `{"length_min": 0}`, Field: "length_min"},
		{Name: "length max", Config: `{"length_min": ` + strconv.Itoa(password.MaxLength) + `}`},
		{Name: "length too big", Config: `{"length_min": ` + strconv.Itoa(password.MaxLength+1) + `}`, Field: "length_min"},
		{Name: "negative digits", Config: `{"amount_digits": -1}`, Field: "amount_digits"},
		{Name: "negative uppercase", Config: `{"amount_uppercase": -1}`, Field: "amount_uppercase"},
		{Name: "negative lowercase", Config: `{"amount_lowercase": -1}`, Field: "amount_lowercase"},
		{Name: "negative symbols", Config: `{"amount_symbols": -1}`, Field: "amount_symbols"},
		{Name: "symbols without charset", Config: `{"amount_symbols": 1, "symbol_charset": ""}`, Field: "symbol_charset"},
		{Name: "score below 0", Config: `{"zxcvbn_min_score": -1}`, Field: "zxcvbn_min_score"},
		{Name: "score above 4", Config: `{"zxcvbn_min_score": 5}`, Field: "zxcvbn_min_score"},
		{Name: "score 4", Config: `{"zxcvbn_min_score": 4}`},
		{Name: "long error message", Config: `{"error_message": "` + strings.Repeat("x", password.MaxMessageLength+1) + `"}`, Field: "error_message"},
	})
}

func TestDefinition(t *testing.T) {
	t.Parallel()
	kinds := policy.NewKinds(password.Definition())
	cfg, err := kinds.Decode(password.Kind, nil)
	require.NoError(t, err)
	raw, err := json.Marshal(cfg)
	require.NoError(t, err)
	require.JSONEq(t, `{
		"password_field": "password", "length_min": 8,
		"amount_digits": 0, "amount_uppercase": 0, "amount_lowercase": 0, "amount_symbols": 0,
		"symbol_charset": " !\"#$%&'()*+,-./:;<=>?@[\\]^_`+"`"+`{|}~",
		"check_blocklist": true, "check_zxcvbn": true, "zxcvbn_min_score": 3, "error_message": ""
	}`, string(raw))

	ev, err := kinds.New(password.Kind, []byte(`{"length_min": 20}`), policy.Deps{})
	require.NoError(t, err)
	out, err := ev.Evaluate(t.Context(), prompt("violet-Granite-47-harbour"))
	require.NoError(t, err)
	require.True(t, out.Passing)
	out, err = ev.Evaluate(t.Context(), prompt("violet-Granite-47"))
	require.NoError(t, err)
	require.False(t, out.Passing)
}
