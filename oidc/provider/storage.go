package provider

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/oauth2authrequest"
	"github.com/gatehouse-id/gatehouse/ent/oauth2provider"
	"github.com/gatehouse-id/gatehouse/ent/oauth2token"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/oidc/clients"
	"github.com/gatehouse-id/gatehouse/oidc/keys"
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
	secret   []byte // derives hashed subjects
	// logoutKey signs the hop to a post_logout_redirect_uri.
	logoutKey []byte
	now       func() time.Time
	logger    *slog.Logger
	loginURL  func(id string) string
}

var (
	_ op.Storage                   = (*storage)(nil)
	_ op.CanSetUserinfoFromRequest = (*storage)(nil)
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

// hashed is the stored form of a code or refresh token.
func hashed(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

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
	switch p.SubjectMode {
	case enum.SubjectModeUserID:
		return strconv.Itoa(u.ID)
	case enum.SubjectModeUsername:
		return u.Username
	case enum.SubjectModeEmail:
		return u.Email
	case enum.SubjectModeHashedUserID:
	}
	// Hashed (the default): stable, and different at every provider.
	mac := hmac.New(sha256.New, s.secret)
	_, _ = fmt.Fprintf(mac, "sub:%d:%d", p.ID, u.ID)
	return hex.EncodeToString(mac.Sum(nil))
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
// the other).
func (s *storage) checkFamily(ctx context.Context, family string) error {
	replayed, err := s.client.OAuth2AuthRequest.Query().
		Where(oauth2authrequest.ID(family), oauth2authrequest.ReplayedAtNotNil()).
		Exist(sys(ctx))
	if err != nil {
		return err
	}
	if replayed {
		s.revokeFamily(ctx, family, reasonReplayedCode)
		return errNotFound
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

// RevokeToken revokes an access token (by ID) or a refresh token of
// clientID; another client's token is refused.
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
// library, when this fails, tries the token as a sealed access token, and
// its unauthenticated decryption can turn a refresh token into a random
// "ID:subject", which would then be revoked as an unknown access token:
// a silent 200 for another client's refresh token.)
func (s *storage) GetRefreshTokenInfo(ctx context.Context, _, token string) (string, string, error) {
	t, err := s.client.OAuth2Token.Query().
		Where(oauth2token.ID(hashed(token)), oauth2token.KindEQ(oauth2token.KindRefresh)).
		Only(sys(ctx))
	if err != nil {
		return "", "", op.ErrInvalidRefreshToken
	}
	return strconv.Itoa(deref(t.UserID)), t.ID, nil
}

// SigningKey is the current key of the algorithm of the client the
// request is for.
func (s *storage) SigningKey(ctx context.Context) (op.SigningKey, error) {
	k, err := s.keys.Signer(ctx, algorithmFrom(ctx))
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
	if p.ClientType != enum.ClientTypeConfidential || !clients.VerifySecret(p, secret) {
		s.logger.WarnContext(ctx, "a client presented a wrong secret", "client_id", clientID)
		s.suspicious(ctx, reasonWrongSecret, clientID)
		return errors.New("invalid client secret")
	}
	return nil
}

// SetUserinfoFromScopes is deprecated in the library; see
// SetUserinfoFromRequest.
func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the ID token's claims.
func (s *storage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, request op.IDTokenRequest, scopes []string) error {
	var userID int
	switch r := request.(type) {
	case *authRequest:
		userID = r.userID()
	case *refreshRequest:
		userID = deref(r.t.UserID)
	default:
		return fmt.Errorf("unsupported ID token request %T", request)
	}
	return s.fillUserinfo(ctx, info, userID, request.GetClientID(), scopes)
}

// SetUserinfoFromToken answers userinfo for a live access token.
func (s *storage) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, _, _ string) error {
	t, err := s.accessToken(ctx, tokenID)
	if err != nil {
		return err
	}
	if t.UserID == nil {
		return errNoUser
	}
	return s.fillUserinfo(ctx, info, *t.UserID, t.ClientID, t.Scopes)
}

// SetIntrospectionFromToken answers introspection: active only for a live
// token issued to the asking client. Any error answers inactive (the
// library reports every token it gets nil for as active). A token without
// a user (client credentials) has the client ID as its subject.
func (s *storage) SetIntrospectionFromToken(ctx context.Context, resp *oidc.IntrospectionResponse, tokenID, _, clientID string) error {
	t, err := s.accessToken(ctx, tokenID)
	if err != nil {
		return err
	}
	if t.ClientID != clientID {
		return errNotFound
	}
	if t.UserID == nil {
		resp.Subject = t.ClientID
	} else {
		info := new(oidc.UserInfo)
		if err := s.fillUserinfo(ctx, info, *t.UserID, t.ClientID, t.Scopes); err != nil {
			return err
		}
		resp.SetUserInfo(info)
	}
	resp.Active = true
	resp.Scope = t.Scopes
	resp.ClientID = t.ClientID
	resp.Audience = []string{t.ClientID}
	resp.Expiration = oidc.FromTime(t.ExpiresAt)
	resp.IssuedAt = oidc.FromTime(t.CreatedAt)
	resp.TokenType = oidc.BearerToken
	return nil
}

// fillUserinfo sets the claims the scopes grant about userID.
func (s *storage) fillUserinfo(ctx context.Context, info *oidc.UserInfo, userID int, clientID string, scopes []string) error {
	p, err := s.provider(ctx, clientID)
	if err != nil {
		return err
	}
	u, err := s.client.User.Get(sys(ctx), userID)
	if err != nil {
		return errNotFound
	}
	info.Subject = s.subject(p, u)
	if slices.Contains(scopes, clients.ScopeProfile) {
		info.Name = u.Name
		info.PreferredUsername = u.Username
		info.UpdatedAt = oidc.FromTime(u.UpdatedAt)
	}
	if slices.Contains(scopes, clients.ScopeEmail) && u.Email != "" {
		info.Email = u.Email
		info.EmailVerified = oidc.Bool(false)
	}
	if slices.Contains(scopes, clients.ScopeGroups) {
		names, err := s.groupNames(ctx, u.ID)
		if err != nil {
			return err
		}
		info.AppendClaims("groups", names)
	}
	return nil
}

// GetPrivateClaimsFromScopes adds nothing to (opaque) access tokens.
func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return map[string]any{}, nil
}

// GetKeyByIDAndClientID: JWT client authentication is not offered.
func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("JWT client authentication is not supported")
}

// ValidateJWTProfileScopes: the JWT profile grant is not offered.
func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("the JWT profile grant is not supported")
}

// Health reports the database's health.
func (s *storage) Health(context.Context) error { return nil }

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
