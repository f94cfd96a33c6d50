package outposts

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gatehouse-id/gatehouse/directory"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/group"
	"github.com/gatehouse-id/gatehouse/ent/oauth2authrequest"
	"github.com/gatehouse-id/gatehouse/ent/oauth2token"
	"github.com/gatehouse-id/gatehouse/ent/proxyprovider"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/oidc/clients"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/problem"
)

// MaxSessionsPerCheck is the most sids one Sessions call may carry.
const MaxSessionsPerCheck = 500

// ErrTooManySIDs refuses a Sessions call with more than
// MaxSessionsPerCheck sids.
var ErrTooManySIDs = fmt.Errorf("at most %d sids per check", MaxSessionsPerCheck)

// SessionState is what the core says about one login (GraphQL
// OutpostSession).
type SessionState struct {
	// SID is the login's `sid` claim.
	SID string
	// Active is false once the login's Gatehouse session ended, its user
	// was deactivated or its tokens revoked, or when the sid is unknown.
	Active bool
	// Allowed is false when the application's policies deny the user now.
	Allowed bool
	// Identity is who the user is now; nil unless Active.
	Identity *Identity
}

// Identity is a user as the outpost tells its upstream (GraphQL
// OutpostIdentity).
type Identity struct {
	// UID is the `sub` the provider issues for the user.
	UID                   string
	Username, Email, Name string
	// Groups are the names of the user's groups, parents included.
	Groups []string
	// BasicAuthUser and BasicAuthPassword are the values of the
	// provider's basic-auth attributes ("" when disabled or unset).
	BasicAuthUser, BasicAuthPassword string
}

// Sessions reports on the logins sids (their ID tokens' sid claims) at
// proxy provider providerID, which outpost outpostID must serve
// (problem.ErrNotFound otherwise). Unknown sids come back inactive.
func (s *Service) Sessions(ctx context.Context, outpostID, providerID int, sids []string) ([]*SessionState, error) {
	if len(sids) > MaxSessionsPerCheck {
		return nil, ErrTooManySIDs
	}
	sys := viewer.SystemContext(ctx)
	o, err := s.Client.Outpost.Get(sys, outpostID)
	if err != nil {
		return nil, fmt.Errorf("read outpost %d: %w", outpostID, err)
	}
	p, err := served(s.Client, o).Where(proxyprovider.ID(providerID)).
		WithOauth2Provider(func(q *ent.OAuth2ProviderQuery) { q.WithApplication() }).
		Only(sys)
	if ent.IsNotFound(err) {
		return nil, fmt.Errorf("proxy provider %d of outpost %d: %w", providerID, outpostID, problem.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read proxy provider %d: %w", providerID, err)
	}
	c := &check{s: s, provider: p, users: map[int]*userState{}}
	out := make([]*SessionState, len(sids))
	requests, err := s.Client.OAuth2AuthRequest.Query().
		Where(oauth2authrequest.IDIn(sids...), oauth2authrequest.ProviderID(p.Oauth2ProviderID),
			oauth2authrequest.AuthorizedAtNotNil(), oauth2authrequest.UserIDNotNil(), oauth2authrequest.ReplayedAtIsNil()).
		All(sys)
	if err != nil {
		return nil, fmt.Errorf("read logins: %w", err)
	}
	revoked, err := s.Client.OAuth2Token.Query().
		Where(oauth2token.FamilyIn(sids...), oauth2token.RevokedAtNotNil()).
		Select(oauth2token.FieldFamily).Strings(sys)
	if err != nil {
		return nil, fmt.Errorf("read revoked tokens: %w", err)
	}
	bySID := make(map[string]*ent.OAuth2AuthRequest, len(requests))
	for _, r := range requests {
		bySID[r.ID] = r
	}
	gone := make(map[string]bool, len(revoked))
	for _, f := range revoked {
		gone[f] = true
	}
	for i, sid := range sids {
		out[i] = &SessionState{SID: sid}
		r, ok := bySID[sid]
		if !ok || gone[sid] || r.SessionKey == "" {
			continue
		}
		u, err := c.user(ctx, *r.UserID)
		if err != nil {
			return nil, err
		}
		if u == nil || !u.sessions[r.SessionKey] {
			continue
		}
		out[i].Active, out[i].Allowed, out[i].Identity = true, u.allowed, u.identity
	}
	return out, nil
}

// check remembers, within one Sessions call, what it learnt of each user.
type check struct {
	s        *Service
	provider *ent.ProxyProvider
	users    map[int]*userState
}

// userState is one user as a Sessions call sees it.
type userState struct {
	sessions map[string]bool // the keys of the user's live sessions
	allowed  bool
	identity *Identity
}

// user returns what the call knows of userID; nil when the user is gone
// or inactive.
func (c *check) user(ctx context.Context, userID int) (*userState, error) {
	if u, ok := c.users[userID]; ok {
		return u, nil
	}
	sys := viewer.SystemContext(ctx)
	u, err := c.s.Client.User.Query().Where(user.ID(userID), user.IsActive(true)).Only(sys)
	if ent.IsNotFound(err) {
		c.users[userID] = nil
		return nil, nil //nolint:nilnil // a user who is gone or inactive has no logins, which is no error
	}
	if err != nil {
		return nil, fmt.Errorf("read user %d: %w", userID, err)
	}
	listed, err := c.s.UserSessions.List(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("read the sessions of user %d: %w", userID, err)
	}
	st := &userState{sessions: make(map[string]bool, len(listed))}
	for _, l := range listed {
		st.sessions[l.Key] = true
	}
	managed := c.provider.Edges.Oauth2Provider
	if app := managed.Edges.Application; app != nil {
		req, err := c.s.Access.RequestFor(ctx, u, policy.Client{})
		if err != nil {
			return nil, err
		}
		res, err := c.s.Access.Allowed(ctx, app, req)
		if err != nil {
			return nil, err
		}
		st.allowed = res.Passing
	}
	if st.identity, err = c.identity(ctx, u); err != nil {
		return nil, err
	}
	c.users[userID] = st
	return st, nil
}

// identity is u as the provider describes it.
func (c *check) identity(ctx context.Context, u *ent.User) (*Identity, error) {
	key, err := clients.SubjectKey(c.s.SecretKey)
	if err != nil {
		return nil, err
	}
	m, err := directory.MembershipOf(ctx, c.s.Client, u.ID)
	if err != nil {
		return nil, fmt.Errorf("read the groups of user %d: %w", u.ID, err)
	}
	groups := []string{}
	if len(m.GroupIDs) > 0 {
		groups, err = c.s.Client.Group.Query().Where(group.IDIn(m.GroupIDs...)).Order(group.ByName()).
			Select(group.FieldName).Strings(viewer.SystemContext(ctx))
		if err != nil {
			return nil, fmt.Errorf("read the groups of user %d: %w", u.ID, err)
		}
	}
	id := &Identity{
		UID: clients.Subject(key, c.provider.Edges.Oauth2Provider, u), Username: u.Username, Email: u.Email, Name: u.Name,
		Groups: groups,
	}
	if c.provider.BasicAuthEnabled {
		id.BasicAuthUser = u.Username
		if a := c.provider.BasicAuthUserAttribute; a != "" {
			id.BasicAuthUser = attribute(u, a)
		}
		id.BasicAuthPassword = attribute(u, c.provider.BasicAuthPasswordAttribute)
	}
	return id, nil
}

// attribute is user attribute name as a string ("" when unset).
func attribute(u *ent.User, name string) string {
	if name == "" {
		return ""
	}
	switch v := u.Attributes[name].(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	default:
		return fmt.Sprint(v)
	}
}
