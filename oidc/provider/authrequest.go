package provider

import (
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/gatehouse-id/gatehouse/ent"
)

// authRequest is an OAuth2AuthRequest as the library sees it. subject is
// the `sub` the provider shows for the request's user.
type authRequest struct {
	r       *ent.OAuth2AuthRequest
	subject string
}

var _ op.AuthRequest = (*authRequest)(nil)

func (a *authRequest) GetID() string  { return a.r.ID }
func (a *authRequest) GetACR() string { return "" }
func (a *authRequest) GetAMR() []string {
	return a.r.Amr
}
func (a *authRequest) GetAudience() []string { return []string{a.r.ClientID} }
func (a *authRequest) GetAuthTime() time.Time {
	if a.r.AuthTime == nil {
		return time.Time{}
	}
	return *a.r.AuthTime
}
func (a *authRequest) GetClientID() string { return a.r.ClientID }
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge {
	if a.r.CodeChallenge == "" {
		return nil
	}
	return &oidc.CodeChallenge{Challenge: a.r.CodeChallenge, Method: oidc.CodeChallengeMethod(a.r.CodeChallengeMethod)}
}
func (a *authRequest) GetNonce() string                   { return a.r.Nonce }
func (a *authRequest) GetRedirectURI() string             { return a.r.RedirectURI }
func (a *authRequest) GetResponseType() oidc.ResponseType { return oidc.ResponseType(a.r.ResponseType) }

func (a *authRequest) GetResponseMode() oidc.ResponseMode { return oidc.ResponseMode(a.r.ResponseMode) }

// GetScopes are the scopes granted once authorized, the scopes asked
// before.
func (a *authRequest) GetScopes() []string {
	if a.r.AuthorizedAt != nil {
		return a.r.GrantedScopes
	}
	return a.r.Scopes
}
func (a *authRequest) GetState() string   { return a.r.State }
func (a *authRequest) GetSubject() string { return a.subject }
func (a *authRequest) Done() bool         { return a.r.AuthorizedAt != nil }

// userID is the authorized user; 0 before.
func (a *authRequest) userID() int {
	if a.r.UserID == nil {
		return 0
	}
	return *a.r.UserID
}

// refreshRequest is a refresh token's grant as the library sees it.
type refreshRequest struct {
	t       *ent.OAuth2Token
	subject string
	token   string
	scopes  []string
}

var _ op.RefreshTokenRequest = (*refreshRequest)(nil)

func (r *refreshRequest) GetAMR() []string      { return r.t.Amr }
func (r *refreshRequest) GetAudience() []string { return []string{r.t.ClientID} }
func (r *refreshRequest) GetAuthTime() time.Time {
	if r.t.AuthTime == nil {
		return time.Time{}
	}
	return *r.t.AuthTime
}
func (r *refreshRequest) GetClientID() string { return r.t.ClientID }
func (r *refreshRequest) GetScopes() []string { return r.scopes }
func (r *refreshRequest) GetSubject() string  { return r.subject }

// SetCurrentScopes narrows the scopes (a refresh may ask for fewer).
func (r *refreshRequest) SetCurrentScopes(scopes []string) { r.scopes = scopes }
