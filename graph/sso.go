package graph

import (
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/graph/model"
	"github.com/gatehouse-id/gatehouse/oidc/clients"
)

// parseOptionalID parses an optional ID argument.
func parseOptionalID(id *string) (*int, error) {
	if id == nil {
		return nil, nil //nolint:nilnil // an absent ID is absent, not an error
	}
	n, err := parseID(*id)
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// redirectURIs copies a list of GraphQL redirect URI inputs; nil stays nil
// (keep the current list).
func redirectURIs(in []*enum.RedirectURI) []enum.RedirectURI {
	if in == nil {
		return nil
	}
	out := make([]enum.RedirectURI, len(in))
	for i, r := range in {
		out[i] = *r
	}
	return out
}

// providerSettings decodes createOAuth2Provider's input.
func providerSettings(in model.CreateOAuth2ProviderInput) (clients.Settings, error) {
	flowID, err := parseID(in.AuthorizationFlowID)
	if err != nil {
		return clients.Settings{}, err
	}
	invalidation, err := parseOptionalID(in.InvalidationFlowID)
	if err != nil {
		return clients.Settings{}, err
	}
	key, err := parseOptionalID(in.SigningKeyID)
	if err != nil {
		return clients.Settings{}, err
	}
	return clients.Settings{
		Name:                   &in.Name,
		ClientType:             &in.ClientType,
		ClientID:               in.ClientID,
		RedirectURIs:           redirectURIs(in.RedirectUris),
		PostLogoutRedirectURIs: redirectURIs(in.PostLogoutRedirectUris),
		Scopes:                 in.Scopes,
		SigningAlgorithm:       in.SigningAlgorithm,
		AccessTokenValidity:    &in.AccessTokenValidity,
		IDTokenValidity:        &in.IDTokenValidity,
		RefreshTokenValidity:   &in.RefreshTokenValidity,
		SubjectMode:            &in.SubjectMode,
		IncludeClaimsInIDToken: &in.IncludeClaimsInIDToken,
		DeviceAuthorization:    &in.DeviceAuthorization,
		AuthorizationFlowID:    &flowID,
		InvalidationFlowID:     invalidation,
		SigningKeyID:           key,
	}, nil
}

// providerUpdate decodes updateOAuth2Provider's input.
func providerUpdate(in model.UpdateOAuth2ProviderInput) (clients.Settings, error) {
	flowID, err := parseOptionalID(in.AuthorizationFlowID)
	if err != nil {
		return clients.Settings{}, err
	}
	invalidation, err := parseOptionalID(in.InvalidationFlowID)
	if err != nil {
		return clients.Settings{}, err
	}
	key, err := parseOptionalID(in.SigningKeyID)
	if err != nil {
		return clients.Settings{}, err
	}
	return clients.Settings{
		Name:                   in.Name,
		ClientType:             in.ClientType,
		ClientID:               in.ClientID,
		RedirectURIs:           redirectURIs(in.RedirectUris),
		PostLogoutRedirectURIs: redirectURIs(in.PostLogoutRedirectUris),
		Scopes:                 in.Scopes,
		SigningAlgorithm:       in.SigningAlgorithm,
		AccessTokenValidity:    in.AccessTokenValidity,
		IDTokenValidity:        in.IDTokenValidity,
		RefreshTokenValidity:   in.RefreshTokenValidity,
		SubjectMode:            in.SubjectMode,
		IncludeClaimsInIDToken: in.IncludeClaimsInIDToken,
		DeviceAuthorization:    in.DeviceAuthorization,
		AuthorizationFlowID:    flowID,
		InvalidationFlowID:     invalidation,
		ClearInvalidationFlow:  in.ClearInvalidationFlow != nil && *in.ClearInvalidationFlow,
		SigningKeyID:           key,
		ClearSigningKey:        in.ClearSigningKey != nil && *in.ClearSigningKey,
	}, nil
}

// providerPayload is a provider with the secret it was just given ("" for
// none: null).
func providerPayload(p *ent.OAuth2Provider, secret string) *model.CreateOAuth2ProviderPayload {
	out := &model.CreateOAuth2ProviderPayload{Provider: p}
	if secret != "" {
		out.ClientSecret = &secret
	}
	return out
}
