// Package outposts is the core's side of the outposts: proxy providers
// (each with the managed OAuth2 provider its outpost signs users in
// with), outposts and their tokens, the configuration an outpost reads
// (Service.Config, Service.Watch) and the checks of its users' logins
// (Service.Sessions).
//
// An outpost authenticates with a token ("gho_…"): a standalone outpost's
// is random and shown once (only its SHA-256 is stored); the embedded
// outpost's is derived from the server's secret key (EmbeddedToken), so
// every replica knows it without storing it. Secrets an outpost needs
// (its providers' client secrets, its cookie secret) are derived the same
// way, never stored.
package outposts

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gatehouse-id/gatehouse/applications"
	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/outpost"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/oidc/keys"
	"github.com/gatehouse-id/gatehouse/pubsub"
	"github.com/gatehouse-id/gatehouse/session"
)

// TokenPrefix starts every outpost token, so that authentication tells
// them from API tokens.
const TokenPrefix = "gho_"

// EmbeddedName is the name bootstrap gives the embedded outpost.
const EmbeddedName = "Embedded outpost"

// HealthyWithin is how recently an outpost must have used the API to
// count as healthy.
const HealthyWithin = 2 * time.Minute

// touchInterval is how stale an outpost's recorded last use may be before
// authentication records a new one.
const touchInterval = time.Minute

// ErrInvalidToken is returned for a token that is no outpost's.
var ErrInvalidToken = errors.New("invalid outpost token")

// Service is the core's side of the outposts.
type Service struct {
	// Client reads and writes the models.
	Client *ent.Client
	// SecretKey is the server's secret key: client secrets, cookie
	// secrets, subjects and the embedded outpost's token derive from it.
	SecretKey string
	// Issuer is the core's OpenID Connect issuer (its public URL).
	Issuer string
	// Keys check signing keys (the managed OAuth2 providers pin none).
	Keys *keys.Store
	// Sessions tells whether a login's Gatehouse session still exists.
	UserSessions *session.Manager
	// Access evaluates the applications' policies.
	Access *applications.Access
	// Broker carries configuration changes between servers.
	Broker pubsub.Broker
	// Logger receives failures of background work; nil discards them.
	Logger *slog.Logger
}

func (s *Service) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// derive returns a 32-byte key derived from secretKey for purpose.
func derive(secretKey, purpose string) []byte {
	key, err := hkdf.Key(sha256.New, []byte(secretKey), nil, "gatehouse outposts "+purpose+" v1", 32)
	if err != nil {
		panic(fmt.Sprintf("outposts: derive %s key: %v", purpose, err)) // only for lengths hkdf refuses
	}
	return key
}

// mac is the hex HMAC-SHA256 of msg under the key derived for purpose.
func mac(secretKey, purpose, msg string) []byte {
	h := hmac.New(sha256.New, derive(secretKey, purpose))
	_, _ = h.Write([]byte(msg))
	return h.Sum(nil)
}

// EmbeddedToken is the embedded outpost's token: derived from the
// server's secret key, the same on every replica, never stored.
func EmbeddedToken(secretKey string) string {
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(derive(secretKey, "embedded token"))
}

// newToken returns a random outpost token.
func newToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("read random outpost token: %w", err)
	}
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// IsToken reports whether secret looks like an outpost token.
func IsToken(secret string) bool { return strings.HasPrefix(secret, TokenPrefix) }

// clientSecret is the client secret of the managed OAuth2 provider with
// client ID clientID: derived, never stored (only its hash is).
func clientSecret(secretKey, clientID string) string {
	return "ghc_" + base64.RawURLEncoding.EncodeToString(mac(secretKey, "client secret", clientID))
}

// cookieSecret keys the session cookies of the outpost; it changes with
// the outpost's token.
func cookieSecret(secretKey string, o *ent.Outpost) string {
	return hex.EncodeToString(mac(secretKey, "cookie secret", fmt.Sprintf("%d:%s", o.ID, o.TokenHash)))
}

// Authenticate returns the viewer of an outpost token, recording the
// outpost's use at most once a minute. ErrInvalidToken when it is no
// outpost's; other errors are infrastructure failures.
func Authenticate(ctx context.Context, c *ent.Client, token string, now time.Time) (viewer.Viewer, error) {
	if !IsToken(token) {
		return viewer.Viewer{}, ErrInvalidToken
	}
	sys := viewer.SystemContext(ctx)
	o, err := c.Outpost.Query().Where(outpost.TokenHash(credential.HashTokenSecret(token))).Only(sys)
	if ent.IsNotFound(err) {
		return viewer.Viewer{}, ErrInvalidToken
	}
	if err != nil {
		return viewer.Viewer{}, fmt.Errorf("read outpost: %w", err)
	}
	if o.LastSeenAt == nil || now.Sub(*o.LastSeenAt) >= touchInterval {
		// Routine bookkeeping: a lost race only records one use twice.
		if err := c.Outpost.UpdateOneID(o.ID).SetLastSeenAt(now).Exec(sys); err != nil {
			return viewer.Viewer{}, fmt.Errorf("record outpost use: %w", err)
		}
	}
	return viewer.Viewer{Kind: viewer.Outpost, OutpostID: o.ID, Username: "outpost:" + o.Name}, nil
}

// Healthy reports whether o used the API within HealthyWithin of now.
func Healthy(o *ent.Outpost, now time.Time) bool {
	return o.LastSeenAt != nil && now.Sub(*o.LastSeenAt) < HealthyWithin
}
