package outposts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/proxyprovider"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/oidc/clients"
	"github.com/gatehouse-id/gatehouse/problem"
)

// CallbackPath is where an outpost's sign-in returns to, on the external
// host: the managed OAuth2 provider's one redirect URI.
const CallbackPath = "/outpost.gatehouse/callback"

// managedScopes are the scopes the managed OAuth2 provider may grant:
// the identity, and offline_access so that the outpost can refresh.
var managedScopes = []string{clients.ScopeOpenID, clients.ScopeProfile, clients.ScopeEmail, clients.ScopeOfflineAccess}

// ProviderSettings are a proxy provider's settings. Nil pointers and nil
// slices keep the current value (Update) or take the default (Create).
type ProviderSettings struct {
	Name                       *string
	ExternalHost               *string
	InternalHost               *string
	InternalHostTLSVerify      *bool
	Mode                       *enum.ProxyMode
	CookieDomain               *string
	SkipPathRegex              []string
	AuthorizationFlowID        *int
	BasicAuthEnabled           *bool
	BasicAuthUserAttribute     *string
	BasicAuthPasswordAttribute *string
	SendAccessToken            *bool
	AccessTokenValidity        *int
}

// CreateProvider creates a proxy provider and its managed OAuth2 provider
// (a confidential client whose secret is derived, with the one redirect
// URI <externalHost>/outpost.gatehouse/callback). Run it in a
// transaction (c is the transaction's client).
func (s *Service) CreateProvider(ctx context.Context, c *ent.Client, in ProviderSettings) (*ent.ProxyProvider, error) {
	if in.Name == nil || in.ExternalHost == nil || in.AuthorizationFlowID == nil {
		return nil, problem.Invalid("name", "name, externalHost and authorizationFlowID are required")
	}
	v := values{
		name: *in.Name, externalHost: *in.ExternalHost, mode: enum.ProxyModeProxy, tlsVerify: true,
		skip: []string{}, validity: 600,
	}
	v.apply(in)
	host, err := v.check(ctx, c, 0)
	if err != nil {
		return nil, err
	}
	clientID, err := newClientID()
	if err != nil {
		return nil, err
	}
	name := managedName(v.name)
	confidential := enum.ClientTypeConfidential
	managed, _, err := clients.Create(ctx, c, s.Keys, clients.Settings{
		Name: &name, ClientType: &confidential, ClientID: &clientID,
		RedirectURIs:        redirectURIs(v.externalHost),
		Scopes:              managedScopes,
		AccessTokenValidity: &v.validity,
		AuthorizationFlowID: in.AuthorizationFlowID,
	}, clientSecret(s.SecretKey, clientID))
	if err != nil {
		return nil, err
	}
	create := c.ProxyProvider.Create().SetOauth2ProviderID(managed.ID)
	v.setOn(create.Mutation(), host)
	return create.Save(ctx)
}

// UpdateProvider changes a proxy provider and keeps its managed OAuth2
// provider in step. Run it in a transaction.
func (s *Service) UpdateProvider(ctx context.Context, c *ent.Client, id int, in ProviderSettings) (*ent.ProxyProvider, error) {
	old, err := c.ProxyProvider.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	v := values{
		name: old.Name, externalHost: old.ExternalHost, internalHost: old.InternalHost, tlsVerify: old.InternalHostTLSVerify,
		mode: old.Mode, cookieDomain: old.CookieDomain, skip: old.SkipPathRegex, basicAuth: old.BasicAuthEnabled,
		basicUser: old.BasicAuthUserAttribute, basicPassword: old.BasicAuthPasswordAttribute, sendToken: old.SendAccessToken,
		validity: old.AccessTokenValidity,
	}
	v.apply(in)
	host, err := v.check(ctx, c, id)
	if err != nil {
		return nil, err
	}
	name := managedName(v.name)
	if _, err := clients.Update(ctx, c, s.Keys, old.Oauth2ProviderID, clients.Settings{
		Name: &name, RedirectURIs: redirectURIs(v.externalHost), AccessTokenValidity: &v.validity,
		AuthorizationFlowID: in.AuthorizationFlowID,
	}); err != nil {
		return nil, err
	}
	update := c.ProxyProvider.UpdateOneID(id)
	v.setOn(update.Mutation(), host)
	return update.Save(ctx)
}

// DeleteProvider deletes a proxy provider with its managed OAuth2
// provider; its application stays, without a provider. Run it in a
// transaction.
func (s *Service) DeleteProvider(ctx context.Context, c *ent.Client, id int) error {
	p, err := c.ProxyProvider.Get(ctx, id)
	if err != nil {
		return err
	}
	if err := c.ProxyProvider.DeleteOne(p).Exec(ctx); err != nil {
		return err
	}
	return clients.Delete(ctx, c, s.Keys, p.Oauth2ProviderID)
}

// ApplicationProviderID maps the provider an application is linked to
// (an OAuth2 provider's or a proxy provider's ID) to the OAuth2 provider
// the application row points at: a proxy provider's managed one.
func ApplicationProviderID(ctx context.Context, c *ent.Client, id int) (int, error) {
	p, err := c.ProxyProvider.Query().Where(proxyprovider.ID(id)).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		return id, nil
	case err != nil:
		return 0, err
	}
	return p.Oauth2ProviderID, nil
}

// IsManaged reports whether OAuth2 provider p is a proxy provider's: it
// is changed through its proxy provider only.
func IsManaged(ctx context.Context, c *ent.Client, oauth2ProviderID int) (bool, error) {
	return c.ProxyProvider.Query().Where(proxyprovider.Oauth2ProviderID(oauth2ProviderID)).Exist(ctx)
}

// values are a proxy provider's settings after an update applies.
type values struct {
	name, externalHost, internalHost, cookieDomain string
	tlsVerify, basicAuth, sendToken                bool
	mode                                           enum.ProxyMode
	skip                                           []string
	basicUser, basicPassword                       string
	validity                                       int
}

// setOn writes v (and the external host's name, host) into a create or
// update of a proxy provider.
func (v *values) setOn(m *ent.ProxyProviderMutation, host string) {
	m.SetName(v.name)
	m.SetExternalHost(v.externalHost)
	m.SetHost(host)
	m.SetInternalHost(v.internalHost)
	m.SetInternalHostTLSVerify(v.tlsVerify)
	m.SetMode(v.mode)
	m.SetCookieDomain(v.cookieDomain)
	m.SetSkipPathRegex(v.skip)
	m.SetBasicAuthEnabled(v.basicAuth)
	m.SetBasicAuthUserAttribute(v.basicUser)
	m.SetBasicAuthPasswordAttribute(v.basicPassword)
	m.SetSendAccessToken(v.sendToken)
	m.SetAccessTokenValidity(v.validity)
}

func (v *values) apply(in ProviderSettings) {
	set(&v.name, in.Name)
	set(&v.externalHost, in.ExternalHost)
	set(&v.internalHost, in.InternalHost)
	set(&v.tlsVerify, in.InternalHostTLSVerify)
	set(&v.mode, in.Mode)
	set(&v.cookieDomain, in.CookieDomain)
	if in.SkipPathRegex != nil {
		v.skip = in.SkipPathRegex
	}
	set(&v.basicAuth, in.BasicAuthEnabled)
	set(&v.basicUser, in.BasicAuthUserAttribute)
	set(&v.basicPassword, in.BasicAuthPasswordAttribute)
	set(&v.sendToken, in.SendAccessToken)
	set(&v.validity, in.AccessTokenValidity)
	v.externalHost = strings.TrimSuffix(v.externalHost, "/")
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// check validates what depends on more than one field, and that no other
// provider (but self) has the external host's name. It returns the host
// name.
func (v *values) check(ctx context.Context, c *ent.Client, self int) (string, error) {
	u, err := url.Parse(v.externalHost)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil ||
		u.Path != "" || u.RawQuery != "" || u.ForceQuery || strings.Contains(v.externalHost, "#") {
		return "", problem.Invalid("external_host", "must be an absolute http:// or https:// URL with a host and no path, query or fragment")
	}
	host := strings.ToLower(u.Hostname())
	switch v.mode {
	case enum.ProxyModeProxy:
		if v.internalHost == "" {
			return "", problem.Invalid("internal_host", "is required in proxy mode: the upstream URL the outpost proxies to")
		}
	case enum.ProxyModeForwardDomain:
		if v.cookieDomain == "" {
			return "", problem.Invalid("cookie_domain", "is required in forward_domain mode")
		}
		if host != v.cookieDomain && !strings.HasSuffix(host, "."+v.cookieDomain) {
			return "", problem.Invalid("cookie_domain", "the external host %s must be under the cookie domain %s", host, v.cookieDomain)
		}
	case enum.ProxyModeForwardSingle:
	}
	if v.cookieDomain != "" && v.mode != enum.ProxyModeForwardDomain &&
		host != v.cookieDomain && !strings.HasSuffix(host, "."+v.cookieDomain) {
		return "", problem.Invalid("cookie_domain", "the external host %s must be under the cookie domain %s", host, v.cookieDomain)
	}
	other, err := c.ProxyProvider.Query().Where(proxyprovider.Host(host), proxyprovider.IDNEQ(self)).Only(ctx)
	switch {
	case err == nil:
		return "", problem.Invalid("external_host", "proxy provider %q already has the host %s (hosts are compared by name, ports ignored)", other.Name, host)
	case !ent.IsNotFound(err):
		return "", fmt.Errorf("check the external host: %w", err)
	}
	return host, nil
}

// managedName names the managed OAuth2 provider of proxy provider name.
func managedName(name string) string { return name + " (proxy provider)" }

// redirectURIs is the managed provider's one redirect URI.
func redirectURIs(externalHost string) []enum.RedirectURI {
	return []enum.RedirectURI{{URL: externalHost + CallbackPath, MatchingMode: enum.RedirectURIMatchingModeStrict}}
}

// newClientID returns a random client ID.
func newClientID() (string, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("read random client ID: %w", err)
	}
	return "proxy-" + base64.RawURLEncoding.EncodeToString(b[:]), nil
}
