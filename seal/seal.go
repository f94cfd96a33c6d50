// Package seal encrypts secrets Gatehouse stores and must read back
// (signing keys, TOTP secrets): AES-256-GCM under a key derived with
// HKDF-SHA256 from the server's secret key (GATEHOUSE_SECRET_KEY) and a
// purpose, so each use has its own key. A sealed value is the random
// nonce followed by the ciphertext; the caller's additional data (a row's
// stable identity) binds it to its place, so it cannot be moved to
// another row.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// ErrOpen is returned by Open for a value that was not sealed by this box
// with this additional data (another secret key, purpose or row), or was
// changed.
var ErrOpen = errors.New("seal: cannot open the sealed value")

// Box seals and opens values for one purpose. It is safe for concurrent
// use.
type Box struct {
	aead cipher.AEAD
}

// New returns the box for purpose (for example "gatehouse totp v1") under
// secretKey.
func New(secretKey, purpose string) (*Box, error) {
	if secretKey == "" {
		return nil, errors.New("seal: no secret key")
	}
	k, err := hkdf.Key(sha256.New, []byte(secretKey), nil, purpose, 32)
	if err != nil {
		return nil, fmt.Errorf("seal: derive key: %w", err)
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts plaintext, authenticating additionalData with it.
func (b *Box) Seal(plaintext, additionalData []byte) ([]byte, error) {
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(plaintext)+b.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal: read random nonce: %w", err)
	}
	return b.aead.Seal(nonce, nonce, plaintext, additionalData), nil
}

// Open decrypts what Seal returned for the same additionalData; anything
// else is ErrOpen.
func (b *Box) Open(sealed, additionalData []byte) ([]byte, error) {
	n := b.aead.NonceSize()
	if len(sealed) < n {
		return nil, ErrOpen
	}
	plain, err := b.aead.Open(nil, sealed[:n], sealed[n:], additionalData)
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// Keys derives a Box per purpose from the server's secret key, for code
// that seals several kinds of secret (stages get one in executor.Deps).
type Keys struct {
	secretKey string
}

// NewKeys returns Keys under secretKey.
func NewKeys(secretKey string) *Keys { return &Keys{secretKey: secretKey} }

// Box returns the box for purpose; an error when k is nil or has no
// secret key.
func (k *Keys) Box(purpose string) (*Box, error) {
	if k == nil {
		return nil, errors.New("seal: no secret key")
	}
	return New(k.secretKey, purpose)
}

// Derive returns a 32-byte key for purpose (HKDF-SHA256 of the secret
// key), for keyed hashes (HMAC-SHA256) of values that are checked but
// never read back, such as recovery codes.
func (k *Keys) Derive(purpose string) ([]byte, error) {
	if k == nil || k.secretKey == "" {
		return nil, errors.New("seal: no secret key")
	}
	key, err := hkdf.Key(sha256.New, []byte(k.secretKey), nil, purpose, 32)
	if err != nil {
		return nil, fmt.Errorf("seal: derive key: %w", err)
	}
	return key, nil
}
