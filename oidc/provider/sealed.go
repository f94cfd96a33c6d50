package provider

import (
	"strings"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// The library seals two things with its Crypto: an authorization
// request's ID (the code) and an access token's "tokenID:subject" (the
// bearer token), which userinfo, introspection and revocation decrypt and
// split on ':' — expecting exactly two parts. A subject may hold ':' (the
// USERNAME and EMAIL subject modes show a username or address, and
// usernames may contain any printable character), which made such a
// user's access token unreadable: userinfo and introspection refused it,
// and revocation silently revoked nothing.
//
// The sealed value therefore carries only the ID: the token's row knows
// its user, and this package's storage never reads the subject the
// library passes back. The IDs are this package's random IDs (URL-safe
// base64, never ':').

// sealedSubject stands for the subject in what tokenCrypto decrypts. It
// is not empty: the library's revocation passes the subject on, and
// RevokeToken tells an access token's ID (subject set) from a refresh
// token (none) by it.
const sealedSubject = "-"

// tokenCrypto is the library's Crypto, sealing IDs only. Only AES-256-GCM
// (authenticated) is accepted: the library's default also tries its
// unauthenticated AES-CFB format, which turns any string into some
// "ID:subject".
type tokenCrypto struct{ aead op.Crypto }

var _ op.Crypto = tokenCrypto{}

// newTokenCrypto seals under key (the library's AES-256-GCM format, so
// tokens sealed before this type existed still open).
func newTokenCrypto(key [32]byte) tokenCrypto {
	return tokenCrypto{aead: op.NewAES256GCMCrypto(key, "")}
}

// Encrypt seals the ID s starts with: a request ID, or the token ID of
// "tokenID:subject" (the subject is dropped).
func (c tokenCrypto) Encrypt(s string) (string, error) {
	id, _, _ := strings.Cut(s, ":")
	return c.aead.Encrypt(id)
}

// Decrypt opens a sealed ID and answers "ID:-", the shape the library
// splits. A token sealed with its subject (before this type existed)
// opens the same way.
func (c tokenCrypto) Decrypt(s string) (string, error) {
	plain, err := c.aead.Decrypt(s)
	if err != nil {
		return "", err
	}
	id, _, _ := strings.Cut(plain, ":")
	return id + ":" + sealedSubject, nil
}
