package blueprints

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/flow"
	"github.com/gatehouse-id/gatehouse/ent/flowstagebinding"
	"github.com/gatehouse-id/gatehouse/ent/group"
	"github.com/gatehouse-id/gatehouse/ent/policybinding"
	"github.com/gatehouse-id/gatehouse/ent/policydefinition"
	"github.com/gatehouse-id/gatehouse/ent/stage"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/integrity"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/typedconfig"
)

// Export returns the flow slug as a YAML document: the flow with every
// field written out, its bindings in order, and every stage and policy it
// uses — those bound, and those the stages' configs refer to, transitively
// — sorted by name. Importing the result into any installation that has
// the referred flows, groups and users, then exporting again, gives the
// same bytes.
//
// Export reads as the caller of ctx: privacy rules apply. An unknown slug
// is problem.ErrNotFound.
func Export(ctx context.Context, client *ent.Client, kinds integrity.Kinds, slug string) ([]byte, error) {
	doc, err := exportDocument(ctx, client, kinds, slug)
	if err != nil {
		return nil, err
	}
	return doc.Marshal()
}

// exporter collects what a document needs.
type exporter struct {
	client   *ent.Client
	kinds    integrity.Kinds
	stages   map[int]*ent.Stage
	policies map[int]*ent.PolicyDefinition
	// pending are objects whose configs are still to be followed.
	pendingStages   []int
	pendingPolicies []int
}

func exportDocument(ctx context.Context, client *ent.Client, kinds integrity.Kinds, slug string) (*Document, error) {
	f, err := client.Flow.Query().Where(flow.Slug(slug)).
		WithBindings(func(q *ent.FlowStageBindingQuery) {
			q.Order(flowstagebinding.ByOrder(), flowstagebinding.ByID()).
				WithPolicyBindings(orderBindings)
		}).
		WithPolicyBindings(orderBindings).
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, fmt.Errorf("flow %q: %w", slug, problem.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load flow %q: %w", slug, err)
	}
	x := &exporter{
		client: client, kinds: kinds,
		stages: map[int]*ent.Stage{}, policies: map[int]*ent.PolicyDefinition{},
	}
	doc := &Document{Version: Version, Flow: Flow{
		Slug: f.Slug, Name: f.Name, Title: f.Title, Designation: f.Designation, Layout: f.Layout,
		Background: f.Background, CompatibilityMode: f.CompatibilityMode, DeniedAction: f.DeniedAction,
		Authentication: f.Authentication, PolicyEngineMode: f.PolicyEngineMode,
	}}
	if doc.Flow.Policies, err = x.bindings(f.Edges.PolicyBindings); err != nil {
		return nil, err
	}
	for _, b := range f.Edges.Bindings {
		st, err := x.stage(ctx, b.StageID)
		if err != nil {
			return nil, err
		}
		pbs, err := x.bindings(b.Edges.PolicyBindings)
		if err != nil {
			return nil, err
		}
		doc.Flow.Stages = append(doc.Flow.Stages, StageBinding{
			Stage: st.Name, Order: b.Order, EvaluateOnPlan: b.EvaluateOnPlan,
			ReEvaluatePolicies: new(b.ReEvaluatePolicies), InvalidResponseAction: b.InvalidResponseAction,
			PolicyEngineMode: b.PolicyEngineMode, Policies: pbs,
		})
	}
	if err := x.follow(ctx); err != nil {
		return nil, err
	}
	if doc.Stages, err = x.stageObjects(ctx); err != nil {
		return nil, err
	}
	if doc.Policies, err = x.policyObjects(ctx); err != nil {
		return nil, err
	}
	return doc, nil
}

// orderBindings loads policy bindings in evaluation order, with targets.
func orderBindings(q *ent.PolicyBindingQuery) {
	q.Order(policybinding.ByOrder(), policybinding.ByID()).WithPolicy().WithUser().WithGroup()
}

// bindings converts policy bindings, collecting their policies.
func (x *exporter) bindings(pbs []*ent.PolicyBinding) ([]Binding, error) {
	out := make([]Binding, 0, len(pbs))
	for _, pb := range pbs {
		b := Binding{Order: pb.Order, Enabled: new(pb.Enabled), Negate: pb.Negate, Timeout: pb.Timeout, FailureResult: pb.FailureResult}
		switch e := pb.Edges; {
		case e.Policy != nil:
			b.Policy = e.Policy.Name
			x.addPolicy(e.Policy)
		case e.User != nil:
			b.User = e.User.Username
		case e.Group != nil:
			b.Group = e.Group.Name
		default:
			return nil, fmt.Errorf("policy binding %d: target not visible", pb.ID)
		}
		out = append(out, b)
	}
	return out, nil
}

func (x *exporter) addPolicy(p *ent.PolicyDefinition) {
	if _, ok := x.policies[p.ID]; !ok {
		x.policies[p.ID] = p
		x.pendingPolicies = append(x.pendingPolicies, p.ID)
	}
}

// stage returns stage id, collecting it.
func (x *exporter) stage(ctx context.Context, id int) (*ent.Stage, error) {
	if s, ok := x.stages[id]; ok {
		return s, nil
	}
	s, err := x.client.Stage.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("load stage %d: %w", id, err)
	}
	x.stages[id] = s
	x.pendingStages = append(x.pendingStages, id)
	return s, nil
}

// follow collects the stages and policies that collected configs refer
// to, until none is new.
func (x *exporter) follow(ctx context.Context) error {
	for len(x.pendingStages) > 0 || len(x.pendingPolicies) > 0 {
		refs, err := x.nextRefs()
		if err != nil {
			return err
		}
		for _, r := range refs {
			switch r.Target {
			case typedconfig.TargetStage:
				if _, err := x.stage(ctx, r.ID); err != nil {
					return err
				}
			case typedconfig.TargetPolicy:
				p, err := x.client.PolicyDefinition.Get(ctx, r.ID)
				if err != nil {
					return fmt.Errorf("load policy %d: %w", r.ID, err)
				}
				x.addPolicy(p)
			case typedconfig.TargetFlow, typedconfig.TargetGroup, typedconfig.TargetUser:
				// referred to by name; not part of the document
			}
		}
	}
	return nil
}

// nextRefs takes one pending stage or policy and returns its config's
// references.
func (x *exporter) nextRefs() ([]typedconfig.Ref, error) {
	var (
		cfg typedconfig.Config
		err error
	)
	if n := len(x.pendingStages); n > 0 {
		s := x.stages[x.pendingStages[n-1]]
		x.pendingStages = x.pendingStages[:n-1]
		if cfg, err = x.kinds.Stages.Decode(s.Kind, s.Config); err != nil {
			return nil, fmt.Errorf("decode stage %q: %w", s.Name, err)
		}
	} else {
		n := len(x.pendingPolicies)
		p := x.policies[x.pendingPolicies[n-1]]
		x.pendingPolicies = x.pendingPolicies[:n-1]
		if cfg, err = x.kinds.Policies.Decode(p.Kind, p.Config); err != nil {
			return nil, fmt.Errorf("decode policy %q: %w", p.Name, err)
		}
	}
	return typedconfig.References(cfg)
}

// stageObjects returns the collected stages sorted by name.
func (x *exporter) stageObjects(ctx context.Context) ([]Object, error) {
	out := make([]Object, 0, len(x.stages))
	for _, s := range x.stages {
		fields, err := x.kinds.Stages.RefFields(s.Kind)
		if err != nil {
			return nil, err
		}
		var secrets []string
		if kind, ok := x.kinds.Stages.Lookup(s.Kind); ok {
			secrets = typedconfig.SecretFields(kind.NewConfig())
		}
		cfg, err := x.config(ctx, s.Config, fields, secrets)
		if err != nil {
			return nil, fmt.Errorf("stage %q: %w", s.Name, err)
		}
		out = append(out, Object{Name: s.Name, Kind: s.Kind, Config: *cfg})
	}
	slices.SortFunc(out, func(a, b Object) int { return cmp.Compare(a.Name, b.Name) })
	return out, nil
}

// policyObjects returns the collected policies sorted by name.
func (x *exporter) policyObjects(ctx context.Context) ([]PolicyDef, error) {
	out := make([]PolicyDef, 0, len(x.policies))
	for _, p := range x.policies {
		fields, err := x.kinds.Policies.RefFields(p.Kind)
		if err != nil {
			return nil, err
		}
		var secrets []string
		if kind, ok := x.kinds.Policies.Lookup(p.Kind); ok {
			secrets = typedconfig.SecretFields(kind.NewConfig())
		}
		cfg, err := x.config(ctx, p.Config, fields, secrets)
		if err != nil {
			return nil, fmt.Errorf("policy %q: %w", p.Name, err)
		}
		out = append(out, PolicyDef{Name: p.Name, Kind: p.Kind, ExecutionLogging: p.ExecutionLogging, Config: *cfg})
	}
	slices.SortFunc(out, func(a, b PolicyDef) int { return cmp.Compare(a.Name, b.Name) })
	return out, nil
}

// config converts a stored config to its document form: reference IDs
// become names, and the secret fields are left out (write-only settings
// are never read back; importing the document needs them given again).
func (x *exporter) config(ctx context.Context, raw []byte, fields []typedconfig.RefField, secrets []string) (*yaml.Node, error) {
	n, err := jsonToNode(raw)
	if err != nil {
		return nil, err
	}
	for _, key := range secrets {
		deleteKey(n, key)
	}
	for _, f := range fields {
		v := mappingValue(n, f.Field)
		if v == nil {
			continue
		}
		var ids []int
		if err := v.Decode(&ids); err != nil {
			var one *int
			if err := v.Decode(&one); err != nil {
				return nil, fmt.Errorf("config field %s: %w", f.Field, err)
			}
			if one != nil {
				ids = []int{*one}
			}
		}
		names := make([]string, len(ids))
		for i, id := range ids {
			if names[i], err = x.name(ctx, f.Target, id); err != nil {
				return nil, fmt.Errorf("config field %s: %w", f.Field, err)
			}
		}
		*v = *nameNodes(f, names)
	}
	return n, nil
}

// name returns the document name of object id of type t.
func (x *exporter) name(ctx context.Context, t typedconfig.Target, id int) (string, error) {
	var (
		name string
		err  error
	)
	switch t {
	case typedconfig.TargetFlow:
		name, err = x.client.Flow.Query().Where(flow.ID(id)).Select(flow.FieldSlug).String(ctx)
	case typedconfig.TargetStage:
		name, err = x.client.Stage.Query().Where(stage.ID(id)).Select(stage.FieldName).String(ctx)
	case typedconfig.TargetPolicy:
		name, err = x.client.PolicyDefinition.Query().Where(policydefinition.ID(id)).Select(policydefinition.FieldName).String(ctx)
	case typedconfig.TargetGroup:
		name, err = x.client.Group.Query().Where(group.ID(id)).Select(group.FieldName).String(ctx)
	case typedconfig.TargetUser:
		name, err = x.client.User.Query().Where(user.ID(id)).Select(user.FieldUsername).String(ctx)
	default:
		return "", fmt.Errorf("unknown reference target %q", t)
	}
	if err != nil {
		return "", fmt.Errorf("%s %d: %w", t, id, err)
	}
	return name, nil
}
