package graph

import (
	"context"
	"net/netip"
	"strconv"

	"github.com/gatehouse-id/gatehouse/graph/model"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/problem"
)

// testPolicy evaluates what in asks for and reports the verdict with its
// trace (@superuser).
func (r *Resolver) testPolicy(ctx context.Context, in model.PolicyTestInput) (*model.PolicyTestResult, error) {
	p, err := testParams(in)
	if err != nil {
		return nil, err
	}
	res, err := r.PolicyEngine.Test(ctx, p)
	if err != nil {
		return nil, err
	}
	return testResult(res), nil
}

// testParams decodes in.
func testParams(in model.PolicyTestInput) (policy.TestParams, error) {
	var p policy.TestParams
	targets := 0
	for _, id := range []*string{in.PolicyID, in.FlowID, in.FlowStageBindingID, in.ApplicationID} {
		if id != nil {
			targets++
		}
	}
	if targets != 1 {
		return p, problem.Invalid("", "set exactly one of policyId, flowId, flowStageBindingId and applicationId")
	}
	p.Context = in.Context
	if in.ClientIP != nil {
		ip, err := netip.ParseAddr(*in.ClientIP)
		if err != nil {
			return p, problem.Invalid("client_ip", "%q is not an IP address", *in.ClientIP)
		}
		p.ClientIP = ip
	}
	p.Headers = make(map[string]string, len(in.Headers))
	for k, v := range in.Headers {
		s, ok := v.(string)
		if !ok {
			return p, problem.Invalid("headers."+k, "must be a string")
		}
		p.Headers[k] = s
	}
	for _, id := range []struct {
		in  *string
		out *int
	}{
		{in.UserID, &p.UserID},
		{in.PolicyID, &p.PolicyID},
		{in.FlowID, &p.Target.FlowID},
		{in.FlowStageBindingID, &p.Target.FlowStageBindingID},
		{in.ApplicationID, &p.Target.ApplicationID},
	} {
		if id.in == nil {
			continue
		}
		n, err := parseID(*id.in)
		if err != nil {
			return p, err
		}
		*id.out = n
	}
	return p, nil
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
