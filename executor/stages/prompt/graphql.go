package prompt

import (
	"context"

	"github.com/gatehouse-id/gatehouse/configref"
	"github.com/gatehouse-id/gatehouse/ent"
)

// The fields of PromptStage (prompt.graphqls) that show the objects the config refers to.

// ValidationPolicies are the policies the answers must pass, by name.
func (c *Config) ValidationPolicies(ctx context.Context) ([]*ent.PolicyDefinition, error) {
	return configref.Policies(ctx, c.ValidationPolicyIDs)
}
