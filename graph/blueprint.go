package graph

import "github.com/gatehouse-id/gatehouse/integrity"

// kinds are the registries blueprints translate configs with.
func (r *Resolver) kinds() integrity.Kinds {
	return integrity.Kinds{Stages: r.Stages, Policies: r.Policies}
}
