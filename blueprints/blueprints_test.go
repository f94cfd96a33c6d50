package blueprints_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/appliedblueprint"
	"github.com/gatehouse-id/gatehouse/ent/brand"
	"github.com/gatehouse-id/gatehouse/ent/flow"
	"github.com/gatehouse-id/gatehouse/ent/flowstagebinding"
	"github.com/gatehouse-id/gatehouse/ent/policybinding"
	"github.com/gatehouse-id/gatehouse/ent/stage"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/executor/stages"
	"github.com/gatehouse-id/gatehouse/integrity"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/policy/builtin"
)

var update = flag.Bool("update", false, "rewrite the golden exports under testdata/")

// env is a migrated database with the integrity hooks, acting as the system.
type env struct {
	ctx     context.Context
	client  *ent.Client
	kinds   integrity.Kinds
	dialect string
}

func newEnv(t *testing.T, d string) *env {
	t.Helper()
	db := servicetest.Database(t, d)
	kinds := integrity.Kinds{Stages: stages.All(), Policies: builtin.All()}
	integrity.Install(db.Ent, kinds)
	return &env{ctx: viewer.SystemContext(t.Context()), client: db.Ent, kinds: kinds, dialect: d}
}

func (e *env) applyDefaults(t *testing.T) []string {
	t.Helper()
	applied, err := blueprints.ApplyDefaults(e.ctx, e.client, blueprints.DefaultsParams{
		Dialect: e.dialect, BrandDomain: "login.example.com", Kinds: e.kinds,
	})
	require.NoError(t, err)
	return applied
}

// importDoc imports src in a transaction, committed when it succeeds.
func (e *env) importDoc(t *testing.T, src string) (*ent.Flow, error) {
	t.Helper()
	tx, err := e.client.Tx(e.ctx)
	require.NoError(t, err)
	f, err := blueprints.Import(ent.NewTxContext(e.ctx, tx), tx.Client(), e.kinds, []byte(src))
	if err != nil {
		require.NoError(t, tx.Rollback())
		return nil, err
	}
	require.NoError(t, tx.Commit())
	return f, nil
}

func (e *env) export(t *testing.T, slug string) string {
	t.Helper()
	out, err := blueprints.Export(e.ctx, e.client, e.kinds, slug)
	require.NoError(t, err)
	return string(out)
}

// bindings lists the flow's stage names in binding order.
func (e *env) bindings(t *testing.T, slug string) []string {
	t.Helper()
	bs, err := e.client.FlowStageBinding.Query().
		Where(flowstagebinding.HasFlowWith(flow.Slug(slug))).
		Order(flowstagebinding.ByOrder(), flowstagebinding.ByID()).WithStage().All(e.ctx)
	require.NoError(t, err)
	names := make([]string, len(bs))
	for i, b := range bs {
		names[i] = b.Edges.Stage.Name
	}
	return names
}

func forEachDialect(t *testing.T, f func(t *testing.T, d string)) {
	t.Helper()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			f(t, d)
		})
	}
}

func TestApplyDefaultsCreatesTheDefaultFlowsOnce(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		applied := e.applyDefaults(t)
		shipped, err := blueprints.Defaults()
		require.NoError(t, err)
		require.Len(t, applied, len(shipped)+1, "every default and the brand")

		slugs, err := e.client.Flow.Query().Order(flow.BySlug()).Select(flow.FieldSlug).Strings(e.ctx)
		require.NoError(t, err)
		require.Equal(t, []string{
			blueprints.AuthenticationFlow, blueprints.AuthenticatorEmailSetupFlow, blueprints.AuthenticatorStaticSetupFlow, blueprints.AuthenticatorTOTPSetupFlow, blueprints.AuthenticatorWebAuthnSetupFlow,
			blueprints.DeviceCodeFlow, blueprints.EnrollmentFlow, blueprints.InvalidationFlow, blueprints.MFAConfirmationFlow,
			blueprints.PasswordChangeFlow, blueprints.PasswordlessFlow, blueprints.ExplicitConsentFlow, blueprints.ImplicitConsentFlow,
			blueprints.RecoveryFlow, blueprints.UnenrollmentFlow, blueprints.UserSettingsFlow,
		}, slugs)
		require.Equal(t, []string{
			"default-authentication-identification", "default-authentication-password", "default-authentication-mfa-validation",
			"default-authentication-login",
		}, e.bindings(t, blueprints.AuthenticationFlow))
		require.Equal(t, []string{"default-invalidation-logout"}, e.bindings(t, blueprints.InvalidationFlow))
		require.Equal(t, []string{"default-passwordless-webauthn", "default-passwordless-login"}, e.bindings(t, blueprints.PasswordlessFlow))
		require.Equal(t, []string{"default-authenticator-totp-setup"}, e.bindings(t, blueprints.AuthenticatorTOTPSetupFlow))
		require.Equal(t, []string{"default-authenticator-webauthn-setup"}, e.bindings(t, blueprints.AuthenticatorWebAuthnSetupFlow))
		require.Equal(t, []string{
			"default-recovery-identification", "default-recovery-email", "default-recovery-mfa-validation", "default-recovery-prompt-password",
			"default-recovery-write", "default-recovery-login",
		}, e.bindings(t, blueprints.RecoveryFlow))
		require.Equal(t, []string{
			"default-enrollment-captcha", "default-enrollment-prompt-credentials", "default-enrollment-prompt-details",
			"default-enrollment-write", "default-enrollment-email", "default-enrollment-login",
		}, e.bindings(t, blueprints.EnrollmentFlow))
		require.Equal(t, []string{"default-authenticator-static-setup"}, e.bindings(t, blueprints.AuthenticatorStaticSetupFlow))
		require.Equal(t, []string{"default-authenticator-email-setup"}, e.bindings(t, blueprints.AuthenticatorEmailSetupFlow))
		require.Equal(t, []string{"default-mfa-confirmation-validation", "default-mfa-confirmation-login"}, e.bindings(t, blueprints.MFAConfirmationFlow))

		b, err := e.client.Brand.Query().Where(brand.IsDefault(true)).
			WithFlowAuthentication().WithFlowInvalidation().WithFlowUserSettings().WithFlowUnenrollment().WithFlowDeviceCode().
			WithFlowRecovery().Only(e.ctx)
		require.NoError(t, err)
		require.Equal(t, "login.example.com", b.Domain)
		require.Equal(t, blueprints.AuthenticationFlow, b.Edges.FlowAuthentication.Slug)
		require.Equal(t, blueprints.InvalidationFlow, b.Edges.FlowInvalidation.Slug)
		require.Equal(t, blueprints.UserSettingsFlow, b.Edges.FlowUserSettings.Slug)
		require.Equal(t, blueprints.UnenrollmentFlow, b.Edges.FlowUnenrollment.Slug)
		require.Equal(t, blueprints.DeviceCodeFlow, b.Edges.FlowDeviceCode.Slug)
		require.Equal(t, blueprints.RecoveryFlow, b.Edges.FlowRecovery.Slug)

		before := e.export(t, blueprints.AuthenticationFlow)
		require.Empty(t, e.applyDefaults(t), "a second start applies nothing")
		require.Equal(t, before, e.export(t, blueprints.AuthenticationFlow))
	})
}

func TestApplyDefaultsKeepsAdministratorsChanges(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.applyDefaults(t)
		// The admin retitles the login flow and deletes the invalidation
		// flow (and its brand reference) and the brand.
		_, err := e.client.Flow.Update().Where(flow.Slug(blueprints.AuthenticationFlow)).SetTitle("Hello").Save(e.ctx)
		require.NoError(t, err)
		_, err = e.client.Brand.Delete().Exec(e.ctx)
		require.NoError(t, err)
		_, err = e.client.Flow.Delete().Where(flow.Slug(blueprints.InvalidationFlow)).Exec(e.ctx)
		require.NoError(t, err)

		require.Empty(t, e.applyDefaults(t))
		f, err := e.client.Flow.Query().Where(flow.Slug(blueprints.AuthenticationFlow)).Only(e.ctx)
		require.NoError(t, err)
		require.Equal(t, "Hello", f.Title)
		n, err := e.client.Flow.Query().Where(flow.Slug(blueprints.InvalidationFlow)).Count(e.ctx)
		require.NoError(t, err)
		require.Zero(t, n, "a deleted default is not recreated")
		n, err = e.client.Brand.Query().Count(e.ctx)
		require.NoError(t, err)
		require.Zero(t, n, "a deleted default brand is not recreated")
	})
}

// An upgrade that ships a new default flow gives it to the default brand
// made by an earlier version, in a role the brand left empty — and never
// takes a role the administrator filled.
func TestApplyDefaultsGivesNewFlowsToTheDefaultBrand(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, d string) {
		for _, adminChose := range []bool{false, true} {
			e := newEnv(t, d)
			e.applyDefaults(t)
			// As the previous version left it: no unenrollment flow.
			_, err := e.client.Brand.Update().ClearFlowUnenrollment().Save(e.ctx)
			require.NoError(t, err)
			_, err = e.client.Flow.Delete().Where(flow.Slug(blueprints.UnenrollmentFlow)).Exec(e.ctx)
			require.NoError(t, err)
			_, err = e.client.AppliedBlueprint.Delete().Where(appliedblueprint.Name("default/60-unenrollment.yaml")).Exec(e.ctx)
			require.NoError(t, err)
			if adminChose {
				f, err := e.importDoc(t, "version: 1\nflow:\n  slug: leave\n  name: Leave\n  title: Leave\n  designation: unenrollment\n")
				require.NoError(t, err)
				_, err = e.client.Brand.Update().SetFlowUnenrollmentID(f.ID).Save(e.ctx)
				require.NoError(t, err)
			}

			require.Equal(t, []string{"default/60-unenrollment.yaml"}, e.applyDefaults(t))
			b, err := e.client.Brand.Query().WithFlowUnenrollment().Only(e.ctx)
			require.NoError(t, err)
			want := blueprints.UnenrollmentFlow
			if adminChose {
				want = "leave"
			}
			require.Equal(t, want, b.Edges.FlowUnenrollment.Slug)
		}
	})
}

func TestApplyDefaultsLeavesAHandMadeFlowAlone(t *testing.T) {
	t.Parallel()
	e := newEnv(t, servicetest.Dialects[0])
	_, err := e.importDoc(t, `version: 1
flow:
  slug: default-invalidation-flow
  name: Mine
  title: Mine
  designation: invalidation
`)
	require.NoError(t, err)
	applied := e.applyDefaults(t)
	require.NotContains(t, applied, "default/10-invalidation.yaml")
	require.Empty(t, e.bindings(t, blueprints.InvalidationFlow), "the hand-made flow is untouched")
	recorded, err := e.client.AppliedBlueprint.Query().Where(appliedblueprint.Name("default/10-invalidation.yaml")).Exist(e.ctx)
	require.NoError(t, err)
	require.True(t, recorded, "and the default is not tried again")
}

func TestExportImportRoundTripIsExact(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, d string) {
		src := newEnv(t, d)
		src.applyDefaults(t)
		dst := newEnv(t, d)
		shipped, err := blueprints.Defaults()
		require.NoError(t, err)
		// Import every default flow's export into an empty database, in
		// the shipped order (later flows refer to earlier ones by slug).
		for _, s := range shipped {
			doc, err := blueprints.Parse(s.Source)
			require.NoError(t, err)
			exported := src.export(t, doc.Flow.Slug)
			_, err = dst.importDoc(t, exported)
			require.NoError(t, err, "import %s", doc.Flow.Slug)
			require.Equal(t, exported, dst.export(t, doc.Flow.Slug), "round trip of %s", doc.Flow.Slug)
			// Importing the same document again changes nothing.
			_, err = dst.importDoc(t, exported)
			require.NoError(t, err)
			require.Equal(t, exported, dst.export(t, doc.Flow.Slug))
		}
	})
}

func TestExportGolden(t *testing.T) {
	t.Parallel()
	e := newEnv(t, servicetest.Dialects[0])
	e.applyDefaults(t)
	for _, slug := range []string{blueprints.AuthenticationFlow, blueprints.EnrollmentFlow} {
		got := e.export(t, slug)
		path := filepath.Join("testdata", slug+".yaml")
		if *update {
			require.NoError(t, os.MkdirAll("testdata", 0o750))
			require.NoError(t, os.WriteFile(path, []byte(got), 0o600))
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err, "run with -update to create %s", path)
		require.Equal(t, string(want), got, "export of %s changed; review and run with -update", slug)
	}
}

// A write-only setting (a third-party captcha's secret) is stored, and
// never exported: the document must have it added to be imported.
func TestExportLeavesSecretsOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t, servicetest.Dialects[0])
	const doc = `version: 1
flow:
  slug: guarded
  name: Guarded
  title: Guarded
  designation: enrollment
  stages:
    - {stage: guarded-captcha, order: 10}
stages:
  - name: guarded-captcha
    kind: captcha
    config: {provider: turnstile, site_key: 0x4AAAAAAAsitekey, secret: 0x4AAAAAAAtop-secret}
`
	_, err := e.importDoc(t, doc)
	require.NoError(t, err)
	st, err := e.client.Stage.Query().Where(stage.Name("guarded-captcha")).Only(e.ctx)
	require.NoError(t, err)
	require.Contains(t, string(st.Config), "0x4AAAAAAAtop-secret", "stored, for the stage to use")

	exported := e.export(t, "guarded")
	require.NotContains(t, exported, "top-secret")
	require.NotContains(t, exported, "secret:")
	require.Contains(t, exported, "site_key: 0x4AAAAAAAsitekey", "the rest of the config is exported")

	_, err = newEnv(t, servicetest.Dialects[0]).importDoc(t, exported)
	require.ErrorContains(t, err, "config.secret: is required for turnstile", "the import asks for the secret")
	_, err = newEnv(t, servicetest.Dialects[0]).importDoc(t, strings.Replace(exported, "site_key:", "secret: 0x4AAAAAAAnew\n      site_key:", 1))
	require.NoError(t, err, "with the secret added it imports")
}

func TestImportUpdatesInPlace(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		_, err := e.client.Group.Create().SetName("staff").Save(e.ctx)
		require.NoError(t, err)
		const first = `version: 1
flow:
  slug: sample
  name: Sample
  title: First
  designation: authentication
  policies:
    - {group: staff, order: 0}
  stages:
    - {stage: sample-one, order: 10}
    - stage: sample-two
      order: 20
      evaluate_on_plan: true
      policies:
        - {policy: sample-policy, order: 5, negate: true, timeout: 7}
stages:
  - {name: sample-one, kind: dummy}
  - {name: sample-two, kind: deny, config: {deny_message: Go away}}
policies:
  - {name: sample-policy, kind: dummy, config: {result: true}}
`
		f1, err := e.importDoc(t, first)
		require.NoError(t, err)
		require.Equal(t, "First", f1.Title)
		require.Equal(t, []string{"sample-one", "sample-two"}, e.bindings(t, "sample"))
		pb, err := e.client.PolicyBinding.Query().Where(policybinding.HasFlowStageBinding()).WithPolicy().Only(e.ctx)
		require.NoError(t, err)
		require.True(t, pb.Negate)
		require.Equal(t, 7, pb.Timeout)
		require.Equal(t, "sample-policy", pb.Edges.Policy.Name)
		fromGroup, err := e.client.PolicyBinding.Query().Where(policybinding.FlowID(f1.ID)).WithGroup().Only(e.ctx)
		require.NoError(t, err)
		require.Equal(t, "staff", fromGroup.Edges.Group.Name)

		second := strings.NewReplacer("title: First", "title: Second", "    - {stage: sample-one, order: 10}\n", "", "Go away", "Not you").Replace(first)
		f2, err := e.importDoc(t, second)
		require.NoError(t, err)
		require.Equal(t, f1.ID, f2.ID, "the flow is updated, not replaced")
		require.Equal(t, "Second", f2.Title)
		require.Equal(t, []string{"sample-two"}, e.bindings(t, "sample"))
		kept, err := e.client.Stage.Query().Where(stage.Name("sample-one")).Exist(e.ctx)
		require.NoError(t, err)
		require.True(t, kept, "an unbound stage stays: other flows may use it")
		two, err := e.client.Stage.Query().Where(stage.Name("sample-two")).Only(e.ctx)
		require.NoError(t, err)
		require.Contains(t, string(two.Config), "Not you")
		n, err := e.client.PolicyBinding.Query().Count(e.ctx)
		require.NoError(t, err)
		require.Equal(t, 2, n, "old bindings are replaced, not added to")
	})
}

func TestImportResolvesReferencesInOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t, servicetest.Dialects[0])
	// The identification stage is listed before the password stage it
	// refers to, and the prompt before its validation policy.
	_, err := e.importDoc(t, `version: 1
flow:
  slug: ordered
  name: Ordered
  title: Ordered
  designation: enrollment
  stages:
    - {stage: ordered-identification, order: 0}
    - {stage: ordered-prompt, order: 1}
stages:
  - name: ordered-identification
    kind: identification
    config: {password_stage: ordered-password, enrollment_flow: ordered}
  - {name: ordered-password, kind: password}
  - name: ordered-prompt
    kind: prompt
    config:
      fields: [{field_key: password, label: Password, type: password}]
      validation_policies: [ordered-policy]
policies:
  - {name: ordered-policy, kind: password}
`)
	require.NoError(t, err)
	out := e.export(t, "ordered")
	require.Contains(t, out, "password_stage: ordered-password")
	require.Contains(t, out, "enrollment_flow: ordered")
	require.Contains(t, out, "validation_policies: [ordered-policy]")
}

func TestImportRefusesBadDocuments(t *testing.T) {
	t.Parallel()
	e := newEnv(t, servicetest.Dialects[0])
	_, err := e.importDoc(t, "version: 1\nflow: {slug: taken, name: T, title: T, designation: authentication}\nstages:\n  - {name: taken-stage, kind: dummy}\n")
	require.NoError(t, err)
	head := "version: 1\nflow:\n  slug: bad\n  name: Bad\n  title: Bad\n  designation: authentication\n"
	cases := []struct {
		name, doc, path, message string
	}{
		{"empty", "", "", "the document is empty"},
		{"not yaml", "version: [1", "", "not valid YAML"},
		{"two documents", head + "---\nversion: 1\n", "", "a single YAML document"},
		{"unknown key", head + "  colour: red\n", "", "field colour not found"},
		{"wrong version", strings.Replace(head, "version: 1", "version: 2", 1), "version", "must be 1"},
		{"no slug", "version: 1\nflow: {name: x}\n", "flow.slug", "is required"},
		{"bad designation", strings.Replace(head, "authentication", "nonsense", 1), "flow.designation", "nonsense"},
		{"bad slug", strings.Replace(head, "slug: bad", "slug: Bad Slug", 1), "flow.slug", ""},
		{"binding to an undefined stage", head + "  stages: [{stage: nowhere, order: 0}]\n", "flow.stages[0].stage", "not a stage of this document"},
		{"binding with two targets", head + "  policies: [{user: a, group: b, order: 0}]\nstages: []\n", "flow.policies[0]", "exactly one"},
		{"binding to an undefined policy", head + "  policies: [{policy: p, order: 0}]\n", "flow.policies[0].policy", "not a policy of this document"},
		{"unknown group", head + "  policies: [{group: ghosts, order: 0}]\n", "flow.policies[0].group", `no group named "ghosts"`},
		{"duplicate stage", head + "stages:\n  - {name: s, kind: dummy}\n  - {name: s, kind: dummy}\n", "stages[1].name", "defined twice"},
		{"unknown kind", head + "stages:\n  - {name: s, kind: teleport}\n", "stages[0].kind", "unknown stage kind"},
		{"kind change", head + "stages:\n  - {name: taken-stage, kind: deny}\n", "stages[0].kind", "cannot change"},
		{"bad config", head + "stages:\n  - {name: s, kind: identification, config: {user_fields: [shoe_size]}}\n", "stages[0].config.user_fields", ""},
		{"unknown config field", head + "stages:\n  - {name: s, kind: dummy, config: {colour: red}}\n", "stages[0].config.colour", "not a field"},
		{"config not a mapping", head + "stages:\n  - {name: s, kind: dummy, config: [1]}\n", "stages[0].config", "must be a mapping"},
		{"missing flow reference", head + "stages:\n  - {name: s, kind: identification, config: {enrollment_flow: nowhere}}\n", "stages[0].config.enrollment_flow", `no flow with slug "nowhere"`},
		{"reference of the wrong shape", head + "stages:\n  - {name: s, kind: identification, config: {enrollment_flow: [a]}}\n", "stages[0].config.enrollment_flow", "must be a flow slug"},
		{"reference to the wrong kind", head + "stages:\n  - {name: s, kind: identification, config: {password_stage: taken-stage}}\n", "stages[0].config.password_stage", ""},
		{"cycle", head + "stages:\n  - {name: a, kind: identification, config: {password_stage: b}}\n  - {name: b, kind: identification, config: {password_stage: a}}\n", "config", "cycle"},
		{"NUL in a value", strings.Replace(head, "name: Bad", `name: "B\0ad"`, 1), "flow.name", "must not contain NUL characters"},
		{"NUL in a list item", head + "stages:\n  - {name: \"s\\x00\", kind: dummy}\n", "stages[0].name", "must not contain NUL characters"},
		{"NUL in a config value", head + "stages:\n  - {name: s, kind: deny, config: {deny_message: \"no\\u0000\"}}\n", "stages[0].config.deny_message", "must not contain NUL characters"},
		{"NUL in a key", head + "  \"col\\0our\": red\n", "", "a key in flow must not contain NUL characters"},
		{"NUL in a config key", head + "stages:\n  - {name: s, kind: dummy, config: {\"a\\0\": 1}}\n", "", "a key in stages[0].config must not contain NUL characters"},
		{"invalid UTF-8", strings.Replace(head, "name: Bad", "name: B\xffad", 1), "", "not valid YAML"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := e.importDoc(t, c.doc)
			var be *blueprints.Error
			require.ErrorAs(t, err, &be, "got %v", err)
			require.Contains(t, be.Path, c.path)
			require.Contains(t, be.Message, c.message)
			require.NotContains(t, be.Error(), "blueprints.", "no Go type names")
		})
	}
	t.Cleanup(func() { // after the parallel subtests
		n, err := e.client.Flow.Query().Where(flow.Slug("bad")).Count(viewer.SystemContext(context.Background()))
		require.NoError(t, err)
		require.Zero(t, n, "a failed import leaves nothing behind")
	})
}

func TestParseRefusesOversizedDocuments(t *testing.T) {
	t.Parallel()
	_, err := blueprints.Parse([]byte(strings.Repeat("#", blueprints.MaxDocumentBytes+1)))
	var be *blueprints.Error
	require.ErrorAs(t, err, &be)
	require.Contains(t, be.Message, "larger than")
}

func TestExportUnknownFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, servicetest.Dialects[0])
	_, err := blueprints.Export(e.ctx, e.client, e.kinds, "nowhere")
	require.ErrorContains(t, err, "not found")
}
