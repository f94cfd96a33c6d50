package schema

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/ent"

	gen "github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/brand"
	"github.com/gatehouse-id/gatehouse/ent/configreference"
	"github.com/gatehouse-id/gatehouse/ent/flowstagebinding"
	"github.com/gatehouse-id/gatehouse/ent/group"
	"github.com/gatehouse-id/gatehouse/ent/hook"
	"github.com/gatehouse-id/gatehouse/ent/oauth2provider"
	"github.com/gatehouse-id/gatehouse/ent/policybinding"
	"github.com/gatehouse-id/gatehouse/ent/predicate"
	"github.com/gatehouse-id/gatehouse/ent/privacy"
	"github.com/gatehouse-id/gatehouse/problem"
)

// The hooks in this file keep the data model consistent whoever writes it
// (the API, blueprints, the engine). Each has a database constraint behind
// it where one can exist; the hook's job is to refuse first with an error
// that names the problem (problem.ConflictError, problem.ReferencedError,
// problem.FieldError) instead of a driver message.

// allowed returns ctx in which integrity lookups see every row: they run
// after the privacy policy admitted the mutation, and must see referrers the
// caller may not read.
func allowed(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// clientMutation is what every generated mutation offers the hooks below.
type clientMutation interface {
	ent.Mutation
	Client() *gen.Client
	IDs(ctx context.Context) ([]int, error)
}

// referrersFunc returns the human name of object id and every object that
// still points at it.
type referrersFunc func(ctx context.Context, c *gen.Client, id int) (name string, refs []problem.Referrer, err error)

// refuseDeleteIfReferenced refuses to delete an object of type typ while
// anything still points at it, naming every referrer.
func refuseDeleteIfReferenced[M clientMutation](typ string, referrers referrersFunc) ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			mm, ok := m.(M)
			if !ok {
				return nil, fmt.Errorf("delete guard for %s: unexpected mutation %T", typ, m)
			}
			ids, err := mm.IDs(allowed(ctx))
			if err != nil {
				return nil, fmt.Errorf("list %s rows to delete: %w", typ, err)
			}
			for _, id := range ids {
				name, refs, err := referrers(allowed(ctx), mm.Client(), id)
				if err != nil {
					return nil, fmt.Errorf("find referrers of %s %d: %w", typ, id, err)
				}
				if len(refs) > 0 {
					return nil, &problem.ReferencedError{Type: typ, Name: name, Referrers: refs}
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpDelete|ent.OpDeleteOne)
}

// configReferrers lists the stage and policy configs that point at a target.
func configReferrers(ctx context.Context, c *gen.Client, target predicate.ConfigReference) ([]problem.Referrer, error) {
	refs, err := c.ConfigReference.Query().
		Where(target).
		WithOwnerStage().
		WithOwnerPolicy().
		Order(configreference.ByID()).
		All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]problem.Referrer, 0, len(refs))
	for _, r := range refs {
		switch {
		case r.Edges.OwnerStage != nil:
			out = append(out, problem.Referrer{Type: "stage", ID: r.Edges.OwnerStage.ID, Name: r.Edges.OwnerStage.Name, Field: r.Field})
		case r.Edges.OwnerPolicy != nil:
			out = append(out, problem.Referrer{Type: "policy", ID: r.Edges.OwnerPolicy.ID, Name: r.Edges.OwnerPolicy.Name, Field: r.Field})
		}
	}
	return out, nil
}

// bindingReferrers describes the targets of the policy bindings that match
// subject: the flows and stage bindings that would lose a policy.
func bindingReferrers(ctx context.Context, c *gen.Client, subject predicate.PolicyBinding) ([]problem.Referrer, error) {
	bindings, err := c.PolicyBinding.Query().
		Where(subject).
		WithFlow().
		WithFlowStageBinding(func(q *gen.FlowStageBindingQuery) { q.WithFlow().WithStage() }).
		Order(policybinding.ByID()).
		All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]problem.Referrer, 0, len(bindings))
	for _, b := range bindings {
		switch {
		case b.Edges.Flow != nil:
			out = append(out, problem.Referrer{Type: "flow", ID: b.Edges.Flow.ID, Name: b.Edges.Flow.Slug, Field: "policy_bindings"})
		case b.Edges.FlowStageBinding != nil:
			fsb := b.Edges.FlowStageBinding
			name := fmt.Sprintf("%s #%d", fsb.Edges.Flow.Slug, fsb.Order)
			if fsb.Edges.Stage != nil {
				name = fmt.Sprintf("%s #%d (%s)", fsb.Edges.Flow.Slug, fsb.Order, fsb.Edges.Stage.Name)
			}
			out = append(out, problem.Referrer{Type: "flow_stage_binding", ID: fsb.ID, Name: name, Field: "policy_bindings"})
		}
	}
	return out, nil
}

// referrerOAuth2Provider is the referrer type of an OAuth2 provider.
const referrerOAuth2Provider = "oauth2_provider"

// flowReferrers: brands that use the flow and configs that name it.
func flowReferrers(ctx context.Context, c *gen.Client, id int) (string, []problem.Referrer, error) {
	f, err := c.Flow.Get(ctx, id)
	if err != nil {
		return "", nil, err
	}
	brands, err := c.Brand.Query().Where(brand.Or(
		brand.FlowAuthenticationID(id), brand.FlowInvalidationID(id), brand.FlowRecoveryID(id),
		brand.FlowUnenrollmentID(id), brand.FlowUserSettingsID(id), brand.FlowDeviceCodeID(id),
	)).Order(brand.ByID()).All(ctx)
	if err != nil {
		return "", nil, err
	}
	var refs []problem.Referrer
	for _, b := range brands {
		for field, v := range map[string]*int{
			"flow_authentication": b.FlowAuthenticationID, "flow_invalidation": b.FlowInvalidationID,
			"flow_recovery": b.FlowRecoveryID, "flow_unenrollment": b.FlowUnenrollmentID,
			"flow_user_settings": b.FlowUserSettingsID, "flow_device_code": b.FlowDeviceCodeID,
		} {
			if v != nil && *v == id {
				refs = append(refs, problem.Referrer{Type: "brand", ID: b.ID, Name: b.Domain, Field: field})
			}
		}
	}
	slices.SortFunc(refs, func(a, b problem.Referrer) int {
		if a.ID != b.ID {
			return a.ID - b.ID
		}
		return compareStrings(a.Field, b.Field)
	})
	providers, err := c.OAuth2Provider.Query().
		Where(oauth2provider.Or(oauth2provider.AuthorizationFlowID(id), oauth2provider.InvalidationFlowID(id))).
		Order(oauth2provider.ByID()).
		All(ctx)
	if err != nil {
		return "", nil, err
	}
	for _, p := range providers {
		if p.AuthorizationFlowID == id {
			refs = append(refs, problem.Referrer{Type: referrerOAuth2Provider, ID: p.ID, Name: p.Name, Field: "authorization_flow"})
		}
		if p.InvalidationFlowID != nil && *p.InvalidationFlowID == id {
			refs = append(refs, problem.Referrer{Type: referrerOAuth2Provider, ID: p.ID, Name: p.Name, Field: "invalidation_flow"})
		}
	}
	cfg, err := configReferrers(ctx, c, configreference.TargetFlowID(id))
	return f.Slug, append(refs, cfg...), err
}

// stageReferrers: flows that bind the stage and configs that name it.
func stageReferrers(ctx context.Context, c *gen.Client, id int) (string, []problem.Referrer, error) {
	s, err := c.Stage.Get(ctx, id)
	if err != nil {
		return "", nil, err
	}
	bindings, err := c.FlowStageBinding.Query().
		Where(flowstagebinding.StageID(id)).
		WithFlow().
		Order(flowstagebinding.ByID()).
		All(ctx)
	if err != nil {
		return "", nil, err
	}
	var refs []problem.Referrer
	for _, b := range bindings {
		refs = append(refs, problem.Referrer{Type: "flow", ID: b.Edges.Flow.ID, Name: b.Edges.Flow.Slug, Field: fmt.Sprintf("bindings #%d", b.Order)})
	}
	cfg, err := configReferrers(ctx, c, configreference.TargetStageID(id))
	return s.Name, append(refs, cfg...), err
}

// policyReferrers: targets the policy is bound to and configs that name it.
func policyReferrers(ctx context.Context, c *gen.Client, id int) (string, []problem.Referrer, error) {
	p, err := c.PolicyDefinition.Get(ctx, id)
	if err != nil {
		return "", nil, err
	}
	refs, err := bindingReferrers(ctx, c, policybinding.PolicyID(id))
	if err != nil {
		return "", nil, err
	}
	cfg, err := configReferrers(ctx, c, configreference.TargetPolicyID(id))
	return p.Name, append(refs, cfg...), err
}

// groupReferrers: child groups, targets the group is bound to, and configs.
func groupReferrers(ctx context.Context, c *gen.Client, id int) (string, []problem.Referrer, error) {
	g, err := c.Group.Get(ctx, id)
	if err != nil {
		return "", nil, err
	}
	children, err := c.Group.Query().Where(group.HasParentsWith(group.ID(id))).Order(group.ByID()).All(ctx)
	if err != nil {
		return "", nil, err
	}
	var refs []problem.Referrer
	for _, ch := range children {
		refs = append(refs, problem.Referrer{Type: "group", ID: ch.ID, Name: ch.Name, Field: "parents"})
	}
	bound, err := bindingReferrers(ctx, c, policybinding.GroupID(id))
	if err != nil {
		return "", nil, err
	}
	cfg, err := configReferrers(ctx, c, configreference.TargetGroupID(id))
	return g.Name, append(append(refs, bound...), cfg...), err
}

// userReferrers: targets the user is bound to, and configs.
func userReferrers(ctx context.Context, c *gen.Client, id int) (string, []problem.Referrer, error) {
	u, err := c.User.Get(ctx, id)
	if err != nil {
		return "", nil, err
	}
	refs, err := bindingReferrers(ctx, c, policybinding.UserID(id))
	if err != nil {
		return "", nil, err
	}
	cfg, err := configReferrers(ctx, c, configreference.TargetUserID(id))
	return u.Username, append(refs, cfg...), err
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// idMutation is a mutation of a single row, as UpdateOne is.
type idMutation interface {
	clientMutation
	ID() (int, bool)
}

// takenFunc reports whether another row than self has value in the field.
type takenFunc func(ctx context.Context, c *gen.Client, value string, self int) (bool, error)

// uniqueField refuses a create or single-row update that would give field
// a value another row of type typ already has.
func uniqueField[M idMutation](typ, field string, taken takenFunc) ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			mm, ok := m.(M)
			if !ok {
				return nil, fmt.Errorf("unique %s.%s: unexpected mutation %T", typ, field, m)
			}
			raw, set := mm.Field(field)
			value, isString := raw.(string)
			if !set || !isString {
				return next.Mutate(ctx, m)
			}
			self, _ := mm.ID()
			clash, err := taken(allowed(ctx), mm.Client(), value, self)
			if err != nil {
				return nil, fmt.Errorf("check unique %s.%s: %w", typ, field, err)
			}
			if clash {
				return nil, &problem.ConflictError{Type: typ, Field: field, Value: value}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}
