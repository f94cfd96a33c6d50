// Package configref loads the objects a stage's or policy's config refers
// to by ID, for the GraphQL fields that show them (IdentificationStage's
// enrollmentFlow shows the flow enrollment_flow names). A kind's config
// type resolves its own reference fields with these, so a new kind needs
// no resolver in graph/:
//
//	func (c *Config) EnrollmentFlow(ctx context.Context) (*ent.Flow, error) {
//		return configref.Flow(ctx, c.EnrollmentFlowID)
//	}
//
// The ent client comes from the context (ent.FromContext): the API puts
// its client, or a mutation's transaction, there for every operation. A
// reference to an object that is gone, or that the caller may not see,
// shows as null.
package configref

import (
	"context"
	"errors"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/policydefinition"
	"github.com/gatehouse-id/gatehouse/ent/stage"
)

// ErrNoClient is returned when the context carries no ent client: a
// programming error of the caller (the API always puts one there).
var ErrNoClient = errors.New("configref: the context carries no ent client")

// Flow returns the flow id refers to; nil (GraphQL null) when id is unset
// or the flow is gone.
func Flow(ctx context.Context, id *int) (*ent.Flow, error) {
	return get(ctx, id, func(c *ent.Client, id int) (*ent.Flow, error) { return c.Flow.Get(ctx, id) })
}

// Stage returns the stage id refers to; nil when id is unset or the stage
// is gone.
func Stage(ctx context.Context, id *int) (*ent.Stage, error) {
	return get(ctx, id, func(c *ent.Client, id int) (*ent.Stage, error) { return c.Stage.Get(ctx, id) })
}

// Group returns the group id refers to; nil when id is unset or the group
// is gone.
func Group(ctx context.Context, id *int) (*ent.Group, error) {
	return get(ctx, id, func(c *ent.Client, id int) (*ent.Group, error) { return c.Group.Get(ctx, id) })
}

// Policies returns the policies ids refer to that still exist, by name.
func Policies(ctx context.Context, ids []int) ([]*ent.PolicyDefinition, error) {
	if len(ids) == 0 {
		return []*ent.PolicyDefinition{}, nil
	}
	c := ent.FromContext(ctx)
	if c == nil {
		return nil, ErrNoClient
	}
	return c.PolicyDefinition.Query().
		Where(policydefinition.IDIn(ids...)).
		Order(policydefinition.ByName()).
		All(ctx)
}

// get loads the object id refers to with load, or nil.
func get[T any](ctx context.Context, id *int, load func(*ent.Client, int) (*T, error)) (*T, error) {
	if id == nil {
		return nil, nil //nolint:nilnil // an unset reference is null, not an error
	}
	c := ent.FromContext(ctx)
	if c == nil {
		return nil, ErrNoClient
	}
	v, err := load(c, *id)
	if ent.IsNotFound(err) {
		return nil, nil //nolint:nilnil // a reference to an object gone or hidden is null
	}
	return v, err
}

// Stages returns the stages ids refer to that still exist, in the order
// of ids.
func Stages(ctx context.Context, ids []int) ([]*ent.Stage, error) {
	if len(ids) == 0 {
		return []*ent.Stage{}, nil
	}
	c := ent.FromContext(ctx)
	if c == nil {
		return nil, ErrNoClient
	}
	found, err := c.Stage.Query().Where(stage.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*ent.Stage, 0, len(found))
	for _, id := range ids {
		for _, s := range found {
			if s.ID == id {
				out = append(out, s)
			}
		}
	}
	return out, nil
}
