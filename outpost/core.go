package outpost

import (
	"context"
	"time"
)

// Core is everything an outpost needs of Gatehouse's core. The outpost
// package never talks to the core any other way (besides the standard
// OpenID Connect endpoints it signs users in with), so the embedded outpost
// and a standalone `gatehouse outpost` process are the same code: package
// outpost/coreclient implements Core with GraphQL over HTTP (the
// outpostConfig and outpostSessions queries, the outpostConfigChanged
// subscription), authenticated by the outpost's token.
type Core interface {
	// Config returns the outpost's current configuration.
	Config(ctx context.Context) (*Config, error)
	// Watch calls fn with the configuration at once and again after every
	// change, until ctx ends or the stream breaks; it returns the reason
	// (ctx.Err() when ctx ended). The caller reconnects.
	Watch(ctx context.Context, fn func(*Config)) error
	// Sessions reports, for the logins at one proxy provider named by the
	// `sid` claim of their ID tokens, whether each is still valid and
	// allowed by the application's policies, and who its user is now.
	// Unknown sids come back inactive. At most MaxSessionsPerCheck sids.
	Sessions(ctx context.Context, providerID string, sids []string) ([]SessionState, error)
}

// MaxSessionsPerCheck is the most sids one Core.Sessions call may carry.
const MaxSessionsPerCheck = 500

// Config is an outpost's configuration as the core serves it.
type Config struct {
	// OutpostID is the outpost's global ID; Name its name.
	OutpostID, Name string
	// Issuer is the core's OpenID Connect issuer (its public URL): where
	// browsers sign in, and where discovery, the token endpoint and the keys
	// are found.
	Issuer string
	// CookieSecret keys the outpost's session cookies. Every replica of an
	// outpost gets the same one; it changes when the outpost's token does.
	CookieSecret string
	// Providers are the proxy providers this outpost serves.
	Providers []Provider
}

// Mode is how a proxy provider protects its application.
type Mode string

// Modes.
const (
	// ModeProxy: the outpost is a reverse proxy in front of InternalHost.
	ModeProxy Mode = "PROXY"
	// ModeForwardSingle: a proxy (nginx, Traefik, Caddy) asks the outpost
	// about each request to one external host.
	ModeForwardSingle Mode = "FORWARD_SINGLE"
	// ModeForwardDomain: forward auth for every host under CookieDomain,
	// signing in once at ExternalHost.
	ModeForwardDomain Mode = "FORWARD_DOMAIN"
)

// Provider is one proxy provider as the outpost sees it.
type Provider struct {
	// ID is the provider's global ID; Name its name.
	ID, Name string
	// ApplicationSlug is the slug of the application the provider serves
	// ("" when none: the outpost then refuses every request with 403).
	ApplicationSlug string
	// Mode is how the provider protects its application.
	Mode Mode
	// ExternalHost is the URL users reach the application at
	// (https://app.example.com); hosts are matched by name, ports ignored.
	ExternalHost string
	// InternalHost is the upstream URL (ModeProxy only).
	InternalHost string
	// InternalHostTLSVerify checks the upstream's certificate (default on).
	InternalHostTLSVerify bool
	// CookieDomain scopes the session cookie (ModeForwardDomain), e.g.
	// example.com; "" means the external host only.
	CookieDomain string
	// SkipPathRegex lists anchored regular expressions (RE2) of paths that
	// pass without a login.
	SkipPathRegex []string
	// ClientID and ClientSecret are the provider's OAuth2 client at the
	// core (a confidential client; the code flow also uses PKCE). Its
	// redirect URI is <ExternalHost>/outpost.gatehouse/callback.
	ClientID, ClientSecret string
	// BasicAuthEnabled sends Authorization: Basic upstream, with the
	// user and password the core resolves from the user's attributes
	// (Identity.BasicAuthUser/BasicAuthPassword).
	BasicAuthEnabled bool
	// SendAccessToken sends Authorization: Bearer <access token> upstream
	// (ignored when BasicAuthEnabled).
	SendAccessToken bool
	// AccessTokenValidity is how long an outpost session lasts before
	// the outpost refreshes it at the core.
	AccessTokenValidity time.Duration
}

// SessionState is what the core says about one login.
type SessionState struct {
	// SID is the login's `sid` claim.
	SID string
	// Active is false once the login's Gatehouse session ended (logout,
	// revocation, expiry, the user deactivated) or when the sid is unknown.
	Active bool
	// Allowed is false when the application's policies deny the user now.
	Allowed bool
	// Identity is who the user is now; nil unless Active.
	Identity *Identity
}

// Identity is what the outpost tells the upstream about a user (the
// X-Gatehouse-* headers).
type Identity struct {
	// UID is the subject the provider issues for the user.
	UID string
	// Username, Email and Name are the user's.
	Username, Email, Name string
	// Groups are the names of the user's groups.
	Groups []string
	// BasicAuthUser and BasicAuthPassword are the values of the provider's
	// basic-auth attributes ("" when not enabled or unset).
	BasicAuthUser, BasicAuthPassword string
}
