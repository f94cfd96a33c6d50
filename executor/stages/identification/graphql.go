package identification

import (
	"context"

	"github.com/gatehouse-id/gatehouse/configref"
	"github.com/gatehouse-id/gatehouse/ent"
)

// The fields of IdentificationStage (identification.graphqls) that show the objects the config refers to.

// PasswordStage is the password stage whose settings check a password
// asked on the same screen.
func (c *Config) PasswordStage(ctx context.Context) (*ent.Stage, error) {
	return configref.Stage(ctx, c.PasswordStageID)
}

// EnrollmentFlow is the flow linked as "sign up".
func (c *Config) EnrollmentFlow(ctx context.Context) (*ent.Flow, error) {
	return configref.Flow(ctx, c.EnrollmentFlowID)
}

// RecoveryFlow is the flow linked as "forgot password".
func (c *Config) RecoveryFlow(ctx context.Context) (*ent.Flow, error) {
	return configref.Flow(ctx, c.RecoveryFlowID)
}

// PasswordlessFlow is the flow linked as "log in with a passkey".
func (c *Config) PasswordlessFlow(ctx context.Context) (*ent.Flow, error) {
	return configref.Flow(ctx, c.PasswordlessFlowID)
}
