package policy_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/policy/dummy"
	"github.com/gatehouse-id/gatehouse/policy/expiry"
)

// Define is the one declaration of a policy kind (see executor.Define).
func TestDefine(t *testing.T) {
	t.Parallel()
	build := func(cfg *dummy.Config, _ policy.Deps) (policy.Evaluator, error) { return dummy.New(cfg), nil }
	kind := policy.Define(dummy.Kind, func() *dummy.Config { return &dummy.Config{} }, build)
	_, err := policy.NewKinds(kind).New(dummy.Kind, []byte(`{}`), policy.Deps{})
	require.NoError(t, err)

	_, err = kind.New(&expiry.Config{}, policy.Deps{})
	require.ErrorContains(t, err, "given a *expiry.Config")

	require.PanicsWithValue(t, "policy: kind expiry defined with the config of kind dummy", func() {
		policy.Define(expiry.Kind, func() *dummy.Config { return &dummy.Config{} }, build)
	})
}
