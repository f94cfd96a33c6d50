package credential

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// TokenPrefix starts every secret Gatehouse generates, so secret scanners
// can recognise a leaked one.
const TokenPrefix = "gth_"

// NewTokenSecret returns a new random token secret: TokenPrefix followed by
// 256 random bits, URL-safe.
func NewTokenSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("read random token: %w", err)
	}
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// HashTokenSecret returns what is stored for secret: hex SHA-256. Secrets
// are high-entropy, so a fast hash is enough and lookups stay indexable.
func HashTokenSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
