// Package emailkey defines the normalised form of an email address under
// which Gatehouse keeps addresses unique and looks them up: the users
// table's email_key column, the prompt stage's "taken" check and the
// identification stage's email match all use Of, so a variant of an
// address in letter case or Unicode composition names the same account.
package emailkey

import (
	"strings"

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
