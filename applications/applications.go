// Package applications decides who may use an application (its policy
// bindings, combined by its policy engine mode, as policy.Engine
// evaluates them) and lists the applications a user may open: the user's
// application list, and the check an SSO authorization makes before it
// hands the user's identity to an application.
//
// An application without enabled bindings is open to every user.
package applications

import (
	"context"
	"fmt"

	"github.com/gatehouse-id/gatehouse/directory"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/application"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/policy"
)

// Access answers who may use which application.
type Access struct {
	// Client reads applications and users.
	Client *ent.Client
	// Policies evaluates the applications' bindings.
	Policies *policy.Engine
}

// Allowed evaluates app's bindings for req (whose Application it fills).
// The result's messages say why a user was refused; they are safe to show.
func (a *Access) Allowed(ctx context.Context, app *ent.Application, req *policy.Request) (policy.Result, error) {
	r := *req
	r.Application = policy.ApplicationVariables(app)
	res, err := a.Policies.EvaluateTarget(ctx, policy.Target{ApplicationID: app.ID}, app.PolicyEngineMode, &r)
	if err != nil {
		return policy.Result{}, fmt.Errorf("evaluate the policies of application %s: %w", app.Slug, err)
	}
	return res, nil
}

// RequestFor returns the policy request for user u outside any flow,
// from the HTTP client c.
func (a *Access) RequestFor(ctx context.Context, u *ent.User, c policy.Client) (*policy.Request, error) {
	m, err := directory.MembershipOf(ctx, a.Client, u.ID)
	if err != nil {
		return nil, fmt.Errorf("read the groups of user %d: %w", u.ID, err)
	}
	return &policy.Request{User: u, GroupIDs: m.GroupIDs, Superuser: m.Superuser, Client: c}, nil
}

// Launchable returns the applications req's user may use, by group, then
// name: the user's application list.
func (a *Access) Launchable(ctx context.Context, req *policy.Request) ([]*ent.Application, error) {
	apps, err := a.Client.Application.Query().
		Order(application.ByGroup(), application.ByName(), application.ByID()).
		All(viewer.SystemContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("read applications: %w", err)
	}
	out := make([]*ent.Application, 0, len(apps))
	for _, app := range apps {
		res, err := a.Allowed(ctx, app, req)
		if err != nil {
			return nil, err
		}
		if res.Passing {
			out = append(out, app)
		}
	}
	return out, nil
}

// LaunchableFor returns the applications user userID may use, deciding
// with the HTTP client c: Launchable for that user.
func (a *Access) LaunchableFor(ctx context.Context, userID int, c policy.Client) ([]*ent.Application, error) {
	u, err := a.Client.User.Get(viewer.SystemContext(ctx), userID)
	if err != nil {
		return nil, fmt.Errorf("read user %d: %w", userID, err)
	}
	req, err := a.RequestFor(ctx, u, c)
	if err != nil {
		return nil, err
	}
	return a.Launchable(ctx, req)
}
