package provider

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/gatehouse-id/gatehouse/applications"
	"github.com/gatehouse-id/gatehouse/directory"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/group"
	"github.com/gatehouse-id/gatehouse/ent/oauth2authrequest"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Context keys the authorization flow sees (a consent stage reads them).
const (
	// KeyApplication is the application being authorized (as policies
	// see it: name, slug, …).
	KeyApplication = "application"
	// KeyScopes are the scopes asked for that the provider allows.
	KeyScopes = "oauth2_scopes"
)

// NewHandoff returns the executor.Handoff that ties authorization flows to
// authorization requests: the flow started with ?oauth2_request=ID is
// seeded with the application and the scopes, and its successful end
// authorizes the request for the session's user. now is the clock (nil:
// time.Now).
func NewHandoff(client *ent.Client, now func() time.Time) executor.Handoff {
	if now == nil {
		now = time.Now
	}
	return handoff{client: client, now: now}
}

type handoff struct {
	client *ent.Client
	now    func() time.Time
}

func (h handoff) Param() string { return HandoffParam }

var errNotThisFlow = problem.Invalid(HandoffParam, "this flow cannot authorize that request")

func (h handoff) Seed(ctx context.Context, ref, flowSlug string, userID int) (map[string]any, error) {
	req, err := h.client.OAuth2AuthRequest.Query().
		Where(oauth2authrequest.ID(ref), oauth2authrequest.ExpiresAtGT(h.now()),
			oauth2authrequest.AuthorizedAtIsNil(), oauth2authrequest.RedeemedAtIsNil()).
		Only(sys(ctx))
	if err != nil || userID == 0 {
		return nil, errNotThisFlow
	}
	prov, err := h.client.OAuth2Provider.Get(sys(ctx), req.ProviderID)
	if err != nil {
		return nil, errNotThisFlow
	}
	flow, err := h.client.OAuth2Provider.QueryAuthorizationFlow(prov).Only(sys(ctx))
	if err != nil || flow.Slug != flowSlug {
		return nil, errNotThisFlow
	}
	seed := map[string]any{KeyScopes: allowedScopes(req.Scopes, prov.Scopes)}
	if app, err := h.client.OAuth2Provider.QueryApplication(prov).Only(sys(ctx)); err == nil {
		seed[KeyApplication] = applications.Variables(app)
	}
	return seed, nil
}

func (h handoff) Ended(ctx context.Context, ref string, e *executor.Ending) error {
	if e.Denied || e.UserID == 0 {
		return nil
	}
	scopes := []string{}
	if _, err := e.Context.Get(KeyScopes, &scopes); err != nil {
		return err
	}
	authTime := e.AuthTime
	n, err := h.client.OAuth2AuthRequest.Update().
		Where(oauth2authrequest.ID(ref), oauth2authrequest.AuthorizedAtIsNil(), oauth2authrequest.ExpiresAtGT(h.now())).
		SetUserID(e.UserID).
		SetAuthTime(authTime).
		SetGrantedScopes(scopes).
		SetAuthorizedAt(h.now()).
		Save(sys(ctx))
	if err != nil {
		return err
	}
	if n == 0 {
		return errors.New("the authorization request expired or was authorized already")
	}
	return nil
}

// allowedScopes are the scopes of asked that allowed contains, in order.
func allowedScopes(asked, allowed []string) []string {
	out := []string{}
	for _, s := range asked {
		if slices.Contains(allowed, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// groupNames are the names of userID's groups, parents included.
func (s *storage) groupNames(ctx context.Context, userID int) ([]string, error) {
	m, err := directory.MembershipOf(ctx, s.client, userID)
	if err != nil {
		return nil, err
	}
	names, err := s.client.Group.Query().Where(group.IDIn(m.GroupIDs...)).Order(group.ByName()).
		Select(group.FieldName).Strings(sys(ctx))
	if err != nil {
		return nil, err
	}
	return names, nil
}
