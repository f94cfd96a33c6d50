package consent_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/userconsent"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/consent"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

func TestKind(t *testing.T) {
	t.Parallel()
	stagetest.RequireKind(t, "consent", consent.Kind, &consent.Stage{}, consent.Response{})
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	stagetest.RunValidation(t, consent.Definition(), []typedconfigtest.Case{
		{Name: "defaults", Want: &consent.Config{ConsentMode: consent.ModeExpiring, ExpiresIn: consent.DefaultExpiresIn}},
		{Name: "permanent", Config: `{"mode": "permanent"}`, Want: &consent.Config{ConsentMode: consent.ModePermanent, ExpiresIn: consent.DefaultExpiresIn}},
		{Name: "unknown mode", Config: `{"mode": "sometimes"}`, Field: "mode"},
		{Name: "expiry too short", Config: `{"mode": "expiring", "expires_in": 59}`, Field: "expires_in"},
		{Name: "expiry too long", Config: `{"expires_in": 99999999}`, Field: "expires_in"},
		{Name: "unknown field", Config: `{"header": "x"}`, Field: "header"},
	})
}

// authorization returns a request of user u for application app asking
// scopes, as an SSO authorization seeds it.
func authorization(t *testing.T, env *stagetest.Env, u *ent.User, app *ent.Application, scopes ...string) *executor.Request {
	t.Helper()
	req := env.Request(consent.Kind)
	env.SignIn(t, req, u)
	require.NoError(t, req.Execution.Context.Set(executor.KeyApplication, map[string]any{"id": app.ID, "name": app.Name, "slug": app.Slug}))
	require.NoError(t, req.Execution.Context.Set(executor.KeyOAuth2Scopes, scopes))
	return req
}

func TestConsent(t *testing.T) {
	t.Parallel()
	type bundle struct {
		env  *stagetest.Env
		user *ent.User
		app  *ent.Application
	}
	setup := func(t *testing.T, d string) bundle {
		t.Helper()
		env := stagetest.New(t, d, consent.Definition())
		app := env.Client.Application.Create().SetName("Wiki").SetSlug("wiki").SetIcon("/static/wiki.png").SaveX(env.Ctx)
		return bundle{env: env, user: env.User(t, "ada", "", ""), app: app}
	}
	skips := func(t *testing.T, b bundle, cfg string, req *executor.Request) bool {
		t.Helper()
		_, skip, err := b.env.Skipper(t, consent.Kind, cfg).Skip(b.env.Ctx, req)
		require.NoError(t, err)
		return skip
	}
	stagetest.Dialects(t, setup, map[string]func(t *testing.T, b bundle){
		"NothingToAskOutsideSSO": func(t *testing.T, b bundle) {
			req := b.env.Request(consent.Kind)
			b.env.SignIn(t, req, b.user)
			require.True(t, skips(t, b, `{}`, req))
		},
		"RemembersAndAsksOnlyForNewScopes": func(t *testing.T, b bundle) {
			const cfg = `{"mode": "expiring", "expires_in": 3600}`
			req := authorization(t, b.env, b.user, b.app, "openid", "email")
			require.False(t, skips(t, b, cfg, req))
			stage := b.env.Interactive(t, consent.Kind, cfg)
			ch, err := stage.Challenge(b.env.Ctx, req)
			require.NoError(t, err)
			c, ok := ch.(*consent.Challenge)
			require.True(t, ok)
			require.Equal(t, "Wiki", c.ApplicationName)
			require.Equal(t, "/static/wiki.png", c.ApplicationIcon)
			require.Equal(t, []consent.Permission{
				{Scope: "openid", Description: "Know who you are", New: true},
				{Scope: "email", Description: "Your email address", New: true},
			}, c.Permissions)
			require.Equal(t, executor.Next(), b.env.Submit(t, stage, req, &consent.Response{Approve: true}))

			again := authorization(t, b.env, b.user, b.app, "email", "openid")
			require.True(t, skips(t, b, cfg, again), "a remembered consent covering every scope asks nothing")

			more := authorization(t, b.env, b.user, b.app, "openid", "email", "groups")
			require.False(t, skips(t, b, cfg, more))
			ch, err = stage.Challenge(b.env.Ctx, more)
			require.NoError(t, err)
			c, ok = ch.(*consent.Challenge)
			require.True(t, ok)
			require.Equal(t, []bool{false, false, true}, []bool{c.Permissions[0].New, c.Permissions[1].New, c.Permissions[2].New})
			require.Equal(t, executor.Next(), b.env.Submit(t, stage, more, &consent.Response{Approve: true}))
			stored := b.env.Client.UserConsent.Query().Where(userconsent.UserID(b.user.ID)).OnlyX(b.env.Ctx)
			require.ElementsMatch(t, []string{"openid", "email", "groups"}, stored.Scopes)
			require.WithinDuration(t, b.env.Clock.Now().Add(time.Hour), *stored.ExpiresAt, time.Second)

			b.env.Clock.Advance(time.Hour + time.Second)
			require.False(t, skips(t, b, cfg, authorization(t, b.env, b.user, b.app, "openid")), "an expired consent asks again")
		},
		"CustomScopesShowTheirDescriptions": func(t *testing.T, b bundle) {
			req := authorization(t, b.env, b.user, b.app, "openid", "erp", "unknown")
			require.NoError(t, req.Execution.Context.Set(executor.KeyOAuth2ScopeDescriptions, map[string]string{"erp": "Your department"}))
			ch, err := b.env.Interactive(t, consent.Kind, `{}`).Challenge(b.env.Ctx, req)
			require.NoError(t, err)
			c, ok := ch.(*consent.Challenge)
			require.True(t, ok)
			require.Equal(t, []consent.Permission{
				{Scope: "openid", Description: "Know who you are", New: true},
				{Scope: "erp", Description: "Your department", New: true},
				{Scope: "unknown", Description: "unknown", New: true},
			}, c.Permissions)
		},
		"AlwaysRequireRemembersNothing": func(t *testing.T, b bundle) {
			const cfg = `{"mode": "always_require"}`
			stage := b.env.Interactive(t, consent.Kind, cfg)
			req := authorization(t, b.env, b.user, b.app, "openid")
			require.Equal(t, executor.Next(), b.env.Submit(t, stage, req, &consent.Response{Approve: true}))
			require.False(t, skips(t, b, cfg, authorization(t, b.env, b.user, b.app, "openid")))
			require.Zero(t, b.env.Client.UserConsent.Query().CountX(b.env.Ctx))
		},
		"PermanentNeverExpires": func(t *testing.T, b bundle) {
			const cfg = `{"mode": "permanent"}`
			stage := b.env.Interactive(t, consent.Kind, cfg)
			require.Equal(t, executor.Next(), b.env.Submit(t, stage, authorization(t, b.env, b.user, b.app, "openid"), &consent.Response{Approve: true}))
			b.env.Clock.Advance(10 * 365 * 24 * time.Hour)
			require.True(t, skips(t, b, cfg, authorization(t, b.env, b.user, b.app, "openid")))
		},
		"RefusalInSSOEndsWhereTheAuthorizationGoesOn": func(t *testing.T, b bundle) {
			stage := b.env.Interactive(t, consent.Kind, `{}`)
			req := authorization(t, b.env, b.user, b.app, "openid")
			require.NoError(t, req.Execution.Context.Set(executor.KeyRedirect, "/oauth2/authorize/resume?request=r"))
			res := b.env.Submit(t, stage, req, &consent.Response{Approve: false})
			require.Equal(t, executor.RedirectTo("/oauth2/authorize/resume?request=r"), res)
			var refused bool
			ok, err := req.Execution.Context.Get(executor.KeyOAuth2Refused, &refused)
			require.NoError(t, err)
			require.True(t, ok && refused, "the refusal is in the context for the authorization to read")
			require.Zero(t, b.env.Client.UserConsent.Query().CountX(b.env.Ctx))
		},
		"RefusalDenies": func(t *testing.T, b bundle) {
			stage := b.env.Interactive(t, consent.Kind, `{}`)
			res := b.env.Submit(t, stage, authorization(t, b.env, b.user, b.app, "openid"), &consent.Response{Approve: false})
			require.Equal(t, executor.Deny("You did not allow the application access."), res)
			require.Zero(t, b.env.Client.UserConsent.Query().CountX(b.env.Ctx), "a refusal remembers nothing")
		},
	})
}
