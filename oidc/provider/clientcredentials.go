package provider

import (
	"context"
	"errors"
	"slices"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/oidc/clients"
)

// The client credentials grant (RFC 6749 §4.4): a confidential client
// authenticates at the token endpoint (client_secret_basic or
// client_secret_post) and gets an access token for itself — the service
// identity of its provider. There is no user: the token's subject is the
// client ID, its row has no user_id, userinfo refuses it, and only the
// client itself sees it active at introspection. No ID token and no
// refresh token are issued (openid and offline_access are never granted);
// the client asks again when its token expires.

var _ op.ClientCredentialsStorage = (*storage)(nil)

// errClientCredentials answers an unknown client, a public one and a wrong
// secret alike (the library reports invalid_client without this text).
var errClientCredentials = errors.New("invalid client credentials")

// errNoUser refuses userinfo for a token that has no user (a client
// credentials token).
var errNoUser = errors.New("the token was issued to a client for itself: it has no user")

// ClientCredentials authenticates a confidential client by its secret, in
// constant time. An unknown client, a public one and a wrong secret are
// plain errors (invalid_client); only a database failure is a
// server_error.
func (s *storage) ClientCredentials(ctx context.Context, clientID, secret string) (op.Client, error) {
	p, err := s.provider(ctx, clientID)
	if errors.Is(err, errNotFound) {
		return nil, errClientCredentials
	}
	if err != nil {
		return nil, oidc.ErrServerError().WithParent(err)
	}
	if p.ClientType != enum.ClientTypeConfidential || !clients.VerifySecret(p, secret) {
		s.logger.WarnContext(ctx, "a client was refused the client credentials grant", "client_id", clientID, "client_type", p.ClientType)
		s.suspicious(ctx, reasonWrongSecret, clientID)
		return nil, errClientCredentials
	}
	return &client{p: p, loginURL: s.loginURL}, nil
}

// ClientCredentialsTokenRequest is the grant of an authenticated client:
// the scopes it asks for that its provider allows, never openid or
// offline_access (no ID token, no refresh token for a service). Asking
// for none grants none. Every grant is a family of its own.
func (s *storage) ClientCredentialsTokenRequest(ctx context.Context, clientID string, scopes []string) (op.TokenRequest, error) {
	p, err := s.provider(ctx, clientID)
	if err != nil {
		return nil, err
	}
	family, err := randomID()
	if err != nil {
		return nil, err
	}
	granted := slices.DeleteFunc(allowedScopes(scopes, p.Scopes), func(scope string) bool {
		return scope == clients.ScopeOpenID || scope == clients.ScopeOfflineAccess
	})
	return &clientCredentialsRequest{p: p, family: family, scopes: granted}, nil
}

// clientCredentialsRequest is a client credentials grant as the library
// sees it.
type clientCredentialsRequest struct {
	p      *ent.OAuth2Provider
	family string
	scopes []string
}

var _ op.TokenRequest = (*clientCredentialsRequest)(nil)

// GetSubject is the client ID: the client acts for itself.
func (r *clientCredentialsRequest) GetSubject() string    { return r.p.ClientID }
func (r *clientCredentialsRequest) GetAudience() []string { return []string{r.p.ClientID} }
func (r *clientCredentialsRequest) GetScopes() []string   { return r.scopes }

// grant is what the token is stored for: no user, no authentication.
func (r *clientCredentialsRequest) grant() *grant {
	return &grant{provider: r.p, family: r.family, scopes: r.scopes}
}
