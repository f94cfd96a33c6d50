package graph_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/ent/token"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

func TestStageBindingAndPolicyCRUD(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		flowID := b.createFlow(t, "login", "authentication")
		enrolID := b.createFlow(t, "signup", "enrollment")
		pwID := b.createStage(t, "default-password", map[string]any{"password": map[string]any{"failedAttemptsBeforeCancel": 3}})
		identID := b.createStage(t, "default-identification", map[string]any{"identification": map[string]any{
			"userFields": []string{"EMAIL"}, "passwordStageID": pwID, "enrollmentFlowID": enrolID,
		}})

		var stage struct {
			Node struct {
				Name, Kind string
				Config     struct {
					Typename                string `json:"__typename"`
					UserFields              []string
					CaseInsensitiveMatching bool
					PasswordStage           struct{ Name string }
					EnrollmentFlow          struct{ Slug string }
					RecoveryFlow            *struct{ Slug string }
				}
			}
		}
		b.mustDo(t, b.admin, `query($id: ID!) { node(id: $id) { ... on Stage { name kind config { __typename
			... on IdentificationStage { userFields caseInsensitiveMatching passwordStage { name } enrollmentFlow { slug } recoveryFlow { slug } } } } } }`,
			map[string]any{"id": identID}, &stage)
		require.Equal(t, "identification", stage.Node.Kind)
		require.Equal(t, "IdentificationStage", stage.Node.Config.Typename)
		require.Equal(t, []string{"EMAIL"}, stage.Node.Config.UserFields)
		require.True(t, stage.Node.Config.CaseInsensitiveMatching, "unset fields take the kind's defaults")
		require.Equal(t, "default-password", stage.Node.Config.PasswordStage.Name)
		require.Equal(t, "signup", stage.Node.Config.EnrollmentFlow.Slug)
		require.Nil(t, stage.Node.Config.RecoveryFlow)

		var bindings []string
		for i, sid := range []string{identID, pwID} {
			var out struct{ CreateFlowStageBinding struct{ ID string } }
			b.mustDo(t, b.admin, `mutation($in: CreateFlowStageBindingInput!) { createFlowStageBinding(input: $in) { id } }`,
				map[string]any{"in": map[string]any{"flowID": flowID, "stageID": sid, "order": (i + 1) * 10}}, &out)
			bindings = append(bindings, out.CreateFlowStageBinding.ID)
		}
		var flow struct {
			Node struct {
				Bindings struct {
					Edges []struct {
						Node struct {
							Order                 int
							EvaluateOnPlan        bool
							ReEvaluatePolicies    bool
							InvalidResponseAction string
							Stage                 struct{ Name string }
						}
					}
				}
			}
		}
		b.mustDo(t, b.admin, `query($id: ID!) { node(id: $id) { ... on Flow {
			bindings(orderBy: {field: ORDER, direction: ASC}) { edges { node { order evaluateOnPlan reEvaluatePolicies invalidResponseAction stage { name } } } } } } }`,
			map[string]any{"id": flowID}, &flow)
		require.Len(t, flow.Node.Bindings.Edges, 2)
		first := flow.Node.Bindings.Edges[0].Node
		require.Equal(t, 10, first.Order)
		require.Equal(t, "default-identification", first.Stage.Name)
		require.False(t, first.EvaluateOnPlan, "design.md §3 defaults")
		require.True(t, first.ReEvaluatePolicies)
		require.Equal(t, "RETRY", first.InvalidResponseAction)

		var pol struct{ CreatePolicy struct{ ID, Kind string } }
		b.mustDo(t, b.admin, `mutation { createPolicy(input: {name: "only-admins", config: {expression: {expression: "user.is_superuser == true"}}}) { id kind } }`, nil, &pol)
		require.Equal(t, "expression", pol.CreatePolicy.Kind)
		var pb struct {
			CreatePolicyBinding struct {
				ID                             string
				Enabled, Negate, FailureResult bool
				Timeout                        int
				Policy                         struct{ Name string }
				FlowStageBinding               struct{ Order int }
			}
		}
		b.mustDo(t, b.admin, `mutation($in: CreatePolicyBindingInput!) { createPolicyBinding(input: $in) {
			id enabled negate failureResult timeout policy { name } flowStageBinding { order } } }`,
			map[string]any{"in": map[string]any{"policyID": pol.CreatePolicy.ID, "flowStageBindingID": bindings[1], "order": 0}}, &pb)
		require.True(t, pb.CreatePolicyBinding.Enabled)
		require.False(t, pb.CreatePolicyBinding.Negate)
		require.Equal(t, 30, pb.CreatePolicyBinding.Timeout)
		require.Equal(t, "only-admins", pb.CreatePolicyBinding.Policy.Name)
		require.Equal(t, 20, pb.CreatePolicyBinding.FlowStageBinding.Order)

		var upd struct {
			UpdatePolicy struct {
				Name   string
				Config struct{ Expression string }
			}
		}
		b.mustDo(t, b.admin, `mutation($id: ID!) { updatePolicy(id: $id, input: {name: "admins", config: {expression: {expression: "'x' in user.groups"}}}) {
			name config { ... on ExpressionPolicy { expression } } } }`, map[string]any{"id": pol.CreatePolicy.ID}, &upd)
		require.Equal(t, "admins", upd.UpdatePolicy.Name)
		require.Equal(t, "'x' in user.groups", upd.UpdatePolicy.Config.Expression)

		// Deleting the flow takes its bindings and their policy bindings with it.
		b.mustDo(t, b.admin, `mutation($id: ID!) { deleteFlow(id: $id) }`, map[string]any{"id": flowID}, nil)
		ctx := viewer.SystemContext(context.Background())
		n, err := b.client.PolicyBinding.Query().Count(ctx)
		require.NoError(t, err)
		require.Zero(t, n)
		n, err = b.client.FlowStageBinding.Query().Count(ctx)
		require.NoError(t, err)
		require.Zero(t, n)
	})
}

func TestUserGroupTokenBrandCRUD(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		ctx := viewer.SystemContext(context.Background())
		var g struct{ CreateGroup struct{ ID string } }
		b.mustDo(t, b.admin, `mutation { createGroup(input: {name: "staff", attributes: {team: "blue"}}) { id } }`, nil, &g)
		var child struct{ CreateGroup struct{ ID string } }
		b.mustDo(t, b.admin, `mutation($p: ID!) { createGroup(input: {name: "staff-admins", parentIDs: [$p], isSuperuser: true}) { id } }`,
			map[string]any{"p": g.CreateGroup.ID}, &child)

		var u struct {
			CreateUser struct {
				ID, Username, Email, Type string
				IsActive, IsSuperuser     bool
				Attributes                map[string]any
			}
		}
		b.mustDo(t, b.admin, `mutation($g: ID!) { createUser(input: {username: "bob", email: "bob@example.com", groupIDs: [$g], attributes: {upn: "bob@corp"}}, password: "s3cret-passw0rd") {
			id username email type isActive isSuperuser attributes } }`, map[string]any{"g": child.CreateGroup.ID}, &u)
		require.Equal(t, "INTERNAL", u.CreateUser.Type)
		require.True(t, u.CreateUser.IsActive)
		require.True(t, u.CreateUser.IsSuperuser, "membership of a superuser group")
		require.Equal(t, "bob@corp", u.CreateUser.Attributes["upn"])

		stored, err := b.client.User.Query().Where(user.Username("bob")).Only(ctx)
		require.NoError(t, err)
		require.NotEmpty(t, stored.PasswordHash)
		require.NotContains(t, stored.PasswordHash, "s3cret")
		ok, _, err := credential.NewHasher(credential.DefaultParams(), 0).Verify(ctx, "s3cret-passw0rd", stored.PasswordHash)
		require.NoError(t, err)
		require.True(t, ok, "the stored hash verifies the password")
		require.NotNil(t, stored.PasswordChangedAt)

		resp := b.do(t, b.admin, `{ users(where: {username: "bob"}) { edges { node { passwordHash } } } }`, nil)
		requireCode(t, resp, "GRAPHQL_VALIDATION_FAILED") // the hash is not in the schema at all

		b.mustDo(t, b.admin, `mutation($id: ID!) { setUserPassword(id: $id, password: null) { id } }`, map[string]any{"id": u.CreateUser.ID}, nil)
		stored, err = b.client.User.Get(ctx, mustAtoi(t, u.CreateUser.ID))
		require.NoError(t, err)
		require.Empty(t, stored.PasswordHash, "null removes the password")

		var upd struct {
			UpdateUser struct {
				Name     string
				IsActive bool
				Groups   []struct{ Name string }
			}
		}
		b.mustDo(t, b.admin, `mutation($id: ID!, $g: ID!) { updateUser(id: $id, input: {name: "Bob", isActive: false, removeGroupIDs: [$g]}) { name isActive groups { name } } }`,
			map[string]any{"id": u.CreateUser.ID, "g": child.CreateGroup.ID}, &upd)
		require.Equal(t, "Bob", upd.UpdateUser.Name)
		require.False(t, upd.UpdateUser.IsActive)
		require.Empty(t, upd.UpdateUser.Groups)

		expires := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		var tok struct {
			CreateToken struct {
				Key   string
				Token struct {
					ID, Identifier, Intent string
					Expiring               bool
					User                   struct{ Username string }
				}
			}
		}
		b.mustDo(t, b.admin, `mutation($u: ID!, $e: Time) { createToken(input: {identifier: "ci-deploy", userID: $u, expires: $e}) {
			key token { id identifier intent expiring user { username } } } }`, map[string]any{"u": u.CreateUser.ID, "e": expires}, &tok)
		require.Equal(t, "API", tok.CreateToken.Token.Intent)
		require.Equal(t, "bob", tok.CreateToken.Token.User.Username)
		require.Greater(t, len(tok.CreateToken.Key), 40)
		dbTok, err := b.client.Token.Query().Where(token.Identifier("ci-deploy")).Only(ctx)
		require.NoError(t, err)
		require.Equal(t, credential.HashTokenSecret(tok.CreateToken.Key), dbTok.KeyHash, "only the hash is stored")
		require.NotEqual(t, tok.CreateToken.Key, dbTok.KeyHash)

		var tokUpd struct {
			UpdateToken struct {
				Description string
				Expiring    bool
			}
		}
		b.mustDo(t, b.admin, `mutation($id: ID!) { updateToken(id: $id, input: {description: "deploys", expiring: false, clearExpires: true}) { description expiring } }`,
			map[string]any{"id": tok.CreateToken.Token.ID}, &tokUpd)
		require.Equal(t, "deploys", tokUpd.UpdateToken.Description)
		require.False(t, tokUpd.UpdateToken.Expiring)

		flowID := b.createFlow(t, "login", "authentication")
		var br struct {
			CreateBrand struct {
				Domain, BrandingTitle string
				IsDefault             bool
				FlowAuthentication    struct{ Slug string }
			}
		}
		b.mustDo(t, b.admin, `mutation($f: ID!) { createBrand(input: {domain: "login.example.com", isDefault: true, flowAuthenticationID: $f}) {
			domain brandingTitle isDefault flowAuthentication { slug } } }`, map[string]any{"f": flowID}, &br)
		require.Equal(t, "Gatehouse", br.CreateBrand.BrandingTitle)
		require.Equal(t, "login", br.CreateBrand.FlowAuthentication.Slug)

		b.mustDo(t, b.admin, `mutation($id: ID!) { deleteToken(id: $id) }`, map[string]any{"id": tok.CreateToken.Token.ID}, nil)
		b.mustDo(t, b.admin, `mutation($id: ID!) { deleteUser(id: $id) }`, map[string]any{"id": u.CreateUser.ID}, nil)
		b.mustDo(t, b.admin, `mutation($id: ID!) { deleteGroup(id: $id) }`, map[string]any{"id": child.CreateGroup.ID}, nil)
		b.mustDo(t, b.admin, `mutation($id: ID!) { deleteGroup(id: $id) }`, map[string]any{"id": g.CreateGroup.ID}, nil)
	})
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}
