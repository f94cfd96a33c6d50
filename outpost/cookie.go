package outpost

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
)

var (
	errBadExternalHost = errors.New("external host is not an absolute http(s) URL")
	errNoCookieSecret  = errors.New("no cookie secret")
	errOpen            = errors.New("cookie cannot be opened")
)

// box seals cookie values with AES-256-GCM under a key derived with
// HKDF-SHA256 from the outpost's cookie secret, a purpose and the provider
// ID: a cookie of one provider (or one outpost) does not open at another.
// (Package seal does the same for the core; the outpost cannot import it.)
type box struct {
	aead cipher.AEAD
}

// newBox returns the box for purpose at providerID under secret.
func newBox(secret, purpose, providerID string) (*box, error) {
	if secret == "" {
		return nil, errNoCookieSecret
	}
	k, err := hkdf.Key(sha256.New, []byte(secret), nil, purpose+"\x00"+providerID, 32)
	if err != nil {
		return nil, fmt.Errorf("derive cookie key: %w", err)
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, fmt.Errorf("cookie cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("cookie cipher: %w", err)
	}
	return &box{aead: aead}, nil
}

// seal encodes v as JSON, seals it bound to name, and returns it as
// unpadded base64url (a valid cookie value).
func (b *box) seal(name string, v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode cookie: %w", err)
	}
	ns := b.aead.NonceSize()
	nonce := make([]byte, ns, ns+len(plain)+b.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("cookie nonce: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b.aead.Seal(nonce, nonce, plain, []byte(name))), nil
}

// open reverses seal into v; errOpen for anything not sealed by this box
// under name.
func (b *box) open(name, value string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(value)
	ns := b.aead.NonceSize()
	if err != nil || len(raw) < ns+b.aead.Overhead() {
		return errOpen
	}
	plain, err := b.aead.Open(nil, raw[:ns], raw[ns:], []byte(name))
	if err != nil {
		return errOpen
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return errOpen
	}
	return nil
}

// sessionCookie is the content of an outpost session cookie.
type sessionCookie struct {
	// Provider is the provider's ID (the key binds it too; checked again).
	Provider string `json:"p"`
	// SID is the login's sid claim.
	SID string `json:"s"`
	// Expires is when the cookie stops being accepted (Unix seconds).
	Expires int64 `json:"e"`
	// RefreshToken and AccessToken are the login's tokens; AccessExpires
	// when the access token runs out (Unix seconds, 0 = unknown).
	RefreshToken  string `json:"r,omitempty"`
	AccessToken   string `json:"a,omitempty"`
	AccessExpires int64  `json:"ae,omitempty"`
}

// flowCookie is the content of the short-lived sign-in cookie.
type flowCookie struct {
	Provider string `json:"p"`
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Redirect string `json:"rd"`
	Expires  int64  `json:"e"`
}

// cleanPath percent-decodes an escaped URL path and cleans it (dot
// segments, repeated slashes); a trailing slash is kept. ok is false for a
// path that does not decode or holds a NUL byte.
func cleanPath(escaped string) (string, bool) {
	p, err := url.PathUnescape(escaped)
	if err != nil || strings.ContainsRune(p, 0) {
		return "", false
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean, true
}
