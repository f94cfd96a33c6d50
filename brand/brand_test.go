package brand_test

import (
	"context"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/brand"
	"github.com/gatehouse-id/gatehouse/ent"
	entbrand "github.com/gatehouse-id/gatehouse/ent/brand"
	"github.com/gatehouse-id/gatehouse/ent/flow"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/executor/stages"
	"github.com/gatehouse-id/gatehouse/integrity"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/policy/builtin"
)

// setup returns a database with the default blueprints applied (the
// default brand serves login.example.com) and an anonymous context.
func setup(t *testing.T) (*ent.Client, context.Context) {
	t.Helper()
	db := servicetest.Database(t, dialect.SQLite)
	kinds := integrity.Kinds{Stages: stages.All(), Policies: builtin.All()}
	integrity.Install(db.Ent, kinds)
	_, err := blueprints.ApplyDefaults(viewer.SystemContext(t.Context()), db.Ent, blueprints.DefaultsParams{
		Dialect: dialect.SQLite, BrandDomain: "login.example.com", Kinds: kinds,
	})
	require.NoError(t, err)
	return db.Ent, t.Context()
}

func TestForHostDefaultBrand(t *testing.T) {
	t.Parallel()
	client, ctx := setup(t)
	for _, host := range []string{"login.example.com", "elsewhere.example.org"} {
		s, err := brand.ForHost(ctx, client, host)
		require.NoError(t, err)
		require.Equal(t, brand.Site{
			Title:              "Gatehouse",
			AuthenticationFlow: "default-authentication-flow",
			InvalidationFlow:   "default-invalidation-flow",
			UserSettingsFlow:   "default-user-settings-flow",
			UnenrollmentFlow:   "default-unenrollment-flow",
			PasswordChangeFlow: "default-password-change-flow",
		}, s, "host %s (anonymous callers read the public side)", host)
	}
}

func TestForHostPrefersTheBrandOfTheHost(t *testing.T) {
	t.Parallel()
	client, ctx := setup(t)
	sys := viewer.SystemContext(ctx)
	login, err := client.Flow.Query().Where(flow.Slug("default-authentication-flow")).Only(sys)
	require.NoError(t, err)
	enrol, err := client.Flow.Query().Where(flow.Slug("default-enrollment-flow")).Only(sys)
	require.NoError(t, err)
	_, err = client.Brand.Create().SetDomain("shop.example.com").SetBrandingTitle("Shop").
		SetBrandingLogo("/static/shop.svg").SetFlowAuthenticationID(login.ID).SetFlowRecoveryID(enrol.ID).Save(sys)
	require.NoError(t, err)

	s, err := brand.ForHost(ctx, client, "SHOP.example.com")
	require.NoError(t, err)
	require.Equal(t, "Shop", s.Title)
	require.Equal(t, "/static/shop.svg", s.Logo)
	require.Equal(t, "default-authentication-flow", s.AuthenticationFlow)
	require.Equal(t, "default-enrollment-flow", s.RecoveryFlow)
	require.Empty(t, s.InvalidationFlow, "this brand names no invalidation flow")
	require.Equal(t, "default-password-change-flow", s.PasswordChangeFlow)

	s, err = brand.ForHost(ctx, client, "login.example.com")
	require.NoError(t, err)
	require.Equal(t, "Gatehouse", s.Title, "other hosts keep the default brand")
}

func TestForHostWithoutBrands(t *testing.T) {
	t.Parallel()
	client, ctx := setup(t)
	_, err := client.Brand.Delete().Where(entbrand.IsDefault(true)).Exec(viewer.SystemContext(ctx))
	require.NoError(t, err)
	s, err := brand.ForHost(ctx, client, "login.example.com")
	require.NoError(t, err)
	require.Equal(t, brand.Site{Title: brand.DefaultTitle}, s)
}
