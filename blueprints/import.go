package blueprints

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/flow"
	"github.com/gatehouse-id/gatehouse/ent/flowstagebinding"
	"github.com/gatehouse-id/gatehouse/ent/group"
	"github.com/gatehouse-id/gatehouse/ent/policybinding"
	"github.com/gatehouse-id/gatehouse/ent/policydefinition"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/stage"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/integrity"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/typedconfig"
)

// Import parses src and applies it (see ImportDocument).
func Import(ctx context.Context, client *ent.Client, kinds integrity.Kinds, src []byte) (*ent.Flow, error) {
	doc, err := Parse(src)
	if err != nil {
		return nil, err
	}
	return ImportDocument(ctx, client, kinds, doc)
}

// ImportDocument makes the database hold doc:
//
//   - the flow is created, or updated in place when its slug exists;
//   - each stage and policy is created, or updated in place when one of
//     that name exists (its kind must then match: kinds never change);
//     objects are written after those their configs refer to, and a cycle
//     of references is refused;
//   - the flow's stage bindings and flow-level policy bindings are replaced
//     by the document's.
//
// Stages and policies the document no longer binds are left in place: they
// may serve other flows. References to objects outside the document must
// resolve, or the import fails with an *Error naming the field. client must
// be transactional (the caller commits or rolls back) and acts as the
// caller of ctx, so privacy rules and the integrity hooks apply as for any
// write.
func ImportDocument(ctx context.Context, client *ent.Client, kinds integrity.Kinds, doc *Document) (*ent.Flow, error) {
	if err := doc.Check(); err != nil {
		return nil, err
	}
	im := &importer{client: client, kinds: kinds, doc: doc, stageIDs: map[string]int{}, policyIDs: map[string]int{}}
	f, err := im.flow(ctx)
	if err != nil {
		return nil, err
	}
	im.flowID = f.ID
	order, err := im.plan()
	if err != nil {
		return nil, err
	}
	for _, o := range order {
		if err := im.write(ctx, o); err != nil {
			return nil, err
		}
	}
	if err := im.bindings(ctx); err != nil {
		return nil, err
	}
	return client.Flow.Get(ctx, f.ID)
}

// importer carries one import.
type importer struct {
	client    *ent.Client
	kinds     integrity.Kinds
	doc       *Document
	flowID    int
	stageIDs  map[string]int
	policyIDs map[string]int
}

// flow creates or updates the document's flow.
func (im *importer) flow(ctx context.Context) (*ent.Flow, error) {
	d := im.doc.Flow
	existing, err := im.client.Flow.Query().Where(flow.Slug(d.Slug)).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		c := im.client.Flow.Create().SetSlug(d.Slug).SetName(d.Name).SetTitle(d.Title).
			SetDesignation(d.Designation).SetBackground(d.Background).SetCompatibilityMode(d.CompatibilityMode)
		if d.Layout != "" {
			c.SetLayout(d.Layout)
		}
		if d.DeniedAction != "" {
			c.SetDeniedAction(d.DeniedAction)
		}
		if d.Authentication != "" {
			c.SetAuthentication(d.Authentication)
		}
		if d.PolicyEngineMode != "" {
			c.SetPolicyEngineMode(d.PolicyEngineMode)
		}
		f, err := c.Save(ctx)
		return f, fieldError("flow", err)
	case err != nil:
		return nil, fmt.Errorf("look up flow %q: %w", d.Slug, err)
	}
	f, err := existing.Update().SetName(d.Name).SetTitle(d.Title).SetDesignation(d.Designation).
		SetLayout(orDefault(d.Layout, enum.FlowLayoutStacked)).SetBackground(d.Background).
		SetCompatibilityMode(d.CompatibilityMode).
		SetDeniedAction(orDefault(d.DeniedAction, enum.DeniedActionMessageContinue)).
		SetAuthentication(orDefault(d.Authentication, enum.AuthenticationNone)).
		SetPolicyEngineMode(orDefault(d.PolicyEngineMode, enum.PolicyEngineModeAny)).
		Save(ctx)
	return f, fieldError("flow", err)
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// object is a stage or policy of the document with its references.
type object struct {
	policy bool
	index  int
	name   string
	kind   string
	config *yaml.Node
	fields []typedconfig.RefField
	// names are the names each reference field gives.
	names map[string][]string
}

func (o *object) path() string {
	if o.policy {
		return fmt.Sprintf("policies[%d]", o.index)
	}
	return fmt.Sprintf("stages[%d]", o.index)
}

func (o *object) key() string {
	if o.policy {
		return "policy:" + o.name
	}
	return "stage:" + o.name
}

// plan reads every object's references and orders the objects so that
// each comes after the document's objects it refers to.
func (im *importer) plan() ([]*object, error) {
	objs := make([]*object, 0, len(im.doc.Stages)+len(im.doc.Policies))
	for i := range im.doc.Stages {
		s := &im.doc.Stages[i]
		objs = append(objs, &object{index: i, name: s.Name, kind: s.Kind, config: &s.Config})
	}
	for i := range im.doc.Policies {
		p := &im.doc.Policies[i]
		objs = append(objs, &object{policy: true, index: i, name: p.Name, kind: p.Kind, config: &p.Config})
	}
	byKey := make(map[string]*object, len(objs))
	for _, o := range objs {
		byKey[o.key()] = o
	}
	deps := make(map[*object][]*object, len(objs))
	for _, o := range objs {
		if err := im.readRefs(o); err != nil {
			return nil, err
		}
		for _, f := range o.fields {
			if f.Target != typedconfig.TargetStage && f.Target != typedconfig.TargetPolicy {
				continue
			}
			for _, n := range o.names[f.Field] {
				if dep, ok := byKey[string(f.Target)+":"+n]; ok {
					deps[o] = append(deps[o], dep)
				}
			}
		}
	}
	return topoSort(objs, deps)
}

// readRefs reads o's reference fields and the names its config gives them.
func (im *importer) readRefs(o *object) error {
	var err error
	if o.policy {
		o.fields, err = im.kinds.Policies.RefFields(o.kind)
	} else {
		o.fields, err = im.kinds.Stages.RefFields(o.kind)
	}
	if err != nil {
		if fe, ok := errors.AsType[*problem.FieldError](err); ok {
			return errorf(o.path()+".kind", 0, "%s", fe.Message)
		}
		return err
	}
	if o.config.Kind != 0 && o.config.Kind != yaml.MappingNode {
		return errorf(o.path()+".config", o.config.Line, "must be a mapping")
	}
	o.names = map[string][]string{}
	for _, f := range o.fields {
		names, err := configNames(o.config, f, o.path()+".config."+f.Field)
		if err != nil {
			return err
		}
		o.names[f.Field] = names
	}
	return nil
}

// topoSort orders objs so each follows its deps, keeping document order
// where free; a cycle is an error naming its members.
func topoSort(objs []*object, deps map[*object][]*object) ([]*object, error) {
	const (
		unvisited = iota
		visiting
		done
	)
	state := make(map[*object]int, len(objs))
	out := make([]*object, 0, len(objs))
	var visit func(o *object, chain []string) error
	visit = func(o *object, chain []string) error {
		switch state[o] {
		case done:
			return nil
		case visiting:
			return errorf(o.path()+".config", 0, "references form a cycle: %s", strings.Join(append(chain, o.key()), " -> "))
		}
		state[o] = visiting
		for _, d := range deps[o] {
			if err := visit(d, append(chain, o.key())); err != nil {
				return err
			}
		}
		state[o] = done
		out = append(out, o)
		return nil
	}
	for _, o := range objs {
		if err := visit(o, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// write creates or updates one object, its references resolved to IDs.
func (im *importer) write(ctx context.Context, o *object) error {
	ids := make(map[string][]int, len(o.fields))
	for _, f := range o.fields {
		names := o.names[f.Field]
		resolved := make([]int, len(names))
		for i, n := range names {
			id, err := im.resolve(ctx, f.Target, n)
			if err != nil {
				path := o.path() + ".config." + f.Field
				if f.Many {
					path = fmt.Sprintf("%s[%d]", path, i)
				}
				return errorf(path, 0, "%v", err)
			}
			resolved[i] = id
		}
		ids[f.Field] = resolved
	}
	raw, err := nodeToJSON(o.config, o.path()+".config", ids, o.fields)
	if err != nil {
		return err
	}
	if o.policy {
		return im.writePolicy(ctx, o, raw)
	}
	return im.writeStage(ctx, o, raw)
}

func (im *importer) writeStage(ctx context.Context, o *object, raw []byte) error {
	existing, err := im.client.Stage.Query().Where(stage.Name(o.name)).Only(ctx)
	var s *ent.Stage
	switch {
	case ent.IsNotFound(err):
		s, err = im.client.Stage.Create().SetName(o.name).SetKind(o.kind).SetConfig(raw).Save(ctx)
	case err != nil:
		return fmt.Errorf("look up stage %q: %w", o.name, err)
	case existing.Kind != o.kind:
		return errorf(o.path()+".kind", 0, "stage %q exists with kind %s; a stage's kind cannot change", o.name, existing.Kind)
	default:
		s, err = existing.Update().SetConfig(raw).Save(ctx)
	}
	if err != nil {
		return fieldError(o.path(), err)
	}
	im.stageIDs[o.name] = s.ID
	return nil
}

func (im *importer) writePolicy(ctx context.Context, o *object, raw []byte) error {
	d := im.doc.Policies[o.index]
	existing, err := im.client.PolicyDefinition.Query().Where(policydefinition.Name(o.name)).Only(ctx)
	var p *ent.PolicyDefinition
	switch {
	case ent.IsNotFound(err):
		p, err = im.client.PolicyDefinition.Create().SetName(o.name).SetKind(o.kind).SetConfig(raw).
			SetExecutionLogging(d.ExecutionLogging).Save(ctx)
	case err != nil:
		return fmt.Errorf("look up policy %q: %w", o.name, err)
	case existing.Kind != o.kind:
		return errorf(o.path()+".kind", 0, "policy %q exists with kind %s; a policy's kind cannot change", o.name, existing.Kind)
	default:
		p, err = existing.Update().SetConfig(raw).SetExecutionLogging(d.ExecutionLogging).Save(ctx)
	}
	if err != nil {
		return fieldError(o.path(), err)
	}
	im.policyIDs[o.name] = p.ID
	return nil
}

// resolve finds the ID of the object of type t called name: the
// document's own stages and policies first, then existing objects.
func (im *importer) resolve(ctx context.Context, t typedconfig.Target, name string) (int, error) {
	var (
		id  int
		err error
	)
	switch t {
	case typedconfig.TargetStage:
		if id, ok := im.stageIDs[name]; ok {
			return id, nil
		}
		id, err = im.client.Stage.Query().Where(stage.Name(name)).OnlyID(ctx)
	case typedconfig.TargetPolicy:
		if id, ok := im.policyIDs[name]; ok {
			return id, nil
		}
		id, err = im.client.PolicyDefinition.Query().Where(policydefinition.Name(name)).OnlyID(ctx)
	case typedconfig.TargetFlow:
		id, err = im.client.Flow.Query().Where(flow.Slug(name)).OnlyID(ctx)
	case typedconfig.TargetGroup:
		id, err = im.client.Group.Query().Where(group.Name(name)).OnlyID(ctx)
	case typedconfig.TargetUser:
		id, err = im.client.User.Query().Where(user.Username(name)).OnlyID(ctx)
	default:
		return 0, fmt.Errorf("unknown reference target %q", t)
	}
	if ent.IsNotFound(err) {
		what := "named"
		if t == typedconfig.TargetFlow {
			what = "with slug"
		}
		return 0, fmt.Errorf("there is no %s %s %q", t, what, name)
	}
	if err != nil {
		return 0, fmt.Errorf("look up %s %q: %w", t, name, err)
	}
	return id, nil
}

// bindings replaces the flow's bindings by the document's.
func (im *importer) bindings(ctx context.Context) error {
	c := im.client
	if _, err := c.PolicyBinding.Delete().Where(policybinding.Or(
		policybinding.FlowID(im.flowID),
		policybinding.HasFlowStageBindingWith(flowstagebinding.FlowID(im.flowID)),
	)).Exec(ctx); err != nil {
		return fmt.Errorf("remove old policy bindings: %w", err)
	}
	if _, err := c.FlowStageBinding.Delete().Where(flowstagebinding.FlowID(im.flowID)).Exec(ctx); err != nil {
		return fmt.Errorf("remove old stage bindings: %w", err)
	}
	for i, pb := range im.doc.Flow.Policies {
		if err := im.bind(ctx, pb, fmt.Sprintf("flow.policies[%d]", i), func(c *ent.PolicyBindingCreate) { c.SetFlowID(im.flowID) }); err != nil {
			return err
		}
	}
	for i, sb := range im.doc.Flow.Stages {
		path := fmt.Sprintf("flow.stages[%d]", i)
		c := c.FlowStageBinding.Create().SetFlowID(im.flowID).SetStageID(im.stageIDs[sb.Stage]).
			SetOrder(sb.Order).SetEvaluateOnPlan(sb.EvaluateOnPlan).
			SetReEvaluatePolicies(sb.ReEvaluatePolicies == nil || *sb.ReEvaluatePolicies).
			SetInvalidResponseAction(orDefault(sb.InvalidResponseAction, enum.InvalidResponseActionRetry)).
			SetPolicyEngineMode(orDefault(sb.PolicyEngineMode, enum.PolicyEngineModeAny))
		b, err := c.Save(ctx)
		if err != nil {
			return fieldError(path, err)
		}
		for j, pb := range sb.Policies {
			if err := im.bind(ctx, pb, fmt.Sprintf("%s.policies[%d]", path, j), func(c *ent.PolicyBindingCreate) { c.SetFlowStageBindingID(b.ID) }); err != nil {
				return err
			}
		}
	}
	return nil
}

// bind creates one policy binding; to sets what it is bound to.
func (im *importer) bind(ctx context.Context, b Binding, path string, to func(*ent.PolicyBindingCreate)) error {
	c := im.client.PolicyBinding.Create().SetOrder(b.Order).SetEnabled(b.Enabled == nil || *b.Enabled).
		SetNegate(b.Negate).SetTimeout(orDefault(b.Timeout, 30)).SetFailureResult(b.FailureResult)
	switch {
	case b.Policy != "":
		c.SetPolicyID(im.policyIDs[b.Policy])
	case b.User != "":
		id, err := im.resolve(ctx, typedconfig.TargetUser, b.User)
		if err != nil {
			return errorf(path+".user", 0, "%v", err)
		}
		c.SetUserID(id)
	default:
		id, err := im.resolve(ctx, typedconfig.TargetGroup, b.Group)
		if err != nil {
			return errorf(path+".group", 0, "%v", err)
		}
		c.SetGroupID(id)
	}
	to(c)
	if _, err := c.Save(ctx); err != nil {
		return fieldError(path, err)
	}
	return nil
}

// fieldError places a write's validation error at path in the document;
// other errors pass through.
func fieldError(path string, err error) error {
	if err == nil {
		return nil
	}
	var (
		fe *problem.FieldError
		ve *ent.ValidationError
	)
	switch {
	case errors.As(err, &fe):
		return errorf(joinPath(path, fe.Field), 0, "%s", fe.Message)
	case errors.As(err, &ve):
		inner := errors.Unwrap(ve)
		for inner != nil && errors.Unwrap(inner) != nil {
			inner = errors.Unwrap(inner)
		}
		msg := "is not valid"
		if inner != nil {
			msg = inner.Error()
		}
		return errorf(joinPath(path, ve.Name), 0, "%s", msg)
	}
	return err
}

func joinPath(parent, field string) string {
	if field == "" {
		return parent
	}
	return parent + "." + field
}
