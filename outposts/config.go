package outposts

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/outpost"
	"github.com/gatehouse-id/gatehouse/ent/proxyprovider"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

// Config is an outpost's configuration (GraphQL OutpostConfig; the
// outpost package's Config, one to one).
type Config struct {
	// OutpostID is the outpost's global ID; Name its name.
	OutpostID, Name string
	// Issuer is the core's OpenID Connect issuer.
	Issuer string
	// CookieSecret keys the outpost's session cookies: derived from the
	// secret key, the outpost and its token, never stored.
	CookieSecret string
	// Providers are the proxy providers the outpost serves, by name.
	Providers []*Provider
}

// Provider is a proxy provider as its outpost sees it (GraphQL
// OutpostProvider).
type Provider struct {
	ID, Name              string
	ApplicationSlug       string
	Mode                  enum.ProxyMode
	ExternalHost          string
	InternalHost          string
	InternalHostTLSVerify bool
	CookieDomain          string
	SkipPathRegex         []string
	ClientID              string
	ClientSecret          string
	BasicAuthEnabled      bool
	SendAccessToken       bool
	// AccessTokenValidity is in seconds.
	AccessTokenValidity int
}

// Config returns the configuration of outpost outpostID.
func (s *Service) Config(ctx context.Context, outpostID int) (*Config, error) {
	sys := viewer.SystemContext(ctx)
	o, err := s.Client.Outpost.Get(sys, outpostID)
	if err != nil {
		return nil, fmt.Errorf("read outpost %d: %w", outpostID, err)
	}
	providers, err := served(s.Client, o).
		WithOauth2Provider(func(q *ent.OAuth2ProviderQuery) { q.WithApplication() }).
		Order(proxyprovider.ByName()).
		All(sys)
	if err != nil {
		return nil, fmt.Errorf("read the providers of outpost %d: %w", outpostID, err)
	}
	out := &Config{
		OutpostID: strconv.Itoa(o.ID), Name: o.Name, Issuer: s.Issuer,
		CookieSecret: cookieSecret(s.SecretKey, o), Providers: make([]*Provider, 0, len(providers)),
	}
	for _, p := range providers {
		managed := p.Edges.Oauth2Provider
		slug := ""
		if managed.Edges.Application != nil {
			slug = managed.Edges.Application.Slug
		}
		out.Providers = append(out.Providers, &Provider{
			ID: strconv.Itoa(p.ID), Name: p.Name, ApplicationSlug: slug, Mode: p.Mode,
			ExternalHost: p.ExternalHost, InternalHost: p.InternalHost, InternalHostTLSVerify: p.InternalHostTLSVerify,
			CookieDomain: p.CookieDomain, SkipPathRegex: p.SkipPathRegex,
			ClientID: managed.ClientID, ClientSecret: clientSecret(s.SecretKey, managed.ClientID),
			BasicAuthEnabled: p.BasicAuthEnabled, SendAccessToken: p.SendAccessToken,
			AccessTokenValidity: p.AccessTokenValidity,
		})
	}
	return out, nil
}

// served queries the proxy providers outpost o serves: its own; for the
// embedded outpost, every provider no other outpost serves.
func served(c *ent.Client, o *ent.Outpost) *ent.ProxyProviderQuery {
	if !o.Embedded {
		return c.Outpost.QueryProviders(o)
	}
	return c.ProxyProvider.Query().Where(proxyprovider.Not(proxyprovider.HasOutpostsWith(outpost.Embedded(false))))
}
