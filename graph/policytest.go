package graph

import (
	"context"
	"net/netip"
	"strconv"
	"strings"

	"github.com/gatehouse-id/gatehouse/directory"
	"github.com/gatehouse-id/gatehouse/ent/flowstagebinding"
	"github.com/gatehouse-id/gatehouse/ent/privacy"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/graph/model"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/problem"
)

// testPolicy evaluates what in asks for and reports the verdict with its
// trace; superusers only.
func (r *Resolver) testPolicy(ctx context.Context, in model.PolicyTestInput) (*model.PolicyTestResult, error) {
	if !viewer.FromContext(ctx).IsSuperuser() {
		return nil, privacy.Denyf("only superusers may test policies")
	}
	targets := 0
	for _, id := range []*string{in.PolicyID, in.FlowID, in.FlowStageBindingID} {
		if id != nil {
			targets++
		}
	}
	if targets != 1 {
		return nil, problem.Invalid("", "set exactly one of policyId, flowId and flowStageBindingId")
	}
	req, err := r.testRequest(ctx, in)
	if err != nil {
		return nil, err
	}
	client := r.client(ctx)
	var res policy.Result
	switch {
	case in.PolicyID != nil:
		id, err := parseID(*in.PolicyID)
		if err != nil {
			return nil, err
		}
		if _, err := client.PolicyDefinition.Get(ctx, id); err != nil {
			return nil, err
		}
		res, err = r.PolicyEngine.EvaluatePolicies(ctx, []int{id}, enum.PolicyEngineModeAll, req)
		if err != nil {
			return nil, err
		}
	case in.FlowID != nil:
		id, err := parseID(*in.FlowID)
		if err != nil {
			return nil, err
		}
		f, err := client.Flow.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		req.Flow = &policy.Flow{Slug: f.Slug, Designation: string(f.Designation)}
		res, err = r.PolicyEngine.EvaluateTarget(ctx, policy.Target{FlowID: id}, f.PolicyEngineMode, req)
		if err != nil {
			return nil, err
		}
	default:
		id, err := parseID(*in.FlowStageBindingID)
		if err != nil {
			return nil, err
		}
		b, err := client.FlowStageBinding.Query().Where(flowstagebinding.ID(id)).WithFlow().Only(ctx)
		if err != nil {
			return nil, err
		}
		req.Flow = &policy.Flow{Slug: b.Edges.Flow.Slug, Designation: string(b.Edges.Flow.Designation)}
		res, err = r.PolicyEngine.EvaluateTarget(ctx, policy.Target{FlowStageBindingID: id}, b.PolicyEngineMode, req)
		if err != nil {
			return nil, err
		}
	}
	return testResult(res), nil
}

// testRequest builds the simulated request of in.
func (r *Resolver) testRequest(ctx context.Context, in model.PolicyTestInput) (*policy.Request, error) {
	req := &policy.Request{
		Client:  policy.Client{IP: netip.MustParseAddr("127.0.0.1"), Headers: map[string]string{}},
		Context: in.Context,
	}
	if req.Context == nil {
		req.Context = map[string]any{}
	}
	if in.ClientIP != nil {
		ip, err := netip.ParseAddr(*in.ClientIP)
		if err != nil {
			return nil, problem.Invalid("client_ip", "%q is not an IP address", *in.ClientIP)
		}
		req.Client.IP = ip
	}
	for k, v := range in.Headers {
		s, ok := v.(string)
		if !ok {
			return nil, problem.Invalid("headers."+k, "must be a string")
		}
		name := strings.ToLower(k)
		req.Client.Headers[name] = s
		if name == "user-agent" {
			req.Client.UserAgent = s
		}
	}
	if in.UserID != nil {
		id, err := parseID(*in.UserID)
		if err != nil {
			return nil, err
		}
		u, err := r.client(ctx).User.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		membership, err := directory.MembershipOf(ctx, r.client(ctx), u.ID)
		if err != nil {
			return nil, err
		}
		req.User, req.GroupIDs, req.Superuser = u, membership.GroupIDs, membership.Superuser
	}
	return req, nil
}

// testResult converts an engine result for the API.
func testResult(res policy.Result) *model.PolicyTestResult {
	out := &model.PolicyTestResult{Passing: res.Passing, Messages: res.Messages, Context: res.Context}
	if out.Messages == nil {
		out.Messages = []string{}
	}
	if out.Context == nil {
		out.Context = map[string]any{}
	}
	out.Trace = make([]*model.PolicyTraceEntry, len(res.Trace))
	for i, e := range res.Trace {
		entry := &model.PolicyTraceEntry{
			Subject: e.Subject, SubjectID: strconv.Itoa(e.SubjectID), Name: e.Name, Passing: e.Passing,
			Negated: e.Negated, TimedOut: e.TimedOut, Messages: e.Messages,
			DurationMs: float64(e.Duration.Microseconds()) / 1000,
		}
		if entry.Messages == nil {
			entry.Messages = []string{}
		}
		if e.BindingID != 0 {
			entry.BindingID = new(strconv.Itoa(e.BindingID))
		}
		if e.Error != "" {
			entry.Error = new(e.Error)
		}
		out.Trace[i] = entry
	}
	return out
}
