package graph_test

import (
	"context"
	"sync"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/intercept"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/executor/stages"
	"github.com/gatehouse-id/gatehouse/integrity"
	"github.com/gatehouse-id/gatehouse/policy/builtin"
)

// currentBrand finds the password change flow only when asked for it:
// every page asks for the brand, only the settings page for that flow.
func TestCurrentBrandPasswordChangeFlow(t *testing.T) {
	t.Parallel()
	b := setup(t, dialect.SQLite)
	_, err := blueprints.ApplyDefaults(viewer.SystemContext(t.Context()), b.client, blueprints.DefaultsParams{
		Dialect: dialect.SQLite, BrandDomain: "login.example.com", Kinds: integrity.Kinds{Stages: stages.All(), Policies: builtin.All()},
	})
	require.NoError(t, err)
	var (
		mu    sync.Mutex
		types []string
	)
	b.client.Intercept(intercept.TraverseFunc(func(_ context.Context, q intercept.Query) error {
		mu.Lock()
		defer mu.Unlock()
		types = append(types, q.Type())
		return nil
	}))
	read := func() []string {
		mu.Lock()
		defer mu.Unlock()
		defer func() { types = nil }()
		return types
	}

	var site struct {
		CurrentBrand struct{ Title, AuthenticationFlow, PasswordChangeFlow string }
	}
	b.mustDo(t, b.anonymous, `{ currentBrand { title authenticationFlow } }`, nil, &site)
	require.Equal(t, "default-authentication-flow", site.CurrentBrand.AuthenticationFlow)
	require.NotContains(t, read(), ent.TypeFlowStageBinding, "the password stages are not read")

	b.mustDo(t, b.anonymous, `{ currentBrand { passwordChangeFlow } }`, nil, &site)
	require.Equal(t, "default-password-change-flow", site.CurrentBrand.PasswordChangeFlow)
	require.Contains(t, read(), ent.TypeFlowStageBinding)
}
