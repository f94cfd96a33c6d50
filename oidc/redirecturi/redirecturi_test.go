package redirecturi_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/oidc/redirecturi"
	"github.com/gatehouse-id/gatehouse/problem"
)

func strict(u string) redirecturi.Rule {
	return redirecturi.Rule{URL: u, MatchingMode: redirecturi.ModeStrict}
}

func regex(p string) redirecturi.Rule {
	return redirecturi.Rule{URL: p, MatchingMode: redirecturi.ModeRegex}
}

// requireMatch checks Match and a Matcher built from the same rules agree
// with want.
func requireMatch(t *testing.T, rules []redirecturi.Rule, uri string, want bool) {
	t.Helper()
	require.Equal(t, want, redirecturi.Match(rules, uri), "Match(%q)", uri)
	m, err := redirecturi.NewMatcher(rules)
	require.NoError(t, err)
	require.Equal(t, want, m.Match(uri), "Matcher.Match(%q)", uri)
}

func TestMatchStrict(t *testing.T) {
	t.Parallel()

	rules := []redirecturi.Rule{strict("https://app.example.com/callback")}

	tests := []struct {
		name string
		uri  string
		want bool
	}{
		{"exact", "https://app.example.com/callback", true},
		{"scheme case", "HTTPS://app.example.com/callback", false},
		{"host case", "https://APP.example.com/callback", false},
		{"trailing slash", "https://app.example.com/callback/", false},
		{"longer path", "https://app.example.com/callback/extra", false},
		{"query", "https://app.example.com/callback?x=1", false},
		{"empty query", "https://app.example.com/callback?", false},
		{"fragment", "https://app.example.com/callback#frag", false},
		{"empty fragment", "https://app.example.com/callback#", false},
		{"userinfo", "https://user@app.example.com/callback", false},
		{"default port", "https://app.example.com:443/callback", false},
		{"other port", "https://app.example.com:8443/callback", false},
		{"http", "http://app.example.com/callback", false},
		{"percent-encoded letter", "https://app.example.com/%63allback", false},
		{"punycode lookalike", "https://xn--pp-7ka.example.com/callback", false},
		{"cyrillic a", "https://\u0430pp.example.com/callback", false},
		{"host suffix", "https://app.example.com.evil.com/callback", false},
		{"trailing NUL", "https://app.example.com/callback\x00", false},
		{"trailing newline", "https://app.example.com/callback\n", false},
		{"leading space", " https://app.example.com/callback", false},
		{"prefix", "https://app.example.com/", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			requireMatch(t, rules, tt.uri, tt.want)
		})
	}
}

func TestMatchLoopback(t *testing.T) {
	t.Parallel()

	rules := []redirecturi.Rule{strict("http://127.0.0.1:8080/cb")}

	tests := []struct {
		name string
		uri  string
		want bool
	}{
		{"exact", "http://127.0.0.1:8080/cb", true},
		{"other port", "http://127.0.0.1:8081/cb", false},
		{"no port", "http://127.0.0.1/cb", false},
		{"localhost", "http://localhost:8080/cb", false},
		{"ipv6 loopback", "http://[::1]:8080/cb", false},
		{"https", "https://127.0.0.1:8080/cb", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			requireMatch(t, rules, tt.uri, tt.want)
		})
	}
}

func TestMatchRegex(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		pattern string
		uri     string
		want    bool
	}{
		{"subdomain", `https://[a-z]+\.example\.com/cb`, "https://a.example.com/cb", true},
		{"other subdomain", `https://[a-z]+\.example\.com/cb`, "https://login.example.com/cb", true},
		{"host suffix", `https://[a-z]+\.example\.com/cb`, "https://a.example.com/cb.evil.com", false},
		{"in attacker query", `https://[a-z]+\.example\.com/cb`, "https://evil.com/?https://a.example.com/cb", false},
		{"fragment", `https://[a-z]+\.example\.com/cb`, "https://a.example.com/cb#frag", false},
		{"path suffix", `https://[a-z]+\.example\.com/cb`, "https://a.example.com/cb/extra", false},
		{"evil host", `https://[a-z]+\.example\.com/cb`, "https://evil.com/cb", false},

		// An admin's unanchored pattern is anchored all the same.
		{"unanchored exact", `https://app\.example\.com/cb`, "https://app.example.com/cb", true},
		{"unanchored prefix", `https://app\.example\.com/cb`, "https://app.example.com/cb/../../evil", false},
		{"unanchored suffix", `https://app\.example\.com/cb`, "xhttps://app.example.com/cb", false},
		{"unanchored inside", `https://app\.example\.com/cb`, "https://evil.com/?https://app.example.com/cb", false},
		{"pattern without scheme", `app\.example\.com/cb`, "https://app.example.com/cb", false},
		{"alternation", `https://a\.example\.com/cb|https://b\.example\.com/cb`, "https://b.example.com/cb", true},
		{"alternation suffix", `https://a\.example\.com/cb|https://b\.example\.com/cb`, "https://a.example.com/cb.evil.com", false},
		{"alternation prefix", `https://a\.example\.com/cb|https://b\.example\.com/cb`, "https://evil.com/https://b.example.com/cb", false},
		{"explicit anchors", `^https://app\.example\.com/cb$`, "https://app.example.com/cb", true},
		{"case-insensitive flag", `(?i)https://app\.example\.com/cb`, "https://APP.example.com/cb", true},
		{"case-insensitive flag prefix", `(?i)https://app\.example\.com/cb`, "https://APP.example.com/cb/x", false},

		// A broad pattern still never matches what no STRICT rule could hold.
		{"broad ok", `https://[^/]+/.*`, "https://a.example.com/cb?x=1", true},
		{"broad fragment", `https://[^/]+/.*`, "https://a.example.com/cb#x", false},
		{"broad userinfo", `https://[^/]+/.*`, "https://evil.com@a.example.com/cb", false},
		{"broad userinfo with password", `https://[^/]+/.*`, "https://u:p@a.example.com/cb", false},
		{"broad space", `https://[^/]+/.*`, "https://a.example.com/c b", false},
		{"broad NUL", `https://[^/]+/.*`, "https://a.example.com/cb\x00", false},
		{"broad backslash", `https://[^/]+/.*`, `https://evil.com\.example.com/cb`, false},
		{"broad cyrillic", `https://[^/]+/.*`, "https://\u0430pp.example.com/cb", false},
		{"javascript", `[a-z]+:.+`, "javascript:alert(1)", false},
		{"javascript upper", `(?i)[a-z]+:.+`, "JAVASCRIPT:alert(1)", false},
		{"data", `[a-z]+:.+`, "data:text/html,x", false},
		{"file", `[a-z]+:.+`, "file:///etc/passwd", false},
		{"vbscript", `[a-z]+:.+`, "vbscript:msgbox(1)", false},
		{"not absolute", `.*/cb`, "//a.example.com/cb", false},
		{"private-use scheme", `com\.example\.app:/.+`, "com.example.app:/callback", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			requireMatch(t, []redirecturi.Rule{regex(tt.pattern)}, tt.uri, tt.want)
		})
	}
}

func TestMatchFailsClosed(t *testing.T) {
	t.Parallel()

	t.Run("InvalidRuleMatchesNothing", func(t *testing.T) {
		t.Parallel()

		rules := []redirecturi.Rule{strict("https://app.example.com/cb"), regex(`https://a\.example\.com/cb)|(.*`)}
		_, err := redirecturi.NewMatcher(rules)
		require.Error(t, err)
		require.False(t, redirecturi.Match(rules, "https://app.example.com/cb"))
		require.False(t, redirecturi.Match(rules, "https://evil.com/"))
	})

	t.Run("InvalidStrictRuleNeverMatchesItself", func(t *testing.T) {
		t.Parallel()

		for _, u := range []string{"javascript:alert(1)", "https://app.example.com/cb#x", "/cb", ""} {
			require.False(t, redirecturi.Match([]redirecturi.Rule{strict(u)}, u), u)
		}
	})

	t.Run("UnknownMode", func(t *testing.T) {
		t.Parallel()

		rules := []redirecturi.Rule{{URL: "https://app.example.com/cb", MatchingMode: "STRICT"}}
		_, err := redirecturi.NewMatcher(rules)
		require.Error(t, err)
		require.False(t, redirecturi.Match(rules, "https://app.example.com/cb"))
	})

	t.Run("NoRules", func(t *testing.T) {
		t.Parallel()

		require.False(t, redirecturi.Match(nil, "https://app.example.com/cb"))
		var m *redirecturi.Matcher
		require.False(t, m.Match("https://app.example.com/cb"))
	})
}

func TestValidate(t *testing.T) {
	t.Parallel()

	long := "https://app.example.com/" + strings.Repeat("a", redirecturi.MaxLength)

	tests := []struct {
		name  string
		rule  redirecturi.Rule
		field string // "" when the rule is valid
	}{
		{"https", strict("https://app.example.com/callback"), ""},
		{"https with query", strict("https://app.example.com/callback?tenant=1"), ""},
		{"https with port", strict("https://app.example.com:8443/callback"), ""},
		{"https no path", strict("https://app.example.com"), ""},
		{"http any host", strict("http://app.example.com/callback"), ""},
		{"http loopback", strict("http://127.0.0.1:8080/cb"), ""},
		{"http ipv6 loopback", strict("http://[::1]:8080/cb"), ""},
		{"private-use scheme", strict("com.example.app:/callback"), ""},
		{"private-use scheme with authority", strict("com.example.app://callback"), ""},
		{"percent-encoding", strict("https://app.example.com/a%20b"), ""},
		{"at most MaxLength", strict(long[:redirecturi.MaxLength]), ""},

		{"empty", strict(""), "url"},
		{"too long", strict(long), "url"},
		{"relative path", strict("/callback"), "url"},
		{"scheme-relative", strict("//app.example.com/callback"), "url"},
		{"no scheme", strict("app.example.com/callback"), "url"},
		{"fragment", strict("https://app.example.com/callback#x"), "url"},
		{"empty fragment", strict("https://app.example.com/callback#"), "url"},
		{"user", strict("https://user@app.example.com/callback"), "url"},
		{"user and password", strict("https://user:pass@app.example.com/callback"), "url"},
		{"empty userinfo", strict("https://@app.example.com/callback"), "url"},
		{"private-use userinfo", strict("com.example.app://user@host/cb"), "url"},
		{"space", strict("https://app.example.com/call back"), "url"},
		{"leading space", strict(" https://app.example.com/callback"), "url"},
		{"tab", strict("https://app.example.com/\tcallback"), "url"},
		{"newline", strict("https://app.example.com/callback\n"), "url"},
		{"NUL", strict("https://app.example.com/callback\x00"), "url"},
		{"DEL", strict("https://app.example.com/callback\x7f"), "url"},
		{"backslash", strict(`https://app.example.com\callback`), "url"},
		{"non-ASCII host", strict("https://\u0430pp.example.com/callback"), "url"},
		{"invalid UTF-8", strict("https://app.example.com/\xff"), "url"},
		{"bad escape", strict("https://app.example.com/%zz"), "url"},
		{"bad port", strict("https://app.example.com:port/callback"), "url"},
		{"javascript", strict("javascript:alert(1)"), "url"},
		{"javascript upper case", strict("JavaScript:alert(1)"), "url"},
		{"javascript comment", strict("javascript://app.example.com/%0aalert(1)"), "url"},
		{"data", strict("data:text/html,hi"), "url"},
		{"file", strict("file:///etc/passwd"), "url"},
		{"vbscript", strict("vbscript:msgbox(1)"), "url"},
		{"ftp", strict("ftp://app.example.com/callback"), "url"},
		{"custom scheme without period", strict("myapp://callback"), "url"},
		{"https without host", strict("https:///callback"), "url"},
		{"https opaque", strict("https:app.example.com/callback"), "url"},
		{"private-use scheme only", strict("com.example.app:"), "url"},

		{"regex", regex(`https://[a-z]+\.example\.com/cb`), ""},
		{"regex anchored already", regex(`^https://app\.example\.com/cb$`), ""},
		{"regex empty", regex(""), "url"},
		{"regex does not compile", regex(`https://(app\.example\.com/cb`), "url"},
		{"regex escapes anchoring", regex(`https://a\.example\.com/cb)|(.*`), "url"},
		{"regex unterminated quote", regex(`https://a\.example\.com/cb\Q`), "url"},
		{"regex matches empty", regex(`.*`), "url"},
		{"regex optional", regex(`(https://a\.example\.com/cb)?`), "url"},
		{"regex empty alternative", regex(`https://a\.example\.com/cb|`), "url"},
		{"regex too long", regex("https://" + strings.Repeat("a", redirecturi.MaxLength)), "url"},

		{"mode empty", redirecturi.Rule{URL: "https://app.example.com/cb"}, "matching_mode"},
		{"mode in its GraphQL spelling", redirecturi.Rule{URL: "https://app.example.com/cb", MatchingMode: "STRICT"}, "matching_mode"},
		{"mode unknown", redirecturi.Rule{URL: "https://app.example.com/cb", MatchingMode: "PREFIX"}, "matching_mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			err := redirecturi.Validate(tt.rule)
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			var fe *problem.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tt.field, fe.Field)
			require.NotEmpty(t, fe.Message)
		})
	}
}

func TestValidateAll(t *testing.T) {
	t.Parallel()

	many := func(n int) []redirecturi.Rule {
		rules := make([]redirecturi.Rule, n)
		for i := range rules {
			rules[i] = strict("https://app.example.com/cb/" + strconv.Itoa(i))
		}
		return rules
	}

	tests := []struct {
		name  string
		rules []redirecturi.Rule
		field string // "" when the list is valid
	}{
		{"none", nil, ""},
		{"one", many(1), ""},
		{"MaxRules", many(redirecturi.MaxRules), ""},
		{"same URL in both modes", []redirecturi.Rule{strict("https://app.example.com/cb"), regex("https://app.example.com/cb")}, ""},
		{"too many", many(redirecturi.MaxRules + 1), "redirect_uris"},
		{"duplicate", []redirecturi.Rule{strict("https://a.example.com/cb"), strict("https://b.example.com/cb"), strict("https://a.example.com/cb")}, "redirect_uris.2.url"},
		{"invalid URL", []redirecturi.Rule{strict("https://a.example.com/cb"), strict("javascript:alert(1)")}, "redirect_uris.1.url"},
		{"invalid mode", []redirecturi.Rule{{URL: "https://a.example.com/cb"}}, "redirect_uris.0.matching_mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			err := redirecturi.ValidateAll("redirect_uris", tt.rules)
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			var fe *problem.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tt.field, fe.Field)
		})
	}
}

func TestRuleJSON(t *testing.T) {
	t.Parallel()

	rule := regex(`https://[a-z]+\.example\.com/cb`)
	b, err := json.Marshal(rule)
	require.NoError(t, err)
	require.JSONEq(t, `{"url":"https://[a-z]+\\.example\\.com/cb","matching_mode":"regex"}`, string(b))

	var got redirecturi.Rule
	require.NoError(t, json.Unmarshal(b, &got))
	require.Equal(t, rule, got)
}

func FuzzMatchStrictIsExact(f *testing.F) {
	const registered = "https://app.example.com/callback"
	for _, seed := range [][2]string{
		{registered, registered},
		{registered, "https://app.example.com/callback/"},
		{registered, "HTTPS://app.example.com/callback"},
		{registered, "https://app.example.com/callback#x"},
		{"http://127.0.0.1:8080/cb", "http://127.0.0.1:8081/cb"},
		{"com.example.app:/callback", "com.example.app:/callback"},
		{"javascript:alert(1)", "javascript:alert(1)"},
		{"", ""},
		{"https://app.example.com/callback\x00", "https://app.example.com/callback\x00"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, rule, uri string) {
		// With a fixed valid rule: true iff uri is that exact string.
		require.Equal(t, uri == registered, redirecturi.Match([]redirecturi.Rule{strict(registered)}, uri))

		// With any rule: true iff uri is that exact string and the rule
		// is one that registration accepts.
		r := strict(rule)
		want := uri == rule && redirecturi.Validate(r) == nil
		require.Equal(t, want, redirecturi.Match([]redirecturi.Rule{r}, uri))
	})
}
