package brand_test

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/brand"
	"github.com/gatehouse-id/gatehouse/ent"
	entbrand "github.com/gatehouse-id/gatehouse/ent/brand"
	"github.com/gatehouse-id/gatehouse/ent/flow"
	"github.com/gatehouse-id/gatehouse/ent/intercept"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
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
			RecoveryFlow:       "default-recovery-flow",
			UserSettingsFlow:   "default-user-settings-flow",
			UnenrollmentFlow:   "default-unenrollment-flow",
			DeviceCodeFlow:     "default-device-code-flow",
		}, s, "host %s (anonymous callers read the public side)", host)
		change, err := brand.PasswordChangeFlow(ctx, client, s.AuthenticationFlow)
		require.NoError(t, err)
		require.Equal(t, "default-password-change-flow", change, "anonymous callers may ask")
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

// ForHost reads the brands and their flows, and nothing the password
// change flow needs: "/" and every page ask for the brand.
func TestForHostReadsOnlyBrands(t *testing.T) {
	t.Parallel()
	client, ctx := setup(t)
	var (
		mu    sync.Mutex
		types []string
	)
	client.Intercept(intercept.TraverseFunc(func(_ context.Context, q intercept.Query) error {
		mu.Lock()
		defer mu.Unlock()
		types = append(types, q.Type())
		return nil
	}))
	s, err := brand.ForHost(ctx, client, "login.example.com")
	require.NoError(t, err)
	require.Equal(t, "default-authentication-flow", s.AuthenticationFlow)
	mu.Lock()
	defer mu.Unlock()
	require.Contains(t, types, ent.TypeBrand)
	for _, typ := range types {
		require.Contains(t, []string{ent.TypeBrand, ent.TypeFlow}, typ, "ForHost read %v", types)
	}
}

func TestPasswordChangeFlow(t *testing.T) {
	t.Parallel()
	client, ctx := setup(t)
	sys := viewer.SystemContext(ctx)
	for flow, want := range map[string]string{
		"default-authentication-flow": "default-password-change-flow",
		"default-enrollment-flow":     "", // its password is a prompt field, not a password stage
		"no-such-flow":                "",
		"":                            "",
	} {
		got, err := brand.PasswordChangeFlow(ctx, client, flow)
		require.NoError(t, err)
		require.Equal(t, want, got, "flow %q", flow)
	}

	// The first password stage (by binding order) that names a configure
	// flow decides.
	login, err := client.Flow.Query().Where(flow.Slug("default-authentication-flow")).Only(sys)
	require.NoError(t, err)
	changeFlow, err := client.Flow.Create().SetSlug("other-change").SetName("other-change").SetTitle("Change").
		SetDesignation(enum.FlowDesignationStageConfiguration).Save(sys)
	require.NoError(t, err)
	tx, err := client.Tx(sys) // stage configs are written in a transaction (package integrity)
	require.NoError(t, err)
	first, err := tx.Stage.Create().SetName("first-password").SetKind("password").
		SetConfig(json.RawMessage(`{"backends": ["inbuilt"], "configure_flow": ` + strconv.Itoa(changeFlow.ID) + `}`)).Save(sys)
	require.NoError(t, err)
	_, err = tx.FlowStageBinding.Create().SetFlowID(login.ID).SetStageID(first.ID).SetOrder(-1).Save(sys)
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	got, err := brand.PasswordChangeFlow(ctx, client, "default-authentication-flow")
	require.NoError(t, err)
	require.Equal(t, "other-change", got)
}
