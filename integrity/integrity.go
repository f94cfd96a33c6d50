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
	"github.com/gatehouse-id/gatehouse/ent/predicate"
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
	configOps := ent.OpCreate | ent.OpUpdate | ent.OpUpdateOne
	client.Stage.Use(hook.On(configHook[*gen.StageMutation](ownerSpec{
		typ:    "stage",
		policy: stage.Policy,
		decode: func(kind string, raw []byte) (typedconfig.Config, error) { return kinds.Stages.Decode(kind, raw) },
		owned:  configreference.OwnerStageID,
		own:    (*gen.ConfigReferenceCreate).SetOwnerStageID,
	}), configOps))
	client.PolicyDefinition.Use(hook.On(configHook[*gen.PolicyDefinitionMutation](ownerSpec{
		typ:    "policy",
		policy: policydefinition.Policy,
		decode: func(kind string, raw []byte) (typedconfig.Config, error) { return kinds.Policies.Decode(kind, raw) },
		owned:  configreference.OwnerPolicyID,
		own:    (*gen.ConfigReferenceCreate).SetOwnerPolicyID,
	}), configOps))
	client.Flow.Use(hook.On(flowDesignationHook(kinds), ent.OpUpdate|ent.OpUpdateOne))
}

// allowed lets integrity lookups see every row; they run only after the
// caller's privacy policy admitted the mutation.
func allowed(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// ownerSpec describes one type of config owner (stages, policies).
type ownerSpec struct {
	typ    string // "stage" or "policy"
	policy ent.Policy
	decode func(kind string, raw []byte) (typedconfig.Config, error)
	owned  func(id int) predicate.ConfigReference
	own    func(c *gen.ConfigReferenceCreate, id int) *gen.ConfigReferenceCreate
}

// configMutation is what the generated Stage and PolicyDefinition mutations
// offer the hook.
type configMutation interface {
	ent.Mutation
	ID() (int, bool)
	Tx() (*gen.Tx, error)
	Client() *gen.Client
	Kind() (string, bool)
	OldKind(ctx context.Context) (string, error)
	Config() (json.RawMessage, bool)
	SetConfig(raw json.RawMessage)
}

// configHook validates the config of a stage or policy write, lets the
// write happen, then rewrites the owner's references.
func configHook[M configMutation](o ownerSpec) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, mut ent.Mutation) (ent.Value, error) {
			m, ok := mut.(M)
			if !ok {
				return nil, fmt.Errorf("integrity: unexpected %s mutation %T", o.typ, mut)
			}
			if err := o.policy.EvalMutation(ctx, m); err != nil {
				return nil, err
			}
			raw, hasConfig := m.Config()
			switch {
			case m.Op().Is(ent.OpUpdate) && hasConfig:
				return nil, fmt.Errorf("integrity: update %s configs one at a time (UpdateOne), so each is validated against its kind", o.typ)
			case !hasConfig:
				return next.Mutate(ctx, m)
			}
			normal, refs, err := prepare(ctx, m, o, raw)
			if err != nil {
				return nil, err
			}
			m.SetConfig(normal)
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			id, ok := m.ID()
			if !ok {
				return nil, fmt.Errorf("integrity: %s written without an ID", o.typ)
			}
			if err := rewriteRefs(allowed(ctx), m.Client(), o, id, refs); err != nil {
				return nil, err
			}
			return v, nil
		})
	}
}

// prepare checks a config write: it must run in a transaction, decode and
// validate as its kind, and point only at acceptable targets. It returns
// the normalised config and its references.
func prepare(ctx context.Context, m configMutation, o ownerSpec, raw json.RawMessage) (json.RawMessage, []typedconfig.Ref, error) {
	if _, err := m.Tx(); err != nil {
		return nil, nil, fmt.Errorf("integrity: %s config writes must run in a transaction", o.typ)
	}
	kind, _ := m.Kind()
	if m.Op().Is(ent.OpUpdateOne) {
		var err error
		if kind, err = m.OldKind(allowed(ctx)); err != nil {
			return nil, nil, fmt.Errorf("load %s kind: %w", o.typ, err)
		}
	}
	cfg, err := o.decode(kind, raw)
	if err != nil {
		return nil, nil, err
	}
	refs, err := typedconfig.References(cfg)
	if err != nil {
		return nil, nil, err
	}
	self, _ := m.ID()
	if err := checkRefs(allowed(ctx), m.Client(), o.typ, self, refs); err != nil {
		return nil, nil, err
	}
	normal, err := typedconfig.Encode(cfg)
	return normal, refs, err
}

// rewriteRefs replaces the owner's config_references rows with refs.
func rewriteRefs(ctx context.Context, c *gen.Client, o ownerSpec, id int, refs []typedconfig.Ref) error {
	old, err := c.ConfigReference.Query().Where(o.owned(id)).IDs(ctx)
	if err != nil {
		return fmt.Errorf("load config references: %w", err)
	}
	if len(old) > 0 {
		if _, err := c.ConfigReference.Delete().Where(configreference.IDIn(old...)).Exec(ctx); err != nil {
			return fmt.Errorf("clear config references: %w", err)
		}
	}
	if len(refs) == 0 {
		return nil
	}
	builders := make([]*gen.ConfigReferenceCreate, len(refs))
	for i, r := range refs {
		b := o.own(c.ConfigReference.Create().SetField(r.Field), id)
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
	if err := c.ConfigReference.CreateBulk(builders...).Exec(ctx); err != nil {
		return fmt.Errorf("record config references: %w", err)
	}
	return nil
}

// checkRefs verifies that each reference's target exists, is not the owner
// itself, and meets its requirement. self is the owner's ID (zero on create).
func checkRefs(ctx context.Context, c *gen.Client, ownerType string, self int, refs []typedconfig.Ref) error {
	for _, r := range refs {
		field := "config." + r.Field
		if r.ID == self && string(r.Target) == ownerType {
			return problem.Invalid(field, "a %s cannot refer to itself", ownerType)
		}
		t, err := lookup(ctx, c, r.Target, r.ID)
		if err != nil {
			return err
		}
		if !t.found {
			return problem.Invalid(field, "%s %d does not exist", r.Target, r.ID)
		}
		if r.Require != "" && t.is != r.Require {
			return problem.Invalid(field, "must be a %s %s %s; %s %q is %s %s",
				r.Target, t.verb, r.Require, r.Target, t.name, t.verb, t.is)
		}
	}
	return nil
}

// target is what a reference points at, as far as requirements go.
type target struct {
	found bool
	name  string
	is    string // kind (stages, policies) or designation (flows)
	verb  string // how is reads: "of kind", "designated"
}

// lookup loads the object a reference points at.
func lookup(ctx context.Context, c *gen.Client, t typedconfig.Target, id int) (target, error) {
	var (
		out target
		err error
	)
	switch t {
	case typedconfig.TargetFlow:
		var f *gen.Flow
		if f, err = c.Flow.Get(ctx, id); err == nil {
			out = target{found: true, name: f.Slug, is: string(f.Designation), verb: "designated"}
		}
	case typedconfig.TargetStage:
		var s *gen.Stage
		if s, err = c.Stage.Get(ctx, id); err == nil {
			out = target{found: true, name: s.Name, is: s.Kind, verb: "of kind"}
		}
	case typedconfig.TargetPolicy:
		var p *gen.PolicyDefinition
		if p, err = c.PolicyDefinition.Get(ctx, id); err == nil {
			out = target{found: true, name: p.Name, is: p.Kind, verb: "of kind"}
		}
	case typedconfig.TargetGroup:
		out.found, err = c.Group.Query().Where(group.ID(id)).Exist(ctx)
	case typedconfig.TargetUser:
		out.found, err = c.User.Query().Where(user.ID(id)).Exist(ctx)
	default:
		return target{}, fmt.Errorf("integrity: unknown reference target %q", t)
	}
	if gen.IsNotFound(err) {
		return target{}, nil
	}
	return out, err
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
