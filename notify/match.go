package notify

import (
	"context"
	"fmt"
	"net/netip"
	"slices"

	"github.com/gatehouse-id/gatehouse/directory"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/group"
	"github.com/gatehouse-id/gatehouse/ent/notificationrule"
	"github.com/gatehouse-id/gatehouse/ent/policybinding"
	"github.com/gatehouse-id/gatehouse/ent/privacy"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/policy"
)

// Matcher decides which notification rules an event matches. It is safe
// for concurrent use.
type Matcher struct {
	client *ent.Client
	engine *policy.Engine
}

// NewMatcher returns a matcher reading with client and building policies
// from kinds with deps. Its engine records nothing: evaluating a rule's
// policies writes no POLICY_EXECUTION or POLICY_EXCEPTION event, which
// could itself be notified (a loop).
func NewMatcher(client *ent.Client, kinds *policy.Kinds, deps policy.Deps) *Matcher {
	return &Matcher{client: client, engine: policy.NewEngine(client, kinds, deps, nil)}
}

// Match returns the rules ev matches, each with its transports loaded,
// in ID order. Rules without an enabled binding match nothing and are
// not evaluated. An error means the rules could not be read or evaluated
// (the caller retries); a policy that fails to decide is its binding's
// failure_result, as everywhere.
func (m *Matcher) Match(ctx context.Context, ev *ent.Event) ([]*ent.NotificationRule, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	if !Notifiable(ev) {
		return nil, nil
	}
	rules, err := m.client.NotificationRule.Query().
		Where(notificationrule.HasPolicyBindingsWith(policybinding.Enabled(true))).
		WithTransports().
		Order(notificationrule.ByID()).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load notification rules: %w", err)
	}
	if len(rules) == 0 {
		return nil, nil
	}
	req, err := m.request(ctx, ev)
	if err != nil {
		return nil, err
	}
	var out []*ent.NotificationRule
	for _, r := range rules {
		res, err := m.engine.EvaluateTarget(ctx, policy.Target{NotificationRuleID: r.ID}, r.PolicyEngineMode, req)
		if err != nil {
			return nil, fmt.Errorf("evaluate notification rule %s: %w", r.Name, err)
		}
		if res.Passing {
			out = append(out, r)
		}
	}
	return out, nil
}

// request is the policy request of an event (policy/doc.go, "Events as
// requests"): the event, its client address, its user if it still exists.
func (m *Matcher) request(ctx context.Context, ev *ent.Event) (*policy.Request, error) {
	req := &policy.Request{Event: ev}
	if ip, err := netip.ParseAddr(ev.ClientIP); err == nil {
		req.Client.IP = ip
	}
	if ev.UserID == nil {
		return req, nil
	}
	u, err := m.client.User.Get(ctx, *ev.UserID)
	if ent.IsNotFound(err) {
		return req, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load the event's user: %w", err)
	}
	ms, err := directory.MembershipOf(ctx, m.client, u.ID)
	if err != nil {
		return nil, err
	}
	req.User, req.GroupIDs, req.Superuser = u, ms.GroupIDs, ms.Superuser
	return req, nil
}

// Members returns the active members of group groupID, directly or
// through its child groups (a member of a child group is a member of its
// parents), in ID order; none for a nil group.
func Members(ctx context.Context, client *ent.Client, groupID *int) ([]*ent.User, error) {
	if groupID == nil {
		return nil, nil
	}
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	ids := []int{*groupID}
	next := ids
	for range directory.MaxGroupDepth {
		children, err := client.Group.Query().Where(group.HasParentsWith(group.IDIn(next...))).IDs(ctx)
		if err != nil {
			return nil, fmt.Errorf("load child groups: %w", err)
		}
		next = next[:0:0]
		for _, id := range children {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
				next = append(next, id)
			}
		}
		if len(next) == 0 {
			break
		}
	}
	users, err := client.User.Query().
		Where(user.HasGroupsWith(group.IDIn(ids...)), user.IsActive(true)).
		Order(user.ByID()).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load group members: %w", err)
	}
	return users, nil
}
