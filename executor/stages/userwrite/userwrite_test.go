package userwrite_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/prompt"
	"github.com/gatehouse-id/gatehouse/executor/stages/userwrite"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

type testBundle struct {
	env *stagetest.Env
}

// setup returns a bundle whose kinds are user_write and prompt, which
// writes user_write's input.
func setup(t *testing.T, d string) *testBundle {
	t.Helper()
	return &testBundle{env: stagetest.New(t, d, userwrite.Definition(), prompt.Definition())}
}

// run builds a user_write stage of config and runs it on req.
func (b *testBundle) run(t *testing.T, config string, req *executor.Request) executor.Result {
	t.Helper()
	return b.env.Run(t, userwrite.Kind, config, req)
}

// request returns a request whose prompt_data is the JSON object data
// ("" for none) about pending (nil for none).
func (b *testBundle) request(t *testing.T, data string, pending *ent.User) *executor.Request {
	t.Helper()
	req := b.env.RequestAbout(t, userwrite.Kind, pending)
	if data != "" {
		req.Execution.Context[executor.KeyPromptData] = json.RawMessage(data)
	}
	return req
}

// hashed returns password in the prompt stage's stored form, as JSON.
func (b *testBundle) hashed(t *testing.T, password string) string {
	t.Helper()
	phc, err := b.env.Deps.Hasher.Hash(b.env.Ctx, password)
	require.NoError(t, err)
	raw, err := json.Marshal(map[string]string{userwrite.HashedPasswordKey: phc})
	require.NoError(t, err)
	return string(raw)
}

func (b *testBundle) requirePassword(t *testing.T, u *ent.User, password string) {
	t.Helper()
	ok, _, err := b.env.Deps.Hasher.Verify(b.env.Ctx, password, u.PasswordHash)
	require.NoError(t, err)
	require.True(t, ok, "the password verifies")
	require.NotNil(t, u.PasswordChangedAt)
	require.True(t, u.PasswordChangedAt.Equal(b.env.Clock.Now()))
}

func (b *testBundle) pendingUser(t *testing.T, req *executor.Request) *ent.User {
	t.Helper()
	u, err := req.PendingUser(b.env.Ctx, b.env.Client)
	require.NoError(t, err)
	require.NotNil(t, u)
	return u
}

func (b *testBundle) userCount(t *testing.T) int {
	t.Helper()
	n, err := b.env.Client.User.Query().Count(b.env.Ctx)
	require.NoError(t, err)
	return n
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()

	stagetest.RunValidation(t, userwrite.Definition(), []typedconfigtest.Case{
		{Name: "defaults", Want: &userwrite.Config{UserCreationMode: userwrite.CreationModeCreateWhenRequired, UserType: enum.UserTypeInternal}},
		{Name: "every option", Config: `{"user_creation_mode": "always_create", "create_users_as_inactive": true, "create_users_group": 3, "user_type": "external"}`},
		{Name: "never create", Config: `{"user_creation_mode": "never_create"}`},
		{Name: "unknown mode", Config: `{"user_creation_mode": "sometimes"}`, Field: "user_creation_mode"},
		{Name: "empty mode", Config: `{"user_creation_mode": ""}`, Field: "user_creation_mode"},
		{Name: "service accounts", Config: `{"user_type": "service_account"}`, Field: "user_type"},
		{Name: "unknown type", Config: `{"user_type": "robot"}`, Field: "user_type"},
		{Name: "bad group", Config: `{"create_users_group": 0}`, Field: "create_users_group"},
		{Name: "unknown field", Config: `{"user_path_template": "x"}`, Field: "user_path_template"},
	})
}

func TestCreationModeGQL(t *testing.T) {
	t.Parallel()
	typedconfigtest.RunEnum(t, userwrite.CreationModes, "never_create")
}

func TestRun(t *testing.T) {
	t.Parallel()

	stagetest.Dialects(t, setup, map[string]func(t *testing.T, b *testBundle){
		"CreateWhenRequiredCreates": func(t *testing.T, b *testBundle) {
			g := b.env.Client.Group.Create().SetName("members").SaveX(b.env.Ctx)
			req := b.request(t, `{"username": "frank", "name": "Frank", "email": "frank@example.com",
				"password": `+b.hashed(t, "correct horse")+`, "password_repeat": "ignored",
				"attributes.address.city": "Lyon", "attributes_locale": "fr", "attributes.address.zip": "69001"}`, nil)
			res := b.run(t, fmt.Sprintf(`{"create_users_group": %d}`, g.ID), req)
			require.Equal(t, executor.ResultNext, res.Kind(), res.Message())

			u := b.pendingUser(t, req)
			require.Equal(t, "frank", u.Username)
			require.Equal(t, "Frank", u.Name)
			require.Equal(t, "frank@example.com", u.Email)
			require.True(t, u.IsActive)
			require.Equal(t, enum.UserTypeInternal, u.Type)
			require.Equal(t, map[string]any{"address": map[string]any{"city": "Lyon", "zip": "69001"}, "locale": "fr"}, u.Attributes)
			b.requirePassword(t, u, "correct horse")
			groups, err := u.QueryGroups().IDs(b.env.Ctx)
			require.NoError(t, err)
			require.Equal(t, []int{g.ID}, groups)

			require.Equal(t, []stagetest.Event{{Action: enum.EventActionUserWrite, Data: map[string]any{
				"user_id": strconv.Itoa(u.ID), "username": "frank", "created": true,
				"fields": []string{"attributes.address.city", "attributes.address.zip", "attributes_locale", "email", "name", "password", "username"},
			}}}, b.env.Auditor.Events())
		},

		"PlaintextPasswordIsHashed": func(t *testing.T, b *testBundle) {
			req := b.request(t, `{"username": "gina", "password": "from an invitation"}`, nil)
			require.Equal(t, executor.ResultNext, b.run(t, `{}`, req).Kind())
			u := b.pendingUser(t, req)
			require.True(t, strings.HasPrefix(u.PasswordHash, "$argon2id$"))
			b.requirePassword(t, u, "from an invitation")
		},

		"UpdatesPendingUser": func(t *testing.T, b *testBundle) {
			henry := b.env.User(t, "henry", "henry@example.com", "old password")
			henry = b.env.Client.User.UpdateOne(henry).
				SetAttributes(map[string]any{"address": map[string]any{"city": "Paris", "zip": "75001"}, "team": "blue"}).
				SaveX(b.env.Ctx)
			before := b.userCount(t)
			req := b.request(t, `{"name": "Henry H", "password": `+b.hashed(t, "new password")+`,
				"attributes.address.city": "Nice", "attributes_nickname": "hh"}`, henry)
			res := b.run(t, `{}`, req)
			require.Equal(t, executor.ResultNext, res.Kind(), res.Message())

			require.Equal(t, before, b.userCount(t), "no new user")
			u := b.env.Client.User.GetX(b.env.Ctx, henry.ID)
			require.Equal(t, "henry", u.Username, "absent keys are left alone")
			require.Equal(t, "henry@example.com", u.Email)
			require.Equal(t, "Henry H", u.Name)
			require.Equal(t, map[string]any{
				"address": map[string]any{"city": "Nice", "zip": "75001"}, "team": "blue", "nickname": "hh",
			}, u.Attributes)
			b.requirePassword(t, u, "new password")
			pending, _ := req.Execution.Context.PendingUserID()
			require.Equal(t, henry.ID, pending)
			require.Equal(t, []stagetest.Event{{Action: enum.EventActionUserWrite, Data: map[string]any{
				"user_id": strconv.Itoa(henry.ID), "username": "henry", "created": false,
				"fields": []string{"attributes.address.city", "attributes_nickname", "name", "password"},
			}}, {Action: enum.EventActionPasswordSet, Data: map[string]any{"flow": "test-flow"}}}, b.env.Auditor.Events(),
				"a new password of an existing account is PASSWORD_SET too")
		},

		"UpdateKeepsOwnUsernameInOtherCase": func(t *testing.T, b *testBundle) {
			ivy := b.env.User(t, "ivy", "", "")
			req := b.request(t, `{"username": "Ivy"}`, ivy)
			require.Equal(t, executor.ResultNext, b.run(t, `{}`, req).Kind())
			require.Equal(t, "Ivy", b.env.Client.User.GetX(b.env.Ctx, ivy.ID).Username)
		},

		"NeverCreateWithoutPendingUserDenies": func(t *testing.T, b *testBundle) {
			res := b.run(t, `{"user_creation_mode": "never_create"}`, b.request(t, `{"username": "jack"}`, nil))
			require.Equal(t, executor.ResultDeny, res.Kind())
			require.Equal(t, "There is no user to write to.", res.Message())
			require.Zero(t, b.userCount(t))
		},

		"NeverCreateUpdates": func(t *testing.T, b *testBundle) {
			kim := b.env.User(t, "kim", "", "")
			res := b.run(t, `{"user_creation_mode": "never_create"}`, b.request(t, `{"email": "kim@example.com"}`, kim))
			require.Equal(t, executor.ResultNext, res.Kind(), res.Message())
			require.Equal(t, "kim@example.com", b.env.Client.User.GetX(b.env.Ctx, kim.ID).Email)
		},

		"AlwaysCreateWithPendingUserCreates": func(t *testing.T, b *testBundle) {
			leo := b.env.User(t, "leo", "leo@example.com", "")
			req := b.request(t, `{"username": "leo2", "email": "leo2@example.com"}`, leo)
			res := b.run(t, `{"user_creation_mode": "always_create"}`, req)
			require.Equal(t, executor.ResultNext, res.Kind(), res.Message())
			require.Equal(t, 2, b.userCount(t))
			u := b.pendingUser(t, req)
			require.NotEqual(t, leo.ID, u.ID)
			require.Equal(t, "leo2", u.Username)
			require.Equal(t, "leo@example.com", b.env.Client.User.GetX(b.env.Ctx, leo.ID).Email, "the old pending user is untouched")
		},

		"CreatesInactiveExternal": func(t *testing.T, b *testBundle) {
			req := b.request(t, `{"username": "mia"}`, nil)
			res := b.run(t, `{"create_users_as_inactive": true, "user_type": "external"}`, req)
			require.Equal(t, executor.ResultNext, res.Kind(), res.Message())
			u := b.pendingUser(t, req)
			require.False(t, u.IsActive)
			require.Equal(t, enum.UserTypeExternal, u.Type)
			require.Empty(t, u.PasswordHash)
			require.Nil(t, u.PasswordChangedAt)
		},

		"ForbiddenKeysIgnored": func(t *testing.T, b *testBundle) {
			admins := b.env.Client.Group.Create().SetName("admins").SetIsSuperuser(true).SaveX(b.env.Ctx)
			data := fmt.Sprintf(`{"username": "ned", "is_active": false, "groups": [%d], "type": "service_account",
				"is_superuser": true, "password_hash": "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", "last_login": "2030-01-01T00:00:00Z",
				"attributes": {"admin": true}, "attributes.": "x", "attributes..a": "x", "id": 1}`, admins.ID)
			for _, pending := range []bool{false, true} {
				var target *ent.User
				if pending {
					target = b.env.User(t, "olga", "", "")
				}
				req := b.request(t, data, target)
				if pending {
					req.Execution.Context[executor.KeyPromptData] = json.RawMessage(strings.Replace(data, `"username": "ned", `, "", 1))
				}
				res := b.run(t, `{}`, req)
				require.Equal(t, executor.ResultNext, res.Kind(), res.Message())
				u := b.pendingUser(t, req)
				require.True(t, u.IsActive)
				require.Equal(t, enum.UserTypeInternal, u.Type)
				require.Empty(t, u.PasswordHash)
				require.Nil(t, u.LastLogin)
				require.Empty(t, u.Attributes)
				n, err := u.QueryGroups().Count(b.env.Ctx)
				require.NoError(t, err)
				require.Zero(t, n)
			}
		},

		"UsernameTakenDenies": func(t *testing.T, b *testBundle) {
			g := b.env.Client.Group.Create().SetName("members").SaveX(b.env.Ctx)
			b.env.User(t, "Pat", "", "")
			req := b.request(t, `{"username": "pat"}`, nil)
			res := b.run(t, fmt.Sprintf(`{"create_users_group": %d}`, g.ID), req)
			require.Equal(t, executor.ResultDeny, res.Kind())
			require.Equal(t, "That username is taken.", res.Message())
			require.Equal(t, 1, b.userCount(t))
			_, ok := req.Execution.Context.PendingUserID()
			require.False(t, ok)
			members, err := g.QueryUsers().Count(b.env.Ctx)
			require.NoError(t, err)
			require.Zero(t, members, "the transaction rolled back")
			require.Empty(t, b.env.Auditor.Events())
		},

		"RenameToTakenUsernameDenies": func(t *testing.T, b *testBundle) {
			b.env.User(t, "quinn", "", "")
			rose := b.env.User(t, "rose", "", "")
			res := b.run(t, `{}`, b.request(t, `{"username": "QUINN", "name": "Rose"}`, rose))
			require.Equal(t, executor.ResultDeny, res.Kind())
			require.Equal(t, "That username is taken.", res.Message())
			u := b.env.Client.User.GetX(b.env.Ctx, rose.ID)
			require.Equal(t, "rose", u.Username)
			require.Empty(t, u.Name, "nothing was written")
		},

		"InvalidDataDenies": func(t *testing.T, b *testBundle) {
			res := b.run(t, `{}`, b.request(t, `{"username": "sam", "email": "not an address"}`, nil))
			require.Equal(t, executor.ResultDeny, res.Kind())
			require.Zero(t, b.userCount(t))
		},
	})
}

func TestRunDenials(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		data    string
		wantMsg string
	}{
		{name: "no prompt_data", data: "", wantMsg: "There is no data to write."},
		{name: "empty prompt_data", data: `{}`, wantMsg: "There is no data to write."},
		{name: "no username to create with", data: `{"name": "Nobody"}`, wantMsg: "A username is required to create an account."},
		{name: "empty username", data: `{"username": ""}`, wantMsg: "A username is required to create an account."},
		{name: "username not a string", data: `{"username": 7}`, wantMsg: "A username is required to create an account."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, dialect.SQLite)
			res := b.run(t, `{}`, b.request(t, tt.data, nil))
			require.Equal(t, executor.ResultDeny, res.Kind())
			require.Equal(t, tt.wantMsg, res.Message())
			require.Zero(t, b.userCount(t))
		})
	}
}

// TestFromPromptStage runs a prompt stage then a user_write stage on one
// execution: the hashed password convention holds end to end.
func TestFromPromptStage(t *testing.T) {
	t.Parallel()

	stagetest.EachDialect(t, func(t *testing.T, d string) {
		b := setup(t, d)
		form := b.env.Interactive(t, prompt.Kind, `{"fields": [
			{"field_key": "username", "label": "Username", "type": "username", "required": true},
			{"field_key": "attributes_pronouns", "label": "Pronouns", "type": "text"},
			{"field_key": "is_active", "type": "hidden", "initial_value": "false"},
			{"field_key": "password", "label": "Password", "type": "password", "required": true},
			{"field_key": "password_repeat", "label": "Repeat", "type": "password", "required": true}]}`)
		req := b.env.Request(prompt.Kind)
		res := b.env.Submit(t, form, req, &prompt.Response{Values: map[string]any{
			"username": "tess", "attributes_pronouns": "she/her", "password": "long enough secret", "password_repeat": "long enough secret",
		}})
		require.Equal(t, executor.ResultNext, res.Kind(), "errors: %v", res.Errors())

		res = b.run(t, `{}`, req)
		require.Equal(t, executor.ResultNext, res.Kind(), res.Message())
		u := b.pendingUser(t, req)
		require.Equal(t, "tess", u.Username)
		require.True(t, u.IsActive)
		require.Equal(t, map[string]any{"pronouns": "she/her"}, u.Attributes)
		b.requirePassword(t, u, "long enough secret")
		require.Equal(t, u.ID, b.env.Client.User.Query().Where(user.UsernameEqualFold("TESS")).OnlyIDX(b.env.Ctx))
	})
}
