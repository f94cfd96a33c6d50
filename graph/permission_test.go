package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

func TestAnonymousIsRefused(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		flowID := b.createFlow(t, "login", "authentication")
		for name, q := range map[string]string{
			"list flows":   `{ flows(first: 1) { totalCount } }`,
			"list users":   `{ users(first: 1) { totalCount } }`,
			"list tokens":  `{ tokens(first: 1) { totalCount } }`,
			"list events":  `{ events(first: 1) { totalCount } }`,
			"node":         `{ node(id: "` + flowID + `") { id } }`,
			"create flow":  `mutation { createFlow(input: {slug: "x", name: "x", title: "x", designation: AUTHENTICATION}) { id } }`,
			"delete flow":  `mutation { deleteFlow(id: "` + flowID + `") }`,
			"create stage": `mutation { createStage(input: {name: "d", config: {deny: {}}}) { id } }`,
			"create token": `mutation { createToken(input: {identifier: "t", expiring: false}) { key } }`,
		} {
			t.Run(name, func(t *testing.T) {
				resp := b.do(t, b.anonymous, q, nil)
				requireCode(t, resp, "UNAUTHENTICATED")
			})
		}
		var v struct {
			Viewer struct {
				User       *struct{ ID string }
				AuthMethod string
			}
		}
		b.mustDo(t, b.anonymous, `{ viewer { user { id } authMethod } }`, nil, &v)
		require.Nil(t, v.Viewer.User)
		require.Equal(t, "NONE", v.Viewer.AuthMethod)

		// Nothing was written.
		n, err := b.client.Flow.Query().Count(viewer.SystemContext(context.Background()))
		require.NoError(t, err)
		require.Equal(t, 1, n)
	})
}

func TestOrdinaryUserSeesOnlyItsOwn(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		ctx := viewer.SystemContext(context.Background())
		b.createFlow(t, "login", "authentication")
		staff, err := b.client.Group.Create().SetName("staff").AddUserIDs(b.alice.UserID).Save(ctx)
		require.NoError(t, err)
		rootTok, err := b.client.Token.Create().SetIdentifier("root-token").SetKeyHash("h1").SetUserID(b.admin.UserID).SetExpiring(false).Save(ctx)
		require.NoError(t, err)
		_, err = b.client.Token.Create().SetIdentifier("alice-recovery").SetKeyHash("h2").SetUserID(b.alice.UserID).
			SetIntent(enum.TokenIntentRecovery).SetExpires(time.Now().Add(time.Hour)).Save(ctx)
		require.NoError(t, err)

		for name, q := range map[string]string{
			"flows":     `{ flows(first: 1) { totalCount } }`,
			"stages":    `{ stages(first: 1) { totalCount } }`,
			"policies":  `{ policies(first: 1) { totalCount } }`,
			"brands":    `{ brands(first: 1) { totalCount } }`,
			"events":    `{ events(first: 1) { totalCount } }`,
			"mutate":    `mutation { createFlow(input: {slug: "x", name: "x", title: "x", designation: AUTHENTICATION}) { id } }`,
			"group":     `mutation { createGroup(input: {name: "mine", isSuperuser: true}) { id } }`,
			"self-edit": `mutation { updateUser(id: "` + itoa(b.alice.UserID) + `", input: {name: "Alice"}) { id } }`,
		} {
			t.Run(name, func(t *testing.T) {
				requireCode(t, b.do(t, b.alice, q, nil), "FORBIDDEN")
			})
		}

		var users struct {
			Users struct {
				TotalCount int
				Edges      []struct{ Node struct{ Username string } }
			}
		}
		b.mustDo(t, b.alice, `{ users(first: 10) { totalCount edges { node { username } } } }`, nil, &users)
		require.Equal(t, 1, users.Users.TotalCount, "a user sees only itself")
		require.Equal(t, "alice", users.Users.Edges[0].Node.Username)
		requireCode(t, b.do(t, b.alice, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": itoa(b.admin.UserID)}), "NOT_FOUND")

		var groups struct {
			Groups struct {
				Edges []struct{ Node struct{ Name string } }
			}
		}
		b.mustDo(t, b.alice, `{ groups(first: 10) { edges { node { name } } } }`, nil, &groups)
		require.Len(t, groups.Groups.Edges, 1)
		require.Equal(t, staff.Name, groups.Groups.Edges[0].Node.Name)

		var own struct {
			CreateToken struct {
				Key   string
				Token struct{ ID string }
			}
		}
		b.mustDo(t, b.alice, `mutation { createToken(input: {identifier: "alice-cli", expiring: false}) { key token { id } } }`, nil, &own)
		require.NotEmpty(t, own.CreateToken.Key)

		var toks struct {
			Tokens struct {
				Edges []struct{ Node struct{ Identifier string } }
			}
		}
		b.mustDo(t, b.alice, `{ tokens(first: 10, orderBy: {field: IDENTIFIER}) { edges { node { identifier } } } }`, nil, &toks)
		require.Len(t, toks.Tokens.Edges, 2, "own tokens of every intent are visible")
		require.Equal(t, "alice-cli", toks.Tokens.Edges[0].Node.Identifier)

		requireCode(t, b.do(t, b.alice, `mutation($u: ID!) { createToken(input: {identifier: "for-root", userID: $u, expiring: false}) { key } }`,
			map[string]any{"u": itoa(b.admin.UserID)}), "FORBIDDEN")
		requireCode(t, b.do(t, b.alice, `mutation { createToken(input: {identifier: "alice-rec", intent: RECOVERY, expiring: false}) { key } }`, nil), "FORBIDDEN")
		requireCode(t, b.do(t, b.alice, `mutation($id: ID!) { deleteToken(id: $id) }`, map[string]any{"id": itoa(rootTok.ID)}), "NOT_FOUND")
		requireCode(t, b.do(t, b.alice, `mutation($id: ID!) { updateToken(id: $id, input: {description: "mine"}) { id } }`, map[string]any{"id": itoa(rootTok.ID)}), "NOT_FOUND")
		b.mustDo(t, b.alice, `mutation($id: ID!) { deleteToken(id: $id) }`, map[string]any{"id": own.CreateToken.Token.ID}, nil)

		still, err := b.client.Token.Get(ctx, rootTok.ID)
		require.NoError(t, err)
		require.Equal(t, "root-token", still.Identifier, "another user's token is untouched")
	})
}
