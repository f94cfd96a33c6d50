package redirect

import (
	"context"

	"github.com/gatehouse-id/gatehouse/configref"
	"github.com/gatehouse-id/gatehouse/ent"
)

// The fields of RedirectStage (redirect.graphqls) that show the objects the config refers to.

// TargetFlow is the flow to continue in (flow mode).
func (c *Config) TargetFlow(ctx context.Context) (*ent.Flow, error) {
	return configref.Flow(ctx, c.TargetFlowID)
}
