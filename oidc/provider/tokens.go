package provider

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/oauth2authrequest"
	"github.com/gatehouse-id/gatehouse/ent/oauth2token"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
)

// Access and refresh tokens: issuing, rotating, the families a replayed
// code or a reused refresh token revokes, and revocation.

// CreateAccessToken issues an access token for request.
func (s *storage) CreateAccessToken(ctx context.Context, request op.TokenRequest) (string, time.Time, error) {
	g, err := s.grantOf(ctx, request)
	if err != nil {
		return "", time.Time{}, err
	}
	id, exp, err := s.insertAccess(ctx, g)
	if err != nil {
		return "", time.Time{}, err
	}
	return id, exp, s.checkFamily(ctx, g.family)
}

// CreateAccessAndRefreshTokens issues an access token and a refresh
// token. Refreshing rotates: the current refresh token is claimed (a
// compare-and-set) and can never be used again.
func (s *storage) CreateAccessAndRefreshTokens(ctx context.Context, request op.TokenRequest, current string) (string, string, time.Time, error) {
	g, err := s.grantOf(ctx, request)
	if err != nil {
		return "", "", time.Time{}, err
	}
	ctx = sys(ctx)
	if current != "" {
		n, err := s.client.OAuth2Token.Update().
			Where(oauth2token.ID(hashed(current)), oauth2token.KindEQ(oauth2token.KindRefresh), oauth2token.RotatedAtIsNil(), oauth2token.RevokedAtIsNil()).
			SetRotatedAt(s.now()).
			Save(ctx)
		if err != nil {
			return "", "", time.Time{}, fmt.Errorf("rotate refresh token: %w", err)
		}
		if n == 0 {
			s.revokeFamily(ctx, g.family, reasonReusedRefresh)
			s.suspicious(ctx, reasonReusedRefresh, g.provider.ClientID)
			return "", "", time.Time{}, op.ErrInvalidRefreshToken
		}
	}
	accessID, exp, err := s.insertAccess(ctx, g)
	if err != nil {
		return "", "", time.Time{}, err
	}
	refresh, err := randomID()
	if err != nil {
		return "", "", time.Time{}, err
	}
	refresh = "gthr_" + refresh
	if _, err := s.insertToken(ctx, hashed(refresh), oauth2token.KindRefresh, g, g.provider.RefreshTokenValidity); err != nil {
		return "", "", time.Time{}, err
	}
	return accessID, refresh, exp, s.checkFamily(ctx, g.family)
}

// grant is what a token is issued for.
type grant struct {
	provider *ent.OAuth2Provider
	family   string
	userID   *int
	scopes   []string
	authTime *time.Time
	amr      []string
}

// grantOf reads the grant behind a token request: an authorization
// request (code), a refresh token's grant or a client credentials grant.
func (s *storage) grantOf(ctx context.Context, request op.TokenRequest) (*grant, error) {
	switch r := request.(type) {
	case *authRequest:
		p, err := s.provider(ctx, r.r.ClientID)
		if err != nil {
			return nil, err
		}
		return &grant{provider: p, family: r.r.ID, userID: r.r.UserID, scopes: r.GetScopes(), authTime: r.r.AuthTime, amr: r.r.Amr}, nil
	case *refreshRequest:
		p, err := s.provider(ctx, r.t.ClientID)
		if err != nil {
			return nil, err
		}
		return &grant{provider: p, family: r.t.Family, userID: r.t.UserID, scopes: r.scopes, authTime: r.t.AuthTime, amr: r.t.Amr}, nil
	case *clientCredentialsRequest:
		return r.grant(), nil
	case *op.DeviceAuthorizationState:
		return s.deviceGrant(ctx, r)
	default:
		return nil, fmt.Errorf("unsupported token request %T", request)
	}
}

// insertAccess stores a new access token of g.
func (s *storage) insertAccess(ctx context.Context, g *grant) (string, time.Time, error) {
	id, err := randomID()
	if err != nil {
		return "", time.Time{}, err
	}
	exp, err := s.insertToken(ctx, id, oauth2token.KindAccess, g, g.provider.AccessTokenValidity)
	return id, exp, err
}

// insertToken stores token id of kind for grant g, valid for seconds, and
// returns when it expires.
func (s *storage) insertToken(ctx context.Context, id string, kind oauth2token.Kind, g *grant, seconds int) (time.Time, error) {
	now := s.now()
	exp := now.Add(time.Duration(seconds) * time.Second)
	if err := s.client.OAuth2Token.Create().
		SetID(id).
		SetKind(kind).
		SetFamily(g.family).
		SetProviderID(g.provider.ID).
		SetClientID(g.provider.ClientID).
		SetNillableUserID(g.userID).
		SetScopes(g.scopes).
		SetNillableAuthTime(g.authTime).
		SetAmr(g.amr).
		SetCreatedAt(now).
		SetExpiresAt(exp).
		Exec(sys(ctx)); err != nil {
		return time.Time{}, fmt.Errorf("store %s token: %w", kind, err)
	}
	return exp, nil
}

// checkFamily runs after tokens were stored: when the family's code was
// replayed meanwhile, the replay may have revoked the family before these
// tokens existed, so they are revoked here (one of the two always sees
// the other). The redemption itself stands (a code is redeemed exactly
// once, however the race goes); what it issued is dead at once, as after
// a replay that came later.
func (s *storage) checkFamily(ctx context.Context, family string) error {
	replayed, err := s.client.OAuth2AuthRequest.Query().
		Where(oauth2authrequest.ID(family), oauth2authrequest.ReplayedAtNotNil()).
		Exist(sys(ctx))
	if err != nil {
		return err
	}
	if replayed {
		s.revokeFamily(ctx, family, reasonReplayedCode)
	}
	return nil
}

// Reasons of SUSPICIOUS_REQUEST events.
const (
	reasonReplayedCode     = "replayed authorization code"
	reasonReusedRefresh    = "reused refresh token"
	reasonWrongSecret      = "wrong client secret"
	reasonRevokedByRefresh = "refresh token revoked"
)

// suspicious records a SUSPICIOUS_REQUEST event: a request that indicates
// abuse (a stolen code or token, a guessed secret). It names the client,
// never a secret.
func (s *storage) suspicious(ctx context.Context, reason, clientID string) {
	if s.recorder == nil {
		return
	}
	if _, err := s.recorder.Record(sys(ctx), s.client, enum.EventActionSuspiciousRequest,
		map[string]any{"reason": reason, "client_id": clientID}); err != nil {
		s.logger.ErrorContext(ctx, "could not record a suspicious request", "error", err)
	}
}

// revokeFamily revokes every token of family and marks its request
// replayed, so tokens issued later are refused too.
func (s *storage) revokeFamily(ctx context.Context, family, why string) {
	ctx = sys(ctx)
	now := s.now()
	if err := s.client.OAuth2AuthRequest.Update().
		Where(oauth2authrequest.ID(family), oauth2authrequest.ReplayedAtIsNil()).
		SetReplayedAt(now).Exec(ctx); err != nil {
		s.logger.ErrorContext(ctx, "could not mark a token family revoked", "error", err)
	}
	n, err := s.client.OAuth2Token.Update().
		Where(oauth2token.Family(family), oauth2token.RevokedAtIsNil()).
		SetRevokedAt(now).Save(ctx)
	if err != nil {
		s.logger.ErrorContext(ctx, "could not revoke a token family", "error", err)
		return
	}
	s.logger.WarnContext(ctx, "revoked the tokens of an authorization", "reason", why, "tokens", n)
}

// TokenRequestByRefreshToken returns the grant of a live refresh token.
// A rotated one is a reuse: its whole family is revoked.
func (s *storage) TokenRequestByRefreshToken(ctx context.Context, token string) (op.RefreshTokenRequest, error) {
	ctx = sys(ctx)
	t, err := s.client.OAuth2Token.Query().
		Where(oauth2token.ID(hashed(token)), oauth2token.KindEQ(oauth2token.KindRefresh)).
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, op.ErrInvalidRefreshToken
	}
	if err != nil {
		return nil, err
	}
	if t.RotatedAt != nil {
		s.revokeFamily(ctx, t.Family, reasonReusedRefresh)
		s.suspicious(ctx, reasonReusedRefresh, t.ClientID)
		return nil, op.ErrInvalidRefreshToken
	}
	if ok, err := s.live(ctx, t); err != nil || !ok {
		return nil, op.ErrInvalidRefreshToken
	}
	sub, err := s.subjectOf(ctx, t.ClientID, deref(t.UserID))
	if err != nil {
		return nil, op.ErrInvalidRefreshToken
	}
	return &refreshRequest{t: t, subject: sub, token: token, scopes: t.Scopes}, nil
}

// live reports whether token t may be used now: unexpired, unrevoked, its
// family not replayed, its user active.
func (s *storage) live(ctx context.Context, t *ent.OAuth2Token) (bool, error) {
	if t.RevokedAt != nil || !s.now().Before(t.ExpiresAt) {
		return false, nil
	}
	replayed, err := s.client.OAuth2AuthRequest.Query().
		Where(oauth2authrequest.ID(t.Family), oauth2authrequest.ReplayedAtNotNil()).
		Exist(sys(ctx))
	if err != nil || replayed {
		return false, err
	}
	if t.UserID == nil {
		return true, nil
	}
	u, err := s.client.User.Get(sys(ctx), *t.UserID)
	if ent.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return u.IsActive, nil
}

// accessToken returns the live access token id.
func (s *storage) accessToken(ctx context.Context, id string) (*ent.OAuth2Token, error) {
	t, err := s.client.OAuth2Token.Query().
		Where(oauth2token.ID(id), oauth2token.KindEQ(oauth2token.KindAccess)).
		Only(sys(ctx))
	if ent.IsNotFound(err) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	ok, err := s.live(ctx, t)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNotFound
	}
	return t, nil
}

// TerminateSession revokes every token the client holds for the user
// whose subject (at that client) is subject: end session.
func (s *storage) TerminateSession(ctx context.Context, subject, clientID string) error {
	ctx = sys(ctx)
	p, err := s.provider(ctx, clientID)
	if err != nil {
		return err
	}
	userIDs, err := s.client.OAuth2Token.Query().
		Where(oauth2token.ClientID(clientID), oauth2token.RevokedAtIsNil(), oauth2token.UserIDNotNil()).
		Unique(true).Select(oauth2token.FieldUserID).Ints(ctx)
	if err != nil {
		return err
	}
	for _, id := range userIDs {
		u, err := s.client.User.Get(ctx, id)
		if ent.IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		if s.subject(p, u) != subject {
			continue
		}
		if _, err := s.client.OAuth2Token.Update().
			Where(oauth2token.ClientID(clientID), oauth2token.UserID(id), oauth2token.RevokedAtIsNil()).
			SetRevokedAt(s.now()).Save(ctx); err != nil {
			return fmt.Errorf("revoke tokens at end of session: %w", err)
		}
	}
	return nil
}

// RevokeToken revokes an access token (by ID, userID set: the library
// found it by GetRefreshTokenInfo or by opening a sealed token, see
// tokenCrypto) or a refresh token (userID empty) of clientID; another
// client's token is refused.
func (s *storage) RevokeToken(ctx context.Context, tokenOrID, userID, clientID string) *oidc.Error {
	id := tokenOrID
	if userID == "" {
		id = hashed(tokenOrID)
	}
	t, err := s.client.OAuth2Token.Get(sys(ctx), id)
	if ent.IsNotFound(err) {
		return nil // RFC 7009 §2.2: an unknown token is not an error
	}
	if err != nil {
		return oidc.ErrServerError()
	}
	if t.ClientID != clientID {
		return oidc.ErrInvalidClient().WithDescription("the token was issued to another client")
	}
	if err := s.client.OAuth2Token.UpdateOne(t).SetRevokedAt(s.now()).Exec(sys(ctx)); err != nil {
		return oidc.ErrServerError()
	}
	if t.Kind == oauth2token.KindRefresh {
		// A refresh token stands for its grant: the access tokens it
		// produced go with it.
		s.revokeFamily(ctx, t.Family, reasonRevokedByRefresh)
	}
	return nil
}

// GetRefreshTokenInfo returns the user and ID of a refresh token,
// whichever client holds it: RevokeToken refuses another client's. (The
// library, when this fails, tries the token as a sealed access token; its
// default, unauthenticated decryption could turn a refresh token into a
// random "ID:subject", which would then be revoked as an unknown access
// token: a silent 200 for another client's refresh token. tokenCrypto
// opens authenticated tokens only, but this stays the first answer.)
func (s *storage) GetRefreshTokenInfo(ctx context.Context, _, token string) (string, string, error) {
	t, err := s.client.OAuth2Token.Query().
		Where(oauth2token.ID(hashed(token)), oauth2token.KindEQ(oauth2token.KindRefresh)).
		Only(sys(ctx))
	if err != nil {
		return "", "", op.ErrInvalidRefreshToken
	}
	return strconv.Itoa(deref(t.UserID)), t.ID, nil
}
