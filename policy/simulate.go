package policy

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/gatehouse-id/gatehouse/directory"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/flowstagebinding"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
)

// TestParams describe a simulated evaluation (Engine.Test): what to
// evaluate, and the request to evaluate it for.
type TestParams struct {
	// PolicyID names one policy, evaluated on its own as EvaluatePolicies
	// does (mode all). Exactly one of PolicyID, Target.FlowID,
	// Target.FlowStageBindingID and Target.ApplicationID is set.
	PolicyID int
	// Target names a flow, a flow stage binding or an application, whose
	// bindings are evaluated in the target's own policy engine mode (an
	// application also fills the `application` variable).
	Target Target
	// UserID is the user the request is for; 0 simulates an anonymous
	// request.
	UserID int
	// ClientIP is the simulated client's address; the zero Addr means
	// 127.0.0.1.
	ClientIP netip.Addr
	// Headers are the simulated request's headers. Names are lower-cased;
	// user-agent also sets the client's UserAgent.
	Headers map[string]string
	// Context is the flow execution context policies see; nil is empty.
	Context map[string]any
}

// Test evaluates what p names for the request p describes, as the flow
// engine would, and answers with the verdict and its trace: the policy
// test of the admin API. It changes nothing, but policies with execution
// logging record their evaluation as usual.
//
// The user and the target are read under ctx's viewer, so ent privacy
// rules apply to them as to any admin read; permission to run a test at
// all is the caller's to check. Errors: ErrInvalidTarget unless exactly
// one target is set; an ent not-found error for a user, policy, flow or
// flow stage binding that does not exist; otherwise as for
// EvaluateTarget.
func (e *Engine) Test(ctx context.Context, p TestParams) (Result, error) {
	targets := 0
	for _, id := range []int{p.PolicyID, p.Target.FlowID, p.Target.FlowStageBindingID, p.Target.ApplicationID} {
		if id != 0 {
			targets++
		}
	}
	if targets != 1 {
		return Result{}, ErrInvalidTarget
	}
	req, err := e.testRequest(ctx, p)
	if err != nil {
		return Result{}, err
	}
	switch {
	case p.PolicyID != 0:
		if _, err := e.client.PolicyDefinition.Get(ctx, p.PolicyID); err != nil {
			return Result{}, fmt.Errorf("load policy %d: %w", p.PolicyID, err)
		}
		return e.EvaluatePolicies(ctx, []int{p.PolicyID}, enum.PolicyEngineModeAll, req)
	case p.Target.FlowID != 0:
		f, err := e.client.Flow.Get(ctx, p.Target.FlowID)
		if err != nil {
			return Result{}, fmt.Errorf("load flow %d: %w", p.Target.FlowID, err)
		}
		req.Flow = &Flow{Slug: f.Slug, Designation: string(f.Designation)}
		return e.EvaluateTarget(ctx, p.Target, f.PolicyEngineMode, req)
	case p.Target.ApplicationID != 0:
		app, err := e.client.Application.Get(ctx, p.Target.ApplicationID)
		if err != nil {
			return Result{}, fmt.Errorf("load application %d: %w", p.Target.ApplicationID, err)
		}
		req.Application = ApplicationVariables(app)
		return e.EvaluateTarget(ctx, p.Target, app.PolicyEngineMode, req)
	default:
		b, err := e.client.FlowStageBinding.Query().
			Where(flowstagebinding.ID(p.Target.FlowStageBindingID)).WithFlow().Only(ctx)
		if err != nil {
			return Result{}, fmt.Errorf("load flow stage binding %d: %w", p.Target.FlowStageBindingID, err)
		}
		req.Flow = &Flow{Slug: b.Edges.Flow.Slug, Designation: string(b.Edges.Flow.Designation)}
		return e.EvaluateTarget(ctx, p.Target, b.PolicyEngineMode, req)
	}
}

// ApplicationVariables is what a policy sees of app as its `application`
// variable.
func ApplicationVariables(app *ent.Application) map[string]any {
	return map[string]any{
		"id":          app.ID,
		"name":        app.Name,
		"slug":        app.Slug,
		"group":       app.Group,
		"launch_url":  app.LaunchURL,
		"description": app.Description,
	}
}

// testRequest builds the simulated request of p, loading its user and the
// user's groups.
func (e *Engine) testRequest(ctx context.Context, p TestParams) (*Request, error) {
	req := &Request{
		Client:  Client{IP: p.ClientIP, Headers: make(map[string]string, len(p.Headers))},
		Context: p.Context,
	}
	if !req.Client.IP.IsValid() {
		req.Client.IP = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	}
	if req.Context == nil {
		req.Context = map[string]any{}
	}
	for k, v := range p.Headers {
		name := strings.ToLower(k)
		req.Client.Headers[name] = v
		if name == "user-agent" {
			req.Client.UserAgent = v
		}
	}
	if p.UserID == 0 {
		return req, nil
	}
	u, err := e.client.User.Get(ctx, p.UserID)
	if err != nil {
		return nil, fmt.Errorf("load user %d: %w", p.UserID, err)
	}
	membership, err := directory.MembershipOf(ctx, e.client, u.ID)
	if err != nil {
		return nil, err
	}
	req.User, req.GroupIDs, req.Superuser = u, membership.GroupIDs, membership.Superuser
	return req, nil
}
