// Package password is the policy kind that checks a password a user is
// choosing (a prompt stage's validation policy, typically on enrollment
// and recovery flows): static composition rules, a blocklist of common
// passwords shipped with the binary, and a zxcvbn strength estimate.
//
// The password is read from context["prompt_data"][password_field], else
// from context[password_field]; when there is none (or it is not a
// string) the policy fails. Every failed rule adds a message, unless
// error_message is set, which then replaces them all. Messages never
// repeat the password.
package password

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	zxcvbn "github.com/ccojocar/zxcvbn-go"
	"github.com/ccojocar/zxcvbn-go/frequency"
	"github.com/ccojocar/zxcvbn-go/match"

	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the policy kind's persisted name.
const Kind = "password"

// Definition describes the kind for the policy registry.
func Definition() policy.Kind {
	return policy.Define(Kind, NewConfig,
		func(c *Config, _ policy.Deps) (policy.Evaluator, error) { return New(c), nil })
}

// Bounds of the config's values.
const (
	// MaxLength bounds length_min and every amount_*.
	MaxLength = 1024
	// MaxScore is zxcvbn's best score.
	MaxScore = 4
	// MaxMessageLength bounds error_message and symbol_charset, in characters.
	MaxMessageLength = 1000
	// ScoredLength is how many leading characters zxcvbn scores: its
	// matching is quadratic in the length, and authentik scores 72 too.
	ScoredLength = 72
	// BlocklistSize is how many of the most common passwords are refused.
	// The ranked list shipped in zxcvbn-go (frequency.Lists["Passwords"])
	// holds 7,141, so today all of them are.
	BlocklistSize = 10000
)

// DefaultSymbols is the default symbol_charset: ASCII punctuation and space.
const DefaultSymbols = " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// Config configures a password policy.
type Config struct {
	// PasswordField is the prompt field (or context key) holding the password.
	PasswordField string `json:"password_field"`
	// LengthMin is the least number of characters.
	LengthMin int `json:"length_min"`
	// AmountDigits, AmountUppercase, AmountLowercase and AmountSymbols are
	// the least numbers of characters of each class.
	AmountDigits    int `json:"amount_digits"`
	AmountUppercase int `json:"amount_uppercase"`
	AmountLowercase int `json:"amount_lowercase"`
	AmountSymbols   int `json:"amount_symbols"`
	// SymbolCharset lists the characters that count as symbols.
	SymbolCharset string `json:"symbol_charset"`
	// CheckBlocklist refuses the most common passwords (case-insensitive).
	CheckBlocklist bool `json:"check_blocklist"`
	// CheckZxcvbn refuses passwords whose zxcvbn score is below
	// ZxcvbnMinScore.
	CheckZxcvbn    bool `json:"check_zxcvbn"`
	ZxcvbnMinScore int  `json:"zxcvbn_min_score"`
	// ErrorMessage, when set, is the only message of a failure.
	ErrorMessage string `json:"error_message"`
}

// NewConfig returns a config holding the defaults.
func NewConfig() *Config {
	return &Config{
		PasswordField:  "password",
		LengthMin:      8,
		SymbolCharset:  DefaultSymbols,
		CheckBlocklist: true,
		CheckZxcvbn:    true,
		ZxcvbnMinScore: 3,
	}
}

// PolicyKind implements policy.Config.
func (*Config) PolicyKind() string { return Kind }

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	if c.PasswordField == "" || len(c.PasswordField) > 100 {
		return problem.Invalid("password_field", "must be 1 to 100 characters")
	}
	if c.LengthMin < 1 || c.LengthMin > MaxLength {
		return problem.Invalid("length_min", "must be between 1 and %d", MaxLength)
	}
	for _, a := range []struct {
		field string
		v     int
	}{
		{"amount_digits", c.AmountDigits},
		{"amount_uppercase", c.AmountUppercase},
		{"amount_lowercase", c.AmountLowercase},
		{"amount_symbols", c.AmountSymbols},
	} {
		if a.v < 0 || a.v > MaxLength {
			return problem.Invalid(a.field, "must be between 0 and %d", MaxLength)
		}
	}
	if c.AmountSymbols > 0 && c.SymbolCharset == "" {
		return problem.Invalid("symbol_charset", "must not be empty when amount_symbols is set")
	}
	if utf8.RuneCountInString(c.SymbolCharset) > MaxMessageLength {
		return problem.Invalid("symbol_charset", "must be at most %d characters", MaxMessageLength)
	}
	if c.ZxcvbnMinScore < 0 || c.ZxcvbnMinScore > MaxScore {
		return problem.Invalid("zxcvbn_min_score", "must be between 0 and %d", MaxScore)
	}
	if utf8.RuneCountInString(c.ErrorMessage) > MaxMessageLength {
		return problem.Invalid("error_message", "must be at most %d characters", MaxMessageLength)
	}
	return nil
}

// Evaluator is a password policy's evaluator; safe for concurrent use.
type Evaluator struct {
	cfg Config
}

// New returns the evaluator of a validated cfg.
func New(cfg *Config) *Evaluator { return &Evaluator{cfg: *cfg} }

// MessageMissing is the message when the request carries no password.
const MessageMissing = "No password was entered."

// Evaluate implements policy.Evaluator. It never returns an error: every
// problem with the password is a failing Outcome. It does not block, so it
// ignores ctx.
func (e *Evaluator) Evaluate(_ context.Context, req *policy.Request) (policy.Outcome, error) {
	prompt, _ := req.Context["prompt_data"].(map[string]any)
	pw, ok := prompt[e.cfg.PasswordField].(string)
	if !ok {
		pw, ok = req.Context[e.cfg.PasswordField].(string)
	}
	if !ok || pw == "" {
		return e.fail([]string{MessageMissing}), nil
	}
	msgs := e.check(pw, userInputs(req, prompt))
	if len(msgs) > 0 {
		return e.fail(msgs), nil
	}
	return policy.Outcome{Passing: true}, nil
}

func (e *Evaluator) fail(msgs []string) policy.Outcome {
	if e.cfg.ErrorMessage != "" {
		msgs = []string{e.cfg.ErrorMessage}
	}
	return policy.Outcome{Messages: msgs}
}

// check returns a message for every rule pw breaks.
func (e *Evaluator) check(pw string, inputs []string) []string {
	var msgs []string
	if n := utf8.RuneCountInString(pw); n < e.cfg.LengthMin {
		msgs = append(msgs, fmt.Sprintf("The password needs at least %s.", plural(e.cfg.LengthMin, "character")))
	}
	var digits, upper, lower, symbols int
	for _, r := range pw {
		switch {
		case unicode.IsDigit(r):
			digits++
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r):
			lower++
		}
		if strings.ContainsRune(e.cfg.SymbolCharset, r) {
			symbols++
		}
	}
	for _, rule := range []struct {
		have, want int
		what       string
	}{
		{digits, e.cfg.AmountDigits, "digit"},
		{upper, e.cfg.AmountUppercase, "uppercase letter"},
		{lower, e.cfg.AmountLowercase, "lowercase letter"},
	} {
		if rule.have < rule.want {
			msgs = append(msgs, fmt.Sprintf("The password needs at least %s.", plural(rule.want, rule.what)))
		}
	}
	if symbols < e.cfg.AmountSymbols {
		msgs = append(msgs, fmt.Sprintf("The password needs at least %s (one of %s).",
			plural(e.cfg.AmountSymbols, "symbol"), strings.TrimSpace(e.cfg.SymbolCharset)))
	}
	if e.cfg.CheckBlocklist {
		if _, common := blocklist()[strings.ToLower(pw)]; common {
			msgs = append(msgs, "Choose another password: this password is too common.")
		}
	}
	if e.cfg.CheckZxcvbn {
		scored := pw
		if utf8.RuneCountInString(scored) > ScoredLength {
			scored = string([]rune(scored)[:ScoredLength])
		}
		res := zxcvbn.PasswordStrength(scored, inputs)
		if res.Score < e.cfg.ZxcvbnMinScore {
			msgs = append(msgs, "The password is too easy to guess: "+feedback(res.MatchSequence)+".")
		}
	}
	return msgs
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// userInputs are the words zxcvbn should treat as known to an attacker:
// the user's and the prompt's username, name and email.
func userInputs(req *policy.Request, prompt map[string]any) []string {
	var inputs []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			inputs = append(inputs, s)
			if local, _, ok := strings.Cut(s, "@"); ok && local != "" {
				inputs = append(inputs, local)
			}
		}
	}
	if u := req.User; u != nil {
		add(u.Username)
		add(u.Name)
		add(u.Email)
	}
	for _, k := range []string{"username", "name", "email"} {
		if s, ok := prompt[k].(string); ok {
			add(s)
		}
	}
	return inputs
}

// blocklist is the set of the BlocklistSize most common passwords, lower
// case, built on first use.
var blocklist = sync.OnceValue(func() map[string]struct{} {
	list := frequency.Lists["Passwords"].List
	list = list[:min(len(list), BlocklistSize)]
	set := make(map[string]struct{}, len(list))
	for _, p := range list {
		set[strings.ToLower(p)] = struct{}{}
	}
	return set
})

// feedback explains, in words, the weakest pattern zxcvbn found; it never
// quotes the password.
func feedback(seq []match.Match) string {
	found := map[string]bool{}
	for _, m := range seq {
		key := m.Pattern
		if m.Pattern == "dictionary" {
			name, _, _ := strings.Cut(m.DictionaryName, "_3117") // l33t variants
			switch name {
			case "user_inputs", "Passwords":
				key = name
			default:
				key = "words"
			}
		}
		found[key] = true
	}
	for _, h := range []struct{ key, text string }{
		{"user_inputs", "it contains your name, username or email"},
		{"Passwords", "it is based on a common password"},
		{"words", "it is based on common words or names"},
		{"spatial", "it follows a keyboard pattern"},
		{"sequence", "it contains a sequence such as abc or 123"},
		{"repeat", "it repeats characters"},
		{"date", "it contains a date"},
	} {
		if found[h.key] {
			return h.text
		}
	}
	return "add more words or characters"
}
