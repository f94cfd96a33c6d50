package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/gatehouse-id/gatehouse/oidc/clients"
)

// What tokens say about their user: the ID token's claims, userinfo and
// introspection; and the library's grants this provider does not offer.

// SetUserinfoFromScopes is deprecated in the library; see
// SetUserinfoFromRequest.
func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the ID token's claims.
func (s *storage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, request op.IDTokenRequest, scopes []string) error {
	var userID int
	var sid string
	switch r := request.(type) {
	case *authRequest:
		userID, sid = r.userID(), r.r.ID
	case *refreshRequest:
		userID, sid = deref(r.t.UserID), r.t.Family
	case *op.DeviceAuthorizationState:
		row, err := redeemedDevice(ctx).rowOf(r)
		if err != nil {
			return err
		}
		userID, sid = deref(row.UserID), row.ID
	default:
		return fmt.Errorf("unsupported ID token request %T", request)
	}
	if err := s.fillUserinfo(ctx, info, userID, request.GetClientID(), scopes, true); err != nil {
		return err
	}
	// sid names the login (the authorization every token of it descends
	// from, so a refresh keeps it): an outpost asks the core about it
	// (outposts.Service.Sessions). It is no secret: the request it names
	// can no longer be used once its code was redeemed.
	info.AppendClaims("sid", sid)
	return nil
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
	return s.fillUserinfo(ctx, info, *t.UserID, t.ClientID, t.Scopes, false)
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
		if err := s.fillUserinfo(ctx, info, *t.UserID, t.ClientID, t.Scopes, false); err != nil {
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

// fillUserinfo sets the claims the scopes grant about userID. An ID
// token (idToken) carries only sub unless the provider includes claims
// there (the library already leaves out profile and email then).
func (s *storage) fillUserinfo(ctx context.Context, info *oidc.UserInfo, userID int, clientID string, scopes []string, idToken bool) error {
	p, err := s.provider(ctx, clientID)
	if err != nil {
		return err
	}
	if idToken && !p.IncludeClaimsInIDToken {
		scopes = nil
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
	custom, err := s.claims.Claims(ctx, u, scopes)
	if err != nil {
		return err
	}
	for k, v := range custom { // never a reserved claim (oidc/scopes)
		info.AppendClaims(k, v)
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
