package graph

import (
	"context"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/graph/model"
	"github.com/gatehouse-id/gatehouse/outposts"
	"github.com/gatehouse-id/gatehouse/problem"
)

// proxySettings decodes createProxyProvider's input.
func proxySettings(in model.CreateProxyProviderInput) (outposts.ProviderSettings, error) {
	flowID, err := parseID(in.AuthorizationFlowID)
	if err != nil {
		return outposts.ProviderSettings{}, err
	}
	return outposts.ProviderSettings{
		Name:                       &in.Name,
		ExternalHost:               &in.ExternalHost,
		InternalHost:               &in.InternalHost,
		InternalHostTLSVerify:      &in.InternalHostTLSVerify,
		Mode:                       &in.Mode,
		CookieDomain:               &in.CookieDomain,
		SkipPathRegex:              in.SkipPathRegex,
		AuthorizationFlowID:        &flowID,
		BasicAuthEnabled:           &in.BasicAuthEnabled,
		BasicAuthUserAttribute:     &in.BasicAuthUserAttribute,
		BasicAuthPasswordAttribute: &in.BasicAuthPasswordAttribute,
		SendAccessToken:            &in.SendAccessToken,
		AccessTokenValidity:        &in.AccessTokenValidity,
	}, nil
}

// proxyUpdate decodes updateProxyProvider's input.
func proxyUpdate(in model.UpdateProxyProviderInput) (outposts.ProviderSettings, error) {
	flowID, err := parseOptionalID(in.AuthorizationFlowID)
	if err != nil {
		return outposts.ProviderSettings{}, err
	}
	return outposts.ProviderSettings{
		Name:                       in.Name,
		ExternalHost:               in.ExternalHost,
		InternalHost:               in.InternalHost,
		InternalHostTLSVerify:      in.InternalHostTLSVerify,
		Mode:                       in.Mode,
		CookieDomain:               in.CookieDomain,
		SkipPathRegex:              in.SkipPathRegex,
		AuthorizationFlowID:        flowID,
		BasicAuthEnabled:           in.BasicAuthEnabled,
		BasicAuthUserAttribute:     in.BasicAuthUserAttribute,
		BasicAuthPasswordAttribute: in.BasicAuthPasswordAttribute,
		SendAccessToken:            in.SendAccessToken,
		AccessTokenValidity:        in.AccessTokenValidity,
	}, nil
}

// applicationProvider decodes an application's providerID: an OAuth2
// provider's ID, or a proxy provider's (the application then points at
// its managed OAuth2 provider).
func applicationProvider(ctx context.Context, c *ent.Client, id *string) (*int, error) {
	n, err := parseOptionalID(id)
	if err != nil || n == nil {
		return n, err
	}
	managed, err := outposts.ApplicationProviderID(ctx, c, *n)
	if err != nil {
		return nil, err
	}
	return &managed, nil
}

// refuseManaged refuses to change or delete an OAuth2 provider that a
// proxy provider manages: its redirect URI, name and secret follow the
// proxy provider (FAILED_PRECONDITION).
func refuseManaged(ctx context.Context, c *ent.Client, oauth2ProviderID int) error {
	managed, err := outposts.IsManaged(ctx, c, oauth2ProviderID)
	if err != nil {
		return err
	}
	if managed {
		return &problem.PreconditionError{Reason: "managed_by_proxy_provider", Message: "a proxy provider manages this OAuth2 provider; change or delete the proxy provider instead"}
	}
	return nil
}
