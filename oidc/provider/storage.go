package provider

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/oauth2authrequest"
	"github.com/gatehouse-id/gatehouse/ent/oauth2provider"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/oidc/clients"
	"github.com/gatehouse-id/gatehouse/oidc/keys"
	"github.com/gatehouse-id/gatehouse/oidc/scopes"
)

// Lifetimes of what the provider keeps before tokens exist.
const (
	// requestLifetime bounds the login and authorization of a request.
	requestLifetime = 30 * time.Minute
	// codeLifetime bounds a code's redemption (RFC 6749 §4.1.2: short).
	codeLifetime = time.Minute
)

// unknownClientHash is compared with the secrets of unknown clients.
var unknownClientHash = hashed("no client has this secret")

// errNotFound is an unknown, expired or revoked request or token; the
// library answers it as the protocol says (invalid_grant, …).
var errNotFound = errors.New("not found or no longer valid")

// Recorder writes audit events (audit.Recorder).
type Recorder interface {
	Record(ctx context.Context, client *ent.Client, action enum.EventAction, data map[string]any) (*ent.Event, error)
}

// storage implements the library's op.Storage over the database.
type storage struct {
	client   *ent.Client
	recorder Recorder
	keys     *keys.Store
	claims   *scopes.Evaluator // custom scopes' claims
	secret   []byte            // derives hashed subjects
	// logoutKey signs the hop to a post_logout_redirect_uri.
	logoutKey []byte
	now       func() time.Time
	logger    *slog.Logger
	loginURL  func(id string) string
	// pollInterval is how often a device may poll.
	pollInterval time.Duration
}

var (
	_ op.Storage                    = (*storage)(nil)
	_ op.CanSetUserinfoFromRequest  = (*storage)(nil)
	_ op.DeviceAuthorizationStorage = (*storage)(nil)
)

func sys(ctx context.Context) context.Context { return viewer.SystemContext(ctx) }

// randomID returns 256 random bits, URL-safe.
func randomID() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("read random ID: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// hashed is the stored form of a code or refresh token: as API token
// secrets are stored (they are as random).
func hashed(s string) string { return credential.HashTokenSecret(s) }

// provider loads the provider of clientID.
func (s *storage) provider(ctx context.Context, clientID string) (*ent.OAuth2Provider, error) {
	p, err := s.client.OAuth2Provider.Query().Where(oauth2provider.ClientID(clientID)).Only(sys(ctx))
	if ent.IsNotFound(err) {
		return nil, fmt.Errorf("unknown client: %w", errNotFound)
	}
	return p, err
}

// subject is the `sub` provider p shows for user u.
func (s *storage) subject(p *ent.OAuth2Provider, u *ent.User) string {
	return clients.Subject(s.secret, p, u)
}

// subjectOf returns the subject of userID at the provider of clientID.
func (s *storage) subjectOf(ctx context.Context, clientID string, userID int) (string, error) {
	p, err := s.provider(ctx, clientID)
	if err != nil {
		return "", err
	}
	u, err := s.client.User.Get(sys(ctx), userID)
	if err != nil {
		return "", err
	}
	return s.subject(p, u), nil
}

// wrap returns r for the library, with its subject once authorized.
func (s *storage) wrap(ctx context.Context, r *ent.OAuth2AuthRequest) (*authRequest, error) {
	a := &authRequest{r: r}
	if r.UserID != nil {
		sub, err := s.subjectOf(ctx, r.ClientID, *r.UserID)
		if err != nil {
			return nil, err
		}
		a.subject = sub
	}
	return a, nil
}

// CreateAuthRequest stores a validated authorization request. PKCE is
// required of public clients and must use S256 when present.
func (s *storage) CreateAuthRequest(ctx context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	p, err := s.provider(ctx, req.ClientID)
	if err != nil {
		return nil, err
	}
	if req.CodeChallenge == "" && p.ClientType == enum.ClientTypePublic {
		return nil, oidc.ErrInvalidRequest().WithDescription("a public client must use PKCE (code_challenge with S256)")
	}
	if req.CodeChallenge != "" && req.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("code_challenge_method must be S256")
	}
	id, err := randomID()
	if err != nil {
		return nil, err
	}
	now := s.now()
	create := s.client.OAuth2AuthRequest.Create().
		SetID(id).
		SetCreatedAt(now).
		SetExpiresAt(now.Add(requestLifetime)).
		SetProviderID(p.ID).
		SetClientID(p.ClientID).
		SetRedirectURI(req.RedirectURI).
		SetScopes(req.Scopes).
		SetState(req.State).
		SetNonce(req.Nonce).
		SetResponseType(string(req.ResponseType)).
		SetResponseMode(string(req.ResponseMode)).
		SetCodeChallenge(req.CodeChallenge).
		SetCodeChallengeMethod(string(req.CodeChallengeMethod)).
		SetPrompt(req.Prompt).
		SetLoginHint(req.LoginHint)
	if req.MaxAge != nil {
		create.SetMaxAge(int(*req.MaxAge))
	}
	r, err := create.Save(sys(ctx))
	if err != nil {
		return nil, fmt.Errorf("store authorization request: %w", err)
	}
	return &authRequest{r: r}, nil
}

// AuthRequestByID returns an unexpired, unredeemed request.
func (s *storage) AuthRequestByID(ctx context.Context, id string) (op.AuthRequest, error) {
	r, err := s.client.OAuth2AuthRequest.Query().
		Where(oauth2authrequest.ID(id), oauth2authrequest.ExpiresAtGT(s.now()), oauth2authrequest.RedeemedAtIsNil()).
		Only(sys(ctx))
	if ent.IsNotFound(err) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	return s.wrap(ctx, r)
}

// AuthRequestByCode redeems a code: the first caller claims it (a
// compare-and-set), every later one finds it replayed, which revokes
// every token the first redemption issued.
func (s *storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	ctx = sys(ctx)
	h := hashed(code)
	now := s.now()
	n, err := s.client.OAuth2AuthRequest.Update().
		Where(oauth2authrequest.CodeHash(h), oauth2authrequest.RedeemedAtIsNil(), oauth2authrequest.ExpiresAtGT(now)).
		SetRedeemedAt(now).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("redeem code: %w", err)
	}
	r, err := s.client.OAuth2AuthRequest.Query().Where(oauth2authrequest.CodeHash(h)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	if n == 0 {
		if r.RedeemedAt != nil {
			s.revokeFamily(ctx, r.ID, reasonReplayedCode)
			s.suspicious(ctx, reasonReplayedCode, r.ClientID)
		}
		return nil, errNotFound
	}
	return s.wrap(ctx, r)
}

// SaveAuthCode attaches a code to an authorized request.
func (s *storage) SaveAuthCode(ctx context.Context, id, code string) error {
	n, err := s.client.OAuth2AuthRequest.Update().
		Where(oauth2authrequest.ID(id), oauth2authrequest.AuthorizedAtNotNil(), oauth2authrequest.CodeHashIsNil()).
		SetCodeHash(hashed(code)).
		SetExpiresAt(s.now().Add(codeLifetime)).
		Save(sys(ctx))
	if err != nil {
		return fmt.Errorf("save code: %w", err)
	}
	if n == 0 {
		return errNotFound
	}
	return nil
}

// DeleteAuthRequest keeps the request: after redemption it is the family
// of the tokens it issued (a replayed code must find it). The cleanup job
// deletes requests whose tokens have all expired.
func (s *storage) DeleteAuthRequest(context.Context, string) error { return nil }

// SigningKey is the key of the client the request is for: the key its
// provider pins, else its algorithm's current key. A pinned key that can
// no longer be used (sealed under an older secret key) gives way to the
// current key, which is published too: relying parties that refetch the
// JWKS keep working.
func (s *storage) SigningKey(ctx context.Context) (op.SigningKey, error) {
	sig := signerFrom(ctx)
	if sig.pinned != nil {
		k, err := s.keys.Pinned(ctx, *sig.pinned)
		if err == nil {
			return signingKey{k}, nil
		}
		s.logger.WarnContext(ctx, "a provider's pinned signing key cannot sign; its algorithm's current key signs instead",
			"signing_key_id", *sig.pinned, "error", err)
	}
	k, err := s.keys.Signer(ctx, sig.algorithm)
	if err != nil {
		return nil, err
	}
	return signingKey{k}, nil
}

// SignatureAlgorithms are the algorithms keys are kept for.
func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	out := make([]jose.SignatureAlgorithm, 0, len(keys.Algorithms))
	for _, a := range keys.Algorithms {
		out = append(out, joseAlgorithm(a))
	}
	return out, nil
}

// KeySet is the JWKS: current keys and retired keys whose tokens may
// still be alive.
func (s *storage) KeySet(ctx context.Context) ([]op.Key, error) {
	pubs, err := s.keys.PublicKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]op.Key, len(pubs))
	for i, p := range pubs {
		out[i] = publicKey{p}
	}
	return out, nil
}

// GetClientByClientID returns the client; the redirect URI this package
// admitted for the request in ctx is part of it.
func (s *storage) GetClientByClientID(ctx context.Context, clientID string) (op.Client, error) {
	p, err := s.provider(ctx, clientID)
	if err != nil {
		return nil, err
	}
	return &client{p: p, requested: admittedRedirect(ctx), loginURL: s.loginURL}, nil
}

// AuthorizeClientIDSecret checks a confidential client's secret in
// constant time.
func (s *storage) AuthorizeClientIDSecret(ctx context.Context, clientID, secret string) error {
	p, err := s.provider(ctx, clientID)
	if err != nil {
		// Spend what a check costs, so unknown clients answer alike.
		clients.VerifySecret(&ent.OAuth2Provider{ClientSecretHash: unknownClientHash}, secret)
		return err
	}
	if p.ClientType != enum.ClientTypeConfidential {
		// Nothing to guess: a public client has no secret (x/oauth2 tries
		// an empty one in the Authorization header first).
		return errors.New("a public client has no secret")
	}
	if !clients.VerifySecret(p, secret) {
		s.logger.WarnContext(ctx, "a client presented a wrong secret", "client_id", clientID)
		s.suspicious(ctx, reasonWrongSecret, clientID)
		return errors.New("invalid client secret")
	}
	return nil
}

// Health reports the database's health.
func (s *storage) Health(context.Context) error { return nil }

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
