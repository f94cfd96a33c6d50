// Package builtin lists every policy kind Gatehouse ships.
package builtin

import (
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/policy/dummy"
	"github.com/gatehouse-id/gatehouse/policy/expression"
)

// All returns a registry of every shipped policy kind.
func All() *policy.Kinds {
	return policy.NewKinds(
		dummy.Definition(),
		expression.Definition(),
	)
}
