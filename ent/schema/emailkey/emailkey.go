// Package emailkey is what Gatehouse knows of email addresses: the form
// it accepts (Valid), the form it shows without revealing an address
// (Mask), and the normalised form under which it keeps addresses unique
// and looks them up: the users table's email_key column, the prompt
// stage's "taken" check and the identification stage's email match all
// use Of, so a variant of an address in letter case or Unicode composition
// names the same account.
package emailkey

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Of returns the key of address: lower-cased (Unicode simple case mapping,
// strings.ToLower) and in Unicode normalisation form C, so "Émile@X.org"
// typed with a combining accent and "émile@x.org" share one key. Nothing
// else is changed: no trimming (stored addresses cannot hold whitespace,
// and identifiers are trimmed before lookup), no provider-specific rules
// such as dropping dots or "+tags". Of("") is "": no address, no key.
//
// For an address of ASCII characters only the key is the address with
// A-Z lowered, which is what the user_email_key migration computes in SQL.
func Of(address string) string {
	if address == "" {
		return ""
	}
	return norm.NFC.String(strings.ToLower(address))
}

// MaxLength is the longest address accepted, in bytes (RFC 5321's limit
// on a forward path, less the angle brackets).
const MaxLength = 254

// Valid reports whether address is a single address local@domain of at
// most MaxLength bytes, with no display name, spaces or control
// characters: what the user schema stores.
func Valid(address string) bool {
	at := strings.LastIndexByte(address, '@')
	return len(address) <= MaxLength && at > 0 && at < len(address)-1 &&
		!strings.ContainsAny(address, " \t\r\n<>,;\"") &&
		strings.IndexFunc(address, unicode.IsControl) < 0
}

// Mask shows an address without revealing it: its first character, then
// "***@" and the domain ("a***@example.com").
func Mask(address string) string {
	local, domain, _ := strings.Cut(strings.TrimSpace(address), "@")
	first := ""
	for _, r := range local {
		first = string(r)
		break
	}
	return first + "***@" + domain
}
