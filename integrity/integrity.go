// Package integrity keeps stage and policy configurations consistent with
// the objects they point at. Install registers ent hooks that, on every
// write of a Stage or a PolicyDefinition:
//
//   - refuse an unknown kind, and decode the config strictly over the kind's
//     defaults and validate it (typedconfig);
//   - check every reference in it: the target exists and is what the field
//     requires (a stage of kind password, a flow designated enrollment);
//   - store the normalised config (every field explicit);
//   - rewrite the owner's config_references rows, whose RESTRICT foreign keys
//     make the database refuse to delete a referenced object (the schema's
//     delete guards name the referrers first).
//
// and, on a change of a flow's designation, refuse it while a config
// requires the old one.
//
// Writes of stages and policies must run in a transaction (the GraphQL
// mutations and blueprints do), so that a config and its references change
// together. Runtime hooks run before the schema's privacy policy, so every
// hook here evaluates that policy first: callers without permission learn
// nothing from validation errors.
package integrity

import (
	"context"
	"encoding/json"
	"fmt"

	"entgo.io/ent"

	gen "github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/configreference"
	"github.com/gatehouse-id/gatehouse/ent/flow"
	"github.com/gatehouse-id/gatehouse/ent/group"
	"github.com/gatehouse-id/gatehouse/ent/hook"
	"github.com/gatehouse-id/gatehouse/ent/policydefinition"
	"github.com/gatehouse-id/gatehouse/ent/privacy"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/stage"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/typedconfig"
)

// Kinds are the registries configs are checked against.
type Kinds struct {
	Stages   *executor.StageKinds
	Policies *policy.Kinds
}

// Install registers the integrity hooks on client.
func Install(client *gen.Client, kinds Kinds) {
	client.Stage.Use(hook.On(stageHook(kinds), ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne))
	client.PolicyDefinition.Use(hook.On(policyHook(kinds), ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne))
	client.Flow.Use(hook.On(flowDesignationHook(kinds), ent.OpUpdate|ent.OpUpdateOne))
}

// allowed lets integrity lookups see every row; they run only after the
// caller's privacy policy admitted the mutation.
func allowed(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// owner abstracts over the two config-owning mutations.
type owner struct {
	typ      string // "stage" or "policy"
	kind     string
	config   []byte
	set      func(json.RawMessage)
	client   *gen.Client
	refsOf   func(id int) refQuery
	newOwner func(c *gen.ConfigReferenceCreate, id int) *gen.ConfigReferenceCreate
	decode   func(kind string, raw []byte) (typedconfig.Config, error)
}

// refQuery narrows a config reference query to one owner.
type refQuery = func(*gen.ConfigReferenceQuery) *gen.ConfigReferenceQuery

func stageHook(kinds Kinds) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return hook.StageFunc(func(ctx context.Context, m *gen.StageMutation) (gen.Value, error) {
			if err := stage.Policy.EvalMutation(ctx, m); err != nil {
				return nil, err
			}
			o := owner{
				typ:    "stage",
				client: m.Client(),
				set:    m.SetConfig,
				refsOf: func(id int) refQuery {
					return func(q *gen.ConfigReferenceQuery) *gen.ConfigReferenceQuery {
						return q.Where(configreference.OwnerStageID(id))
					}
				},
				newOwner: func(c *gen.ConfigReferenceCreate, id int) *gen.ConfigReferenceCreate { return c.SetOwnerStageID(id) },
				decode: func(kind string, raw []byte) (typedconfig.Config, error) {
					return kinds.Stages.Decode(kind, raw)
				},
			}
			o.kind, _ = m.Kind()
			raw, hasConfig := m.Config()
			o.config = raw
			return writeOwner(ctx, m, o, hasConfig, kinds, func(ctx context.Context) (string, error) {
				return m.OldKind(ctx)
			}, next)
		})
	}
}

func policyHook(kinds Kinds) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return hook.PolicyDefinitionFunc(func(ctx context.Context, m *gen.PolicyDefinitionMutation) (gen.Value, error) {
			if err := policydefinition.Policy.EvalMutation(ctx, m); err != nil {
				return nil, err
			}
			o := owner{
				typ:    "policy",
				client: m.Client(),
				set:    m.SetConfig,
				refsOf: func(id int) refQuery {
					return func(q *gen.ConfigReferenceQuery) *gen.ConfigReferenceQuery {
						return q.Where(configreference.OwnerPolicyID(id))
					}
				},
				newOwner: func(c *gen.ConfigReferenceCreate, id int) *gen.ConfigReferenceCreate { return c.SetOwnerPolicyID(id) },
				decode: func(kind string, raw []byte) (typedconfig.Config, error) {
					return kinds.Policies.Decode(kind, raw)
				},
			}
			o.kind, _ = m.Kind()
			raw, hasConfig := m.Config()
			o.config = raw
			return writeOwner(ctx, m, o, hasConfig, kinds, func(ctx context.Context) (string, error) {
				return m.OldKind(ctx)
			}, next)
		})
	}
}

// ownerMutation is what writeOwner needs of a stage or policy mutation.
type ownerMutation interface {
	ent.Mutation
	ID() (int, bool)
	Tx() (*gen.Tx, error)
}

// writeOwner validates the config of a stage or policy write, lets the write
// happen, then rewrites the owner's references.
func writeOwner(ctx context.Context, m ownerMutation, o owner, hasConfig bool, kinds Kinds,
	oldKind func(context.Context) (string, error), next ent.Mutator,
) (gen.Value, error) {
	switch {
	case m.Op().Is(ent.OpUpdate):
		if hasConfig {
			return nil, fmt.Errorf("integrity: update %s configs one at a time (UpdateOne), so each is validated against its kind", o.typ)
		}
		return next.Mutate(ctx, m)
	case m.Op().Is(ent.OpUpdateOne) && !hasConfig:
		return next.Mutate(ctx, m)
	}
	if _, err := m.Tx(); err != nil {
		return nil, fmt.Errorf("integrity: %s config writes must run in a transaction", o.typ)
	}
	if m.Op().Is(ent.OpUpdateOne) {
		k, err := oldKind(allowed(ctx))
		if err != nil {
			return nil, fmt.Errorf("load %s kind: %w", o.typ, err)
		}
		o.kind = k
	}
	cfg, err := o.decode(o.kind, o.config)
	if err != nil {
		return nil, err
	}
	refs, err := typedconfig.References(cfg)
	if err != nil {
		return nil, err
	}
	self, _ := m.ID()
	if err := checkRefs(allowed(ctx), o.client, o.typ, self, refs); err != nil {
		return nil, err
	}
	normal, err := typedconfig.Encode(cfg)
	if err != nil {
		return nil, err
	}
	o.set(normal)
	v, err := next.Mutate(ctx, m)
	if err != nil {
		return nil, err
	}
	id, ok := m.ID()
	if !ok {
		return nil, fmt.Errorf("integrity: %s written without an ID", o.typ)
	}
	if err := rewriteRefs(allowed(ctx), o, id, refs); err != nil {
		return nil, err
	}
	return v, nil
}

// rewriteRefs replaces the owner's config_references rows with refs.
func rewriteRefs(ctx context.Context, o owner, id int, refs []typedconfig.Ref) error {
	old, err := o.refsOf(id)(o.client.ConfigReference.Query()).IDs(ctx)
	if err != nil {
		return fmt.Errorf("load config references: %w", err)
	}
	if len(old) > 0 {
		if _, err := o.client.ConfigReference.Delete().Where(configreference.IDIn(old...)).Exec(ctx); err != nil {
			return fmt.Errorf("clear config references: %w", err)
		}
	}
	if len(refs) == 0 {
		return nil
	}
	builders := make([]*gen.ConfigReferenceCreate, len(refs))
	for i, r := range refs {
		b := o.newOwner(o.client.ConfigReference.Create().SetField(r.Field), id)
		switch r.Target {
		case typedconfig.TargetFlow:
			b.SetTargetFlowID(r.ID)
		case typedconfig.TargetStage:
			b.SetTargetStageID(r.ID)
		case typedconfig.TargetPolicy:
			b.SetTargetPolicyID(r.ID)
		case typedconfig.TargetGroup:
			b.SetTargetGroupID(r.ID)
		case typedconfig.TargetUser:
			b.SetTargetUserID(r.ID)
		default:
			return fmt.Errorf("integrity: unknown reference target %q", r.Target)
		}
		builders[i] = b
	}
	if err := o.client.ConfigReference.CreateBulk(builders...).Exec(ctx); err != nil {
		return fmt.Errorf("record config references: %w", err)
	}
	return nil
}

// checkRefs verifies that each reference's target exists and meets its
// requirement. self is the owner's own ID (zero on create).
func checkRefs(ctx context.Context, c *gen.Client, ownerType string, self int, refs []typedconfig.Ref) error {
	for _, r := range refs {
		field := "config." + r.Field
		if r.ID == self && string(r.Target) == ownerType {
			return problem.Invalid(field, "a %s cannot refer to itself", ownerType)
		}
		switch r.Target {
		case typedconfig.TargetFlow:
			f, err := c.Flow.Get(ctx, r.ID)
			if gen.IsNotFound(err) {
				return problem.Invalid(field, "flow %d does not exist", r.ID)
			} else if err != nil {
				return err
			}
			if r.Require != "" && string(f.Designation) != r.Require {
				return problem.Invalid(field, "must be a flow designated %s; flow %q is designated %s", r.Require, f.Slug, f.Designation)
			}
		case typedconfig.TargetStage:
			s, err := c.Stage.Get(ctx, r.ID)
			if gen.IsNotFound(err) {
				return problem.Invalid(field, "stage %d does not exist", r.ID)
			} else if err != nil {
				return err
			}
			if r.Require != "" && s.Kind != r.Require {
				return problem.Invalid(field, "must be a stage of kind %s; stage %q is of kind %s", r.Require, s.Name, s.Kind)
			}
		case typedconfig.TargetPolicy:
			p, err := c.PolicyDefinition.Get(ctx, r.ID)
			if gen.IsNotFound(err) {
				return problem.Invalid(field, "policy %d does not exist", r.ID)
			} else if err != nil {
				return err
			}
			if r.Require != "" && p.Kind != r.Require {
				return problem.Invalid(field, "must be a policy of kind %s; policy %q is of kind %s", r.Require, p.Name, p.Kind)
			}
		case typedconfig.TargetGroup:
			if ok, err := c.Group.Query().Where(group.ID(r.ID)).Exist(ctx); err != nil {
				return err
			} else if !ok {
				return problem.Invalid(field, "group %d does not exist", r.ID)
			}
		case typedconfig.TargetUser:
			if ok, err := c.User.Query().Where(user.ID(r.ID)).Exist(ctx); err != nil {
				return err
			} else if !ok {
				return problem.Invalid(field, "user %d does not exist", r.ID)
			}
		default:
			return fmt.Errorf("integrity: unknown reference target %q", r.Target)
		}
	}
	return nil
}

// flowDesignationHook refuses to change a flow's designation while a config
// requires the current one (an identification stage's enrollment_flow).
func flowDesignationHook(kinds Kinds) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return hook.FlowFunc(func(ctx context.Context, m *gen.FlowMutation) (gen.Value, error) {
			if err := flow.Policy.EvalMutation(ctx, m); err != nil {
				return nil, err
			}
			designation, changed := m.Designation()
			if !changed {
				return next.Mutate(ctx, m)
			}
			ids, err := m.IDs(allowed(ctx))
			if err != nil {
				return nil, err
			}
			for _, id := range ids {
				if err := checkDesignation(allowed(ctx), m.Client(), kinds, id, designation); err != nil {
					return nil, err
				}
			}
			return next.Mutate(ctx, m)
		})
	}
}

func checkDesignation(ctx context.Context, c *gen.Client, kinds Kinds, flowID int, to enum.FlowDesignation) error {
	rows, err := c.ConfigReference.Query().
		Where(configreference.TargetFlowID(flowID)).
		WithOwnerStage().
		WithOwnerPolicy().
		All(ctx)
	if err != nil {
		return fmt.Errorf("load references to flow %d: %w", flowID, err)
	}
	for _, row := range rows {
		var cfg typedconfig.Config
		var name string
		switch {
		case row.Edges.OwnerStage != nil:
			s := row.Edges.OwnerStage
			cfg, err = kinds.Stages.Decode(s.Kind, s.Config)
			name = "stage " + s.Name
		case row.Edges.OwnerPolicy != nil:
			p := row.Edges.OwnerPolicy
			cfg, err = kinds.Policies.Decode(p.Kind, p.Config)
			name = "policy " + p.Name
		default:
			continue
		}
		if err != nil {
			return fmt.Errorf("decode config of %s: %w", name, err)
		}
		refs, err := typedconfig.References(cfg)
		if err != nil {
			return err
		}
		for _, r := range refs {
			if r.Target == typedconfig.TargetFlow && r.ID == flowID && r.Require != "" && r.Require != string(to) {
				return problem.Invalid("designation", "%s uses this flow as its %s, which must be designated %s", name, r.Field, r.Require)
			}
		}
	}
	return nil
}
