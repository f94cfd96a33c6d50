package authenticatorvalidate

import (
	"context"

	"github.com/gatehouse-id/gatehouse/configref"
	"github.com/gatehouse-id/gatehouse/ent"
)

// The fields of AuthenticatorValidateStage (authenticatorvalidate.graphqls)
// that show the objects the config refers to.

// ConfigurationStages are the setup stages configuration_stages names.
func (c *Config) ConfigurationStages(ctx context.Context) ([]*ent.Stage, error) {
	return configref.Stages(ctx, c.ConfigurationStageIDs)
}
