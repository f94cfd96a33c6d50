package provider

import (
	"context"
	"slices"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/oidc/keys"
	"github.com/gatehouse-id/gatehouse/oidc/redirecturi"
)

// client is an OAuth2Provider as the library sees it.
type client struct {
	p *ent.OAuth2Provider
	// requested is the redirect URI of the request being served, when the
	// provider's rules admit it: a regular-expression rule admits URIs the
	// library cannot know in advance.
	requested string
	loginURL  func(id string) string
}

var _ op.Client = (*client)(nil)

func (c *client) GetID() string { return c.p.ClientID }

// RedirectURIs are the strict URIs, and the requested one when a rule
// admitted it (this package checked it before the library runs).
func (c *client) RedirectURIs() []string {
	out := []string{}
	for _, r := range c.p.RedirectUris {
		if r.MatchingMode == redirecturi.ModeStrict {
			out = append(out, r.URL)
		}
	}
	if c.requested != "" && !slices.Contains(out, c.requested) {
		out = append(out, c.requested)
	}
	return out
}

func (c *client) PostLogoutRedirectURIs() []string {
	out := []string{}
	for _, r := range c.p.PostLogoutRedirectUris {
		if r.MatchingMode == redirecturi.ModeStrict {
			out = append(out, r.URL)
		}
	}
	return out
}

func (c *client) ApplicationType() op.ApplicationType {
	if c.p.ClientType == enum.ClientTypePublic {
		return op.ApplicationTypeUserAgent
	}
	return op.ApplicationTypeWeb
}

func (c *client) AuthMethod() oidc.AuthMethod {
	if c.p.ClientType == enum.ClientTypePublic {
		return oidc.AuthMethodNone
	}
	return oidc.AuthMethodBasic
}

func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}

// GrantTypes: only a confidential client can use the client credentials
// grant (a public one has no secret to authenticate with); the device
// authorization grant only when the admin allowed it.
func (c *client) GrantTypes() []oidc.GrantType {
	out := []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}
	if c.p.ClientType == enum.ClientTypeConfidential {
		out = append(out, oidc.GrantTypeClientCredentials)
	}
	if c.p.DeviceAuthorization {
		out = append(out, oidc.GrantTypeDeviceCode)
	}
	return out
}

func (c *client) LoginURL(id string) string { return c.loginURL(id) }

func (c *client) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeBearer }

func (c *client) IDTokenLifetime() time.Duration {
	return time.Duration(c.p.IDTokenValidity) * time.Second
}

// DevMode lets the library accept http and private-use redirect URIs:
// this package's own matcher (oidc/redirecturi) has already decided that
// the URI is registered, exactly.
func (c *client) DevMode() bool { return true }

func (c *client) RestrictAdditionalIdTokenScopes() func(scopes []string) []string { //nolint:revive // the library's name
	return func(scopes []string) []string { return scopes }
}

func (c *client) RestrictAdditionalAccessTokenScopes() func(scopes []string) []string {
	return func(scopes []string) []string { return scopes }
}

func (c *client) IsScopeAllowed(scope string) bool { return slices.Contains(c.p.Scopes, scope) }

func (c *client) IDTokenUserinfoClaimsAssertion() bool { return c.p.IncludeClaimsInIDToken }

func (c *client) ClockSkew() time.Duration { return 0 }

// signingKey is a keys.Key as the library sees it.
type signingKey struct{ k *keys.Key }

func (s signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return joseAlgorithm(s.k.Algorithm) }
func (s signingKey) Key() any                                    { return s.k.Private }
func (s signingKey) ID() string                                  { return s.k.ID }

// publicKey is a keys.PublicKey as the library sees it.
type publicKey struct{ k keys.PublicKey }

func (p publicKey) ID() string                         { return p.k.ID }
func (p publicKey) Algorithm() jose.SignatureAlgorithm { return joseAlgorithm(p.k.Algorithm) }
func (p publicKey) Use() string                        { return "sig" }
func (p publicKey) Key() any                           { return p.k.Public }

func joseAlgorithm(a enum.SigningAlgorithm) jose.SignatureAlgorithm {
	if a == enum.SigningAlgorithmES256 {
		return jose.ES256
	}
	return jose.RS256
}

// signerKey carries how the client a request is for signs: the library
// asks for one signing key, without naming the client.
type signerKey struct{}

// signer is a provider's choice of key: its pinned key (a row ID), else
// its algorithm's current key.
type signer struct {
	algorithm enum.SigningAlgorithm
	pinned    *int
}

// withSigner notes in ctx how provider p signs.
func withSigner(ctx context.Context, p *ent.OAuth2Provider) context.Context {
	return context.WithValue(ctx, signerKey{}, signer{algorithm: p.SigningAlgorithm, pinned: p.SigningKeyID})
}

// signerFrom is how the client of the request in ctx signs; RS256's
// current key when no client was named.
func signerFrom(ctx context.Context) signer {
	if s, ok := ctx.Value(signerKey{}).(signer); ok {
		return s
	}
	return signer{algorithm: enum.SigningAlgorithmRS256}
}
