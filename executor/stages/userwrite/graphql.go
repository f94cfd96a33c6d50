package userwrite

import (
	"context"

	"github.com/gatehouse-id/gatehouse/configref"
	"github.com/gatehouse-id/gatehouse/ent"
)

// The fields of UserWriteStage (userwrite.graphqls) that show the objects the config refers to.

// CreateUsersGroup is the group created users join.
func (c *Config) CreateUsersGroup(ctx context.Context) (*ent.Group, error) {
	return configref.Group(ctx, c.CreateUsersGroupID)
}
