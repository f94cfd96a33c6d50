package redirecturi

import (
	"fmt"
	"slices"
)

// Matcher matches URIs against a fixed list of rules whose patterns are
// compiled once. Build one with NewMatcher; it is immutable and safe for
// concurrent use. A nil *Matcher matches nothing.
type Matcher struct {
	strict []string
	regex  []compiled
}

// NewMatcher checks every rule with Rule.Validate and compiles the REGEX
// rules. It fails, naming the first offending rule, if any rule is invalid:
// rules are validated when saved, so an invalid one means stored data the
// current rules refuse, and a client whose rules are in doubt should match
// nothing rather than something. It does not apply ValidateAll's limits on
// count and duplicates, which are harmless when matching.
func NewMatcher(rules []Rule) (*Matcher, error) {
	m := &Matcher{}
	for i, r := range rules {
		c, err := compile(r)
		if err != nil {
			return nil, fmt.Errorf("redirect URI rule %d: %w", i, err)
		}
		if c.re != nil {
			m.regex = append(m.regex, c)
		} else {
			m.strict = append(m.strict, c.strict)
		}
	}
	return m, nil
}

// Match reports whether uri is allowed by one of the Matcher's rules. A
// STRICT rule matches only a byte-for-byte equal uri. A REGEX rule matches
// only when its anchored pattern matches the whole uri and uri would itself
// be a valid STRICT registration (absolute, no fragment, no user
// information, no dangerous scheme, only URI characters).
func (m *Matcher) Match(uri string) bool {
	if m == nil {
		return false
	}
	if slices.Contains(m.strict, uri) {
		return true
	}
	if len(m.regex) == 0 || checkURL(uri) != "" {
		return false
	}
	for _, c := range m.regex {
		if c.re.MatchString(uri) {
			return true
		}
	}
	return false
}

// Match reports whether uri is allowed by rules, as NewMatcher(rules)
// followed by Matcher.Match would. It returns false for every uri if any
// rule is invalid. It compiles each REGEX rule on every call; callers that
// match often against the same rules should keep a Matcher.
func Match(rules []Rule, uri string) bool {
	m, err := NewMatcher(rules)
	return err == nil && m.Match(uri)
}
