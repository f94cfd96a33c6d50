package executor_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/deny"
	"github.com/gatehouse-id/gatehouse/executor/stages/dummy"
)

// Define is the one declaration of a kind: the registry decodes configs of
// the kind into its own type, and a definition copied from another kind
// fails at start-up, not at the first stored config.
func TestDefine(t *testing.T) {
	t.Parallel()
	var got *dummy.Config
	kind := executor.Define(dummy.Kind, func() *dummy.Config { return &dummy.Config{} },
		func(cfg *dummy.Config, _ executor.Deps) (executor.Stage, error) {
			got = cfg
			return dummy.New(cfg, executor.Deps{})
		})
	kinds := executor.NewStageKinds(kind)
	_, err := kinds.New(dummy.Kind, []byte(`{"throw_error": true}`), executor.Deps{})
	require.NoError(t, err)
	require.True(t, got.ThrowError, "build sees the decoded config")

	_, err = kind.New(&deny.Config{}, executor.Deps{})
	require.ErrorContains(t, err, "given a *deny.Config", "another kind's config is refused, never asserted")

	require.PanicsWithValue(t, "executor: stage kind deny defined with the config of kind dummy", func() {
		executor.Define(deny.Kind, func() *dummy.Config { return &dummy.Config{} }, dummy.New)
	})
}
