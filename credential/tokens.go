package credential

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/predicate"
	"github.com/gatehouse-id/gatehouse/ent/privacy"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/token"
	"github.com/gatehouse-id/gatehouse/ent/user"
)

// ErrInvalidToken is returned for a secret that matches no usable token:
// unknown, expired, of another intent, or of an inactive user. Callers must
// not tell these apart to the client.
var ErrInvalidToken = errors.New("invalid token")

// IssueParams describe a token to create.
type IssueParams struct {
	Identifier  string
	Intent      enum.TokenIntent
	Description string
	UserID      int
	Expiring    bool
	Expires     *time.Time
	// Secret, when set, is used instead of a random one (the bootstrap
	// token); otherwise NewTokenSecret makes one.
	Secret string
}

// IssueToken creates a token with client (a transaction's client, for
// API mutations) and returns it with its secret; the secret is not stored.
// Privacy rules apply with ctx's viewer.
func IssueToken(ctx context.Context, client *ent.Client, p IssueParams) (*ent.Token, string, error) {
	secret := p.Secret
	if secret == "" {
		var err error
		if secret, err = NewTokenSecret(); err != nil {
			return nil, "", err
		}
	}
	t, err := client.Token.Create().
		SetIdentifier(p.Identifier).
		SetIntent(p.Intent).
		SetDescription(p.Description).
		SetUserID(p.UserID).
		SetExpiring(p.Expiring).
		SetNillableExpires(p.Expires).
		SetKeyHash(HashTokenSecret(secret)).
		Save(ctx)
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// LastUsedResolution is how stale last_used_at may get before a use
// refreshes it; it keeps token use from writing on every request.
const LastUsedResolution = time.Minute

// AuthenticateAPIToken returns the usable API token whose secret is
// secret, with its user loaded, and records the use. Any reason for
// refusal is ErrInvalidToken. It reads as the system: no viewer exists yet.
func AuthenticateAPIToken(ctx context.Context, client *ent.Client, secret string, now time.Time) (*ent.Token, error) {
	t, err := liveAPIToken(ctx, client, now, token.KeyHash(HashTokenSecret(secret)))
	if err != nil {
		return nil, err
	}
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= LastUsedResolution {
		// Best effort: a failed bookkeeping write must not fail the request.
		_ = client.Token.UpdateOneID(t.ID).SetLastUsedAt(now).Exec(ctx)
	}
	return t, nil
}

// APITokenByID returns the API token id with its user if it still
// authenticates at now: it exists, has not expired, and its user is
// active. It returns ErrInvalidToken otherwise. Unlike
// AuthenticateAPIToken it records no use: it re-checks a token that
// authenticated a long-lived connection.
func APITokenByID(ctx context.Context, client *ent.Client, id int, now time.Time) (*ent.Token, error) {
	return liveAPIToken(ctx, client, now, token.ID(id))
}

// liveAPIToken returns the one API token matching which that authenticates
// at now, with its user; ErrInvalidToken when there is none.
func liveAPIToken(ctx context.Context, client *ent.Client, now time.Time, which predicate.Token) (*ent.Token, error) {
	t, err := client.Token.Query().
		Where(
			which,
			token.IntentEQ(enum.TokenIntentAPI),
			token.Or(token.Expiring(false), token.ExpiresGT(now)),
			token.HasUserWith(user.IsActive(true)),
		).
		WithUser().
		Only(privacy.DecisionContext(ctx, privacy.Allow))
	if ent.IsNotFound(err) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, fmt.Errorf("look up token: %w", err)
	}
	return t, nil
}
