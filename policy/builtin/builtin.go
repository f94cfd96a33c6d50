// Package builtin lists every policy kind Gatehouse ships.
package builtin

import (
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/policy/dummy"
	"github.com/gatehouse-id/gatehouse/policy/eventmatcher"
	"github.com/gatehouse-id/gatehouse/policy/expiry"
	"github.com/gatehouse-id/gatehouse/policy/expression"
	"github.com/gatehouse-id/gatehouse/policy/password"
	"github.com/gatehouse-id/gatehouse/policy/reputation"
)

// All returns a registry of every shipped policy kind.
func All() *policy.Kinds {
	return policy.NewKinds(
		dummy.Definition(),
		eventmatcher.Definition(),
		expiry.Definition(),
		expression.Definition(),
		password.Definition(),
		reputation.Definition(),
	)
}
