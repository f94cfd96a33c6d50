package notify

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/seal"
)

// SecretPurpose is the seal purpose of webhook secrets: their key is
// derived from GATEHOUSE_SECRET_KEY for this use alone.
const SecretPurpose = "gatehouse webhook secret v1"

// MaxSecretLen is the longest webhook secret accepted, in characters.
const MaxSecretLen = 500

// sealedPrefix starts every stored (sealed) webhook secret; what follows
// is the sealed value, base64url-encoded.
const sealedPrefix = "sealed1:"

// Persisted field names of the transport fields checked at write.
const (
	fieldSecret  = "webhook_secret"
	fieldMapping = "webhook_mapping"
)

// ErrSecretUnreadable is a stored webhook secret that does not open: it
// was sealed under another GATEHOUSE_SECRET_KEY, or for another
// transport, or was changed. Its message is the transport's lastError.
var ErrSecretUnreadable = errors.New("the webhook secret cannot be opened (was GATEHOUSE_SECRET_KEY changed?): set it again")

// Secrets seal webhook secrets for storage and open them to sign calls.
// A sealed secret is bound to its transport's secret_binding (a random ID
// fixed at creation), so it opens for that transport only. It is safe for
// concurrent use.
type Secrets struct {
	box *seal.Box
}

// NewSecrets returns Secrets under keys (the server's secret key); an
// error when keys are nil or have no secret key.
func NewSecrets(keys *seal.Keys) (*Secrets, error) {
	box, err := keys.Box(SecretPurpose)
	if err != nil {
		return nil, fmt.Errorf("webhook secrets: %w", err)
	}
	return &Secrets{box: box}, nil
}

// NewSecretBinding returns a random secret_binding for a new transport
// (128 bits, base32), as the schema's default makes one.
func NewSecretBinding() string { return rand.Text() }

// boundTo is the additional data a transport's secret is sealed with.
func boundTo(binding string) []byte { return []byte("notification_transport:" + binding) }

// Seal returns the stored form of secret for the transport whose
// secret_binding is binding: "" for "", else the sealed value. A secret
// longer than MaxSecretLen or not UTF-8 is a *problem.FieldError on
// webhook_secret.
func (s *Secrets) Seal(binding, secret string) (string, error) {
	if secret == "" {
		return "", nil
	}
	if !utf8.ValidString(secret) || utf8.RuneCountInString(secret) > MaxSecretLen {
		return "", problem.Invalid(fieldSecret, "must be valid text of at most %d characters", MaxSecretLen)
	}
	if binding == "" {
		return "", errors.New("webhook secrets: the transport has no secret binding")
	}
	sealed, err := s.box.Seal([]byte(secret), boundTo(binding))
	if err != nil {
		return "", fmt.Errorf("webhook secrets: %w", err)
	}
	return sealedPrefix + base64.RawURLEncoding.EncodeToString(sealed), nil
}

// Open returns t's webhook secret: "" when none is set, ErrSecretUnreadable
// when the stored value does not open for t.
func (s *Secrets) Open(t *ent.NotificationTransport) (string, error) {
	if t.WebhookSecret == "" {
		return "", nil
	}
	enc, ok := strings.CutPrefix(t.WebhookSecret, sealedPrefix)
	if !ok {
		return "", ErrSecretUnreadable
	}
	sealed, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return "", ErrSecretUnreadable
	}
	plain, err := s.box.Open(sealed, boundTo(t.SecretBinding))
	if err != nil {
		return "", ErrSecretUnreadable
	}
	return string(plain), nil
}

// CheckMapping reports whether source is a webhook mapping Encode can
// use: empty, or a CEL expression over body that compiles to a map with
// string keys. Its error is a *problem.FieldError on webhook_mapping.
func CheckMapping(source string) error {
	if source == "" {
		return nil
	}
	_, err := Mapping(source)
	if fe, ok := errors.AsType[*problem.FieldError](err); ok {
		return problem.Invalid(fieldMapping, "%s", fe.Message)
	}
	if err != nil {
		return problem.Invalid(fieldMapping, "%s", err.Error())
	}
	return nil
}
