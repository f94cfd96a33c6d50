package main

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/application"
	"github.com/gatehouse-id/gatehouse/ent/oauth2token"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/browsertest"
)

// The settings page lists the applications a user may open, grouped, each
// opening its launch URL in the same tab; and the applications the user
// consented to, one of which the user revokes: its consent and its tokens
// go, and it leaves the list.
func TestBrowserUserApplications(t *testing.T) {
	t.Parallel()
	srv := newBrowserServer(t)
	admin := srv.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation { createUser(input: {username: "ada", email: "ada@example.com"}, password: "Analytical-Engine-1843") { id } }`, nil, nil)

	// Where Notes launches.
	notes := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!doctype html><title>Notes</title><h1>Welcome to Notes</h1>"))
	}))
	t.Cleanup(notes.Close)

	var flows struct {
		Flows struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	admin.must(`{ flows(where: {slug: "default-provider-authorization-explicit-consent"}) { edges { node { id } } } }`, nil, &flows)
	var p struct {
		CreateOAuth2Provider struct {
			Provider struct{ ID, ClientID string }
		}
	}
	admin.must(`mutation($in: CreateOAuth2ProviderInput!) { createOAuth2Provider(input: $in) { provider { id clientId } } }`,
		map[string]any{"in": map[string]any{
			"name": "notes", "redirectUris": []any{map[string]any{"url": notes.URL + "/callback"}},
			"authorizationFlowID": flows.Flows.Edges[0].Node.ID,
		}}, &p)
	createApp := `mutation($in: CreateApplicationInput!) { createApplication(input: $in) { id } }`
	admin.must(createApp, map[string]any{"in": map[string]any{
		"name": "Notes", "slug": "notes", "group": "Work", "description": "Shared notes",
		"launchUrl": notes.URL + "/", "providerID": p.CreateOAuth2Provider.Provider.ID,
	}}, nil)
	admin.must(createApp, map[string]any{"in": map[string]any{"name": "Team Wiki", "slug": "wiki", "group": "Work"}}, nil)

	// Ada consented to Notes (the consent stage's row) and holds its tokens.
	db := srv.app.db.Ent
	ctx := viewer.SystemContext(t.Context())
	ada := db.User.Query().Where(user.Username("ada")).OnlyX(ctx)
	app := db.Application.Query().Where(application.Slug("notes")).OnlyX(ctx)
	db.UserConsent.Create().SetUserID(ada.ID).SetApplication(app).SetScopes([]string{"openid", "email"}).ExecX(ctx)
	providerID, err := strconv.Atoi(p.CreateOAuth2Provider.Provider.ID)
	require.NoError(t, err)
	now := time.Now()
	for _, kind := range []oauth2token.Kind{oauth2token.KindAccess, oauth2token.KindRefresh} {
		db.OAuth2Token.Create().SetID("e2e-" + string(kind)).SetKind(kind).SetFamily("e2e").
			SetProviderID(providerID).SetClientID(p.CreateOAuth2Provider.Provider.ClientID).SetUserID(ada.ID).
			SetScopes([]string{"openid", "email"}).SetCreatedAt(now).SetExpiresAt(now.Add(time.Hour)).ExecX(ctx)
	}

	u := newUI(t, srv, browsertest.Options{})
	u.login("ada", "Analytical-Engine-1843")

	// My applications: the Work group, Notes a link to its launch URL,
	// Team Wiki (no launch URL) no link, both with initials.
	mine := u.Locator("#applications")
	work := mine.GetByRole(*playwright.AriaRoleList, playwright.LocatorGetByRoleOptions{Name: "Work"})
	require.NoError(t, u.expect.Locator(mine.GetByRole(*playwright.AriaRoleHeading, playwright.LocatorGetByRoleOptions{Name: "Work"})).ToBeVisible())
	require.NoError(t, u.expect.Locator(work.Locator("li")).ToHaveCount(2))
	link := work.GetByRole(*playwright.AriaRoleLink, playwright.LocatorGetByRoleOptions{Name: "Notes"})
	require.NoError(t, u.expect.Locator(link).ToHaveAttribute("href", notes.URL+"/"))
	require.NoError(t, u.expect.Locator(work.Locator(`[data-app="notes"]`)).ToContainText("NO"))
	require.NoError(t, u.expect.Locator(work.Locator(`[data-app="notes"]`)).ToContainText("Shared notes"))
	require.NoError(t, u.expect.Locator(work.Locator(`[data-app="wiki"]`)).ToContainText("TW"))
	require.NoError(t, u.expect.Locator(work.Locator(`[data-app="wiki"]`).GetByRole(*playwright.AriaRoleLink)).ToHaveCount(0))

	// Connected applications: Notes, with the scopes consented.
	connected := u.GetByTestId("connected-applications").Locator("li")
	require.NoError(t, u.expect.Locator(connected).ToHaveCount(1))
	require.NoError(t, u.expect.Locator(connected).ToContainText("Notes"))
	require.NoError(t, u.expect.Locator(connected).ToContainText("openid, email"))
	u.Screenshot("applications")

	// Revoked: it leaves the list, its consent and tokens are gone.
	u.click(connected.GetByRole(*playwright.AriaRoleButton, playwright.LocatorGetByRoleOptions{Name: "Revoke"}))
	section := u.Locator("#connected")
	require.NoError(t, u.expect.Locator(section.GetByRole(*playwright.AriaRoleStatus)).ToHaveText("Notes no longer has access to your account."))
	require.NoError(t, u.expect.Locator(connected).ToHaveCount(0))
	u.see("No application has access to your account.")
	u.Screenshot("revoked")
	require.False(t, db.UserConsent.Query().ExistX(ctx), "the consent is forgotten")
	require.Zero(t, db.OAuth2Token.Query().Where(oauth2token.RevokedAtIsNil()).CountX(ctx), "every token is revoked")

	// The application stays in My applications, and opens in this tab.
	u.click(link)
	u.at(`^` + regexp.QuoteMeta(notes.URL) + `/$`)
	u.see("Welcome to Notes")
}
