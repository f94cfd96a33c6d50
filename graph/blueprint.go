package graph

import (
	"context"

	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/privacy"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/integrity"
)

// kinds are the registries blueprints translate configs with.
func (r *Resolver) kinds() integrity.Kinds {
	return integrity.Kinds{Stages: r.Stages, Policies: r.Policies}
}

// exportFlow writes the flow slug as a blueprint; superusers only.
func (r *Resolver) exportFlow(ctx context.Context, slug string) (string, error) {
	if !viewer.FromContext(ctx).IsSuperuser() {
		return "", privacy.Denyf("only superusers may export flows")
	}
	out, err := blueprints.Export(ctx, r.client(ctx), r.kinds(), slug)
	return string(out), err
}

// importFlow applies a blueprint in the mutation's transaction;
// superusers only.
func (r *Resolver) importFlow(ctx context.Context, document string) (*ent.Flow, error) {
	if !viewer.FromContext(ctx).IsSuperuser() {
		return nil, privacy.Denyf("only superusers may import flows")
	}
	return blueprints.Import(ctx, ent.FromContext(ctx), r.kinds(), []byte(document))
}
