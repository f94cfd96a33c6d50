package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// An administrator's writes of secrets are audited by what they did:
// setting a user's password is PASSWORD_SET, a new outpost token or
// client secret SECRET_ROTATE; each names the object, never the secret.
func TestSecretWritesAreAudited(t *testing.T) {
	t.Parallel()
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			s := newTestServer(t, newServerEnv(t, backend))
			admin := s.browser()
			require.True(t, admin.login("admin", adminPassword).Completed)
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
				target, _ := e.Node.Context["target_username"].(string)
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
}
