package redirecturi

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/problem"
)

// MaxLength is the longest URL or pattern, in bytes, a Rule may hold.
const MaxLength = 2000

// MaxRules is the most rules ValidateAll accepts in one list.
const MaxRules = 100

// Rule is one registered redirect URI: a URL (strict) or a pattern
// (regex), as an OAuth2 provider stores it.
type Rule = enum.RedirectURI

// The matching modes.
const (
	// ModeStrict matches the registered URL byte for byte.
	ModeStrict = enum.RedirectURIMatchingModeStrict
	// ModeRegex matches the registered pattern, anchored, against the whole URI.
	ModeRegex = enum.RedirectURIMatchingModeRegex
)

// Validate checks r for registration (see the package documentation for
// the rules). It returns nil or a *problem.FieldError whose field is "url"
// or "matching_mode"; ValidateAll prefixes it with the rule's position.
func Validate(r Rule) error {
	if _, err := compile(r); err != nil {
		return err
	}
	return nil
}

// ValidateAll checks a list of rules for registration: at most MaxRules,
// each valid (Rule.Validate), none repeated. field is the input field that
// holds the list ("redirect_uris", "post_logout_redirect_uris"); it returns
// nil or a *problem.FieldError for field, or for "<field>.<i>.url" and
// "<field>.<i>.matching_mode" when rule i is at fault. An empty list is
// valid.
func ValidateAll(field string, rules []Rule) error {
	if len(rules) > MaxRules {
		return problem.Invalid(field, "must have at most %d redirect URIs", MaxRules)
	}
	for i, r := range rules {
		at := field + "." + strconv.Itoa(i)
		if err := Validate(r); err != nil {
			if fe, ok := errors.AsType[*problem.FieldError](err); ok {
				return fe.Prefix(at)
			}
			return err
		}
		if j := slices.Index(rules[:i], r); j >= 0 {
			return problem.Invalid(at+".url", "repeats redirect URI %d", j)
		}
	}
	return nil
}

// compiled is a Rule ready to match: exactly one of strict and re is set.
type compiled struct {
	strict string
	re     *regexp.Regexp
}

// compile validates r and prepares it for matching.
func compile(r Rule) (compiled, *problem.FieldError) {
	switch r.MatchingMode {
	case ModeStrict:
		if msg := checkURL(r.URL); msg != "" {
			return compiled{}, problem.Invalid("url", "%s", msg)
		}
		return compiled{strict: r.URL}, nil
	case ModeRegex:
		re, msg := compilePattern(r.URL)
		if msg != "" {
			return compiled{}, problem.Invalid("url", "%s", msg)
		}
		return compiled{re: re}, nil
	default:
		return compiled{}, problem.Invalid("matching_mode", "must be STRICT or REGEX")
	}
}

// compilePattern compiles a REGEX rule's pattern anchored. It returns the
// reason the pattern is refused, or "".
func compilePattern(pattern string) (*regexp.Regexp, string) {
	if pattern == "" {
		return nil, "must not be empty"
	}
	if len(pattern) > MaxLength {
		return nil, fmt.Sprintf("must be at most %d bytes", MaxLength)
	}
	// Compile the pattern alone first: a pattern that compiles on its own
	// has balanced groups, so the wrapper below cannot be escaped by an
	// admin's "a)|(b" turning ^(?:a)|(b)$ into an unanchored alternation.
	if _, err := regexp.Compile(pattern); err != nil {
		return nil, "is not a valid regular expression: " + err.Error()
	}
	re, err := regexp.Compile("^(?:" + pattern + ")$")
	if err != nil {
		return nil, "is not a valid regular expression: " + err.Error()
	}
	if re.MatchString("") {
		return nil, "must not match the empty string"
	}
	return re, ""
}

// dangerousSchemes run code or read local data in the browser; no rule may
// name them, and no REGEX rule matches them.
var dangerousSchemes = []string{"javascript", "data", "file", "vbscript"}

// checkURL returns why s may not be a STRICT redirect URI, or "". A REGEX
// rule matches only URIs for which it returns "".
func checkURL(s string) string {
	if s == "" {
		return "must not be empty"
	}
	if len(s) > MaxLength {
		return fmt.Sprintf("must be at most %d bytes", MaxLength)
	}
	if i := strings.IndexFunc(s, func(c rune) bool { return !isURIChar(c) }); i >= 0 {
		bad := s[i : i+1] // an invalid UTF-8 byte is shown as itself
		if c, size := utf8.DecodeRuneInString(s[i:]); c != utf8.RuneError {
			bad = s[i : i+size]
		}
		return fmt.Sprintf("must not contain %q: only characters RFC 3986 allows in a URI may appear (percent-encode others; write international host names in punycode)", bad)
	}
	if strings.Contains(s, "#") {
		return "must not contain a fragment (#)"
	}
	u, err := url.Parse(s)
	if err != nil {
		return "is not a valid URL"
	}
	if u.Scheme == "" {
		return "must be an absolute URL with a scheme (https://…)"
	}
	if slices.Contains(dangerousSchemes, u.Scheme) {
		return fmt.Sprintf("must not use the %s: scheme", u.Scheme)
	}
	if u.Scheme != "https" && u.Scheme != "http" && !strings.Contains(u.Scheme, ".") {
		return "must use https, http, or a private-use scheme containing a period such as com.example.app (RFC 8252 §7.1)"
	}
	if u.User != nil {
		return "must not contain user information (user@ or user:password@)"
	}
	if (u.Scheme == "https" || u.Scheme == "http") && u.Host == "" {
		return "must have a host (https://host/…)"
	}
	if u.Host == "" && u.Opaque == "" && u.Path == "" {
		return "must have a path after the scheme (com.example.app:/callback)"
	}
	return ""
}

// isURIChar reports whether c may appear in a URI (RFC 3986 §2: unreserved,
// reserved and '%' of a percent-encoding).
func isURIChar(c rune) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	default:
		return strings.ContainsRune("-._~:/?#[]@!$&'()*+,;=%", c)
	}
}
