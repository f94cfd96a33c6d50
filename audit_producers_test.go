package main

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	entapplication "github.com/gatehouse-id/gatehouse/ent/application"
	entuser "github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

// An administrator's writes of secrets are audited by what they did:
// setting a user's password is PASSWORD_SET, a new outpost token or
// client secret SECRET_ROTATE; each names the object, never the secret.
func TestSecretWritesAreAudited(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		_, admin := adminOn(t, backend)
		var u struct{ CreateUser struct{ ID string } }
		admin.must(`mutation { createUser(input: {username: "lin"}) { id } }`, nil, &u)
		admin.must(`mutation($id: ID!) { setUserPassword(id: $id, password: "Brand-New-Secret-9") { id } }`, map[string]any{"id": u.CreateUser.ID}, nil)
		var o struct {
			CreateOutpost struct{ Outpost struct{ ID string } }
		}
		admin.must(`mutation { createOutpost(input: {name: "edge", type: PROXY}) { outpost { id } } }`, nil, &o)
		var rotated struct{ RotateOutpostToken struct{ Token string } }
		admin.must(`mutation($id: ID!) { rotateOutpostToken(id: $id) { token } }`, map[string]any{"id": o.CreateOutpost.Outpost.ID}, &rotated)
		clientID, _ := ssoApp(t, admin, "wiki", []string{"openid"})
		var p struct {
			OAuth2Providers struct {
				Edges []struct{ Node struct{ ID string } }
			} `json:"oauth2Providers"`
		}
		admin.must(`query($c: String!) { oauth2Providers(where: {clientID: $c}) { edges { node { id } } } }`, map[string]any{"c": clientID}, &p)
		require.Len(t, p.OAuth2Providers.Edges, 1)
		var secret struct{ RotateClientSecret struct{ ClientSecret string } }
		admin.must(`mutation($id: ID!) { rotateClientSecret(id: $id) { clientSecret } }`, map[string]any{"id": p.OAuth2Providers.Edges[0].Node.ID}, &secret)

		var events struct {
			Events struct {
				Edges []struct {
					Node struct {
						Action, Username string
						Context          map[string]any
					}
				}
			}
		}
		admin.must(`{ events(where: {actionIn: [PASSWORD_SET, SECRET_ROTATE]}, orderBy: {field: CREATED_AT, direction: ASC}, first: 10) { edges { node { action username context } } } }`, nil, &events)
		type seen struct{ action, by, target string }
		var got []seen
		for _, e := range events.Events.Edges {
			target, _ := e.Node.Context["subject_username"].(string)
			if target == "" {
				target, _ = e.Node.Context["model"].(string)
			}
			got = append(got, seen{e.Node.Action, e.Node.Username, target})
			for _, v := range e.Node.Context {
				require.NotEqual(t, "Brand-New-Secret-9", v)
				require.NotEqual(t, rotated.RotateOutpostToken.Token, v)
				require.NotEqual(t, secret.RotateClientSecret.ClientSecret, v)
			}
		}
		require.Equal(t, []seen{
			{"PASSWORD_SET", "admin", "lin"},
			{"SECRET_ROTATE", "admin", "outpost"},
			{"SECRET_ROTATE", "admin", "oauth2_provider"},
		}, got)
	})
}

// Revoking an application's access is audited, whoever does it: the user
// from their settings (revokeApplicationAccess) or an admin from the
// user's page (revokeUserConsent) — MODEL_DELETED of a user_consent by
// the one who did it, naming the user and the application.
func TestConsentRevocationsAreAudited(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s, admin := adminOn(t, backend)
		var u struct{ CreateUser struct{ ID string } }
		admin.must(`mutation { createUser(input: {username: "lin"}, password: "Brand-New-Secret-9") { id } }`, nil, &u)
		ssoApp(t, admin, "wiki", []string{"openid"})
		ssoApp(t, admin, "notes", []string{"openid"})
		sys := viewer.SystemContext(t.Context())
		db := s.app.db.Ent
		lin := db.User.Query().Where(entuser.Username("lin")).OnlyX(sys)
		for _, slug := range []string{"wiki", "notes"} {
			app := db.Application.Query().Where(entapplication.Slug(slug)).OnlyX(sys)
			db.UserConsent.Create().SetUserID(lin.ID).SetApplicationID(app.ID).SetScopes([]string{"openid"}).ExecX(sys)
		}

		user := s.browser()
		require.True(t, user.login("lin", "Brand-New-Secret-9").Completed)
		user.must(`mutation { revokeApplicationAccess(slug: "wiki") }`, nil, nil)
		admin.must(`mutation($id: ID!) { revokeUserConsent(userID: $id, applicationSlug: "notes") }`, map[string]any{"id": u.CreateUser.ID}, nil)
		require.Equal(t, "NOT_FOUND", user.do(`mutation { revokeApplicationAccess(slug: "wiki") }`, nil).code(), "once: no second event")

		var events struct {
			Events struct {
				Edges []struct {
					Node struct {
						Username string
						Context  map[string]any
					}
				}
			}
		}
		admin.must(`{ events(where: {action: MODEL_DELETED}, orderBy: {field: CREATED_AT, direction: ASC}, first: 10) { edges { node { username context } } } }`, nil, &events)
		type seen struct{ by, model, application, target, targetID string }
		var got []seen
		for _, e := range events.Events.Edges {
			c := e.Node.Context
			str := func(k string) string { v, _ := c[k].(string); return v }
			got = append(got, seen{e.Node.Username, str("model"), str("application"), str("subject_username"), str("subject_id")})
		}
		require.Equal(t, []seen{
			{"lin", "user_consent", "wiki", "lin", strconv.Itoa(lin.ID)},
			{"admin", "user_consent", "notes", "lin", strconv.Itoa(lin.ID)},
		}, got)
	})
}

// An event names the user it is about (subjectID) besides the actor: a
// failed login names the account it tried — which has no actor, so a
// user's page, which lists events by or about the user, shows attempts on
// the account — and an admin's change names the user changed. A failed
// login for a name nobody has is about no one.
func TestEventsNameTheirSubject(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		s, admin := adminOn(t, backend)
		linID := createLoginUser(admin, "lin", "Brand-New-Secret-9")
		require.False(t, s.headless().login("lin", "not her password").Completed)
		require.False(t, s.headless().login("nobody-at-all", "not her password").Completed)
		admin.must(`mutation($id: ID!) { updateUser(id: $id, input: {name: "Lin"}) { id } }`, map[string]any{"id": linID}, nil)

		type event struct {
			Action, Username  string
			UserID, SubjectID *string
			Context           map[string]any
		}
		var out struct {
			Events struct{ Edges []struct{ Node event } }
		}
		admin.must(`query($id: ID!) { events(where: {or: [{userID: $id}, {subjectID: $id}]}, orderBy: {field: CREATED_AT, direction: ASC}, first: 20) {
			edges { node { action username userID subjectID context } } } }`, map[string]any{"id": linID}, &out)
		type seen struct{ action, by string }
		var got []seen
		for _, e := range out.Events.Edges {
			require.NotNil(t, e.Node.SubjectID, "%s is about lin", e.Node.Action)
			require.Equal(t, linID, *e.Node.SubjectID)
			got = append(got, seen{e.Node.Action, e.Node.Username})
			if e.Node.Action == "LOGIN_FAILED" {
				require.Nil(t, e.Node.UserID, "a failed login has no actor")
				require.Equal(t, "lin", e.Node.Context["username"], "what was typed")
				require.Equal(t, "lin", e.Node.Context["subject_username"])
			}
		}
		require.Equal(t, []seen{
			{"MODEL_CREATED", "admin"}, // createUser
			{"LOGIN_FAILED", ""},
			{"MODEL_UPDATED", "admin"},
		}, got)

		var unknown struct {
			Events struct {
				Edges []struct{ Node event }
			}
		}
		admin.must(`{ events(where: {action: LOGIN_FAILED, subjectIDIsNil: true}) { edges { node { action username userID subjectID context } } } }`, nil, &unknown)
		require.Len(t, unknown.Events.Edges, 1)
		require.Equal(t, "nobody-at-all", unknown.Events.Edges[0].Node.Context["username"])
		require.NotContains(t, unknown.Events.Edges[0].Node.Context, "subject_username")
	})
}

// adminOn starts a server on backend and signs the admin in on a browser
// client.
func adminOn(t *testing.T, backend string) (*testServer, *client) {
	t.Helper()
	s := newTestServer(t, newServerEnv(t, backend))
	admin := s.browser()
	require.True(t, admin.login("admin", adminPassword).Completed)
	return s, admin
}
