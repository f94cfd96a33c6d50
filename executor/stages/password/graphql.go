package password

import (
	"context"

	"github.com/gatehouse-id/gatehouse/configref"
	"github.com/gatehouse-id/gatehouse/ent"
)

// The fields of PasswordStage (password.graphqls) that show the objects the config refers to.

// ConfigureFlow is the flow a signed-in user runs to change the password.
func (c *Config) ConfigureFlow(ctx context.Context) (*ent.Flow, error) {
	return configref.Flow(ctx, c.ConfigureFlowID)
}
