package executor_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/identification"
	"github.com/gatehouse-id/gatehouse/executor/stages/password"
	"github.com/gatehouse-id/gatehouse/executor/stages/prompt"
	"github.com/gatehouse-id/gatehouse/executor/stages/userlogin"
)

// nextOf waits for the next value of ch; ok is false when ch closed.
func nextOf[T any](ctx context.Context, t *testing.T, ch <-chan T) (T, bool) {
	t.Helper()
	select {
	case v, ok := <-ch:
		return v, ok
	case <-ctx.Done():
		t.Fatal("nothing arrived")
		var zero T
		return zero, false
	}
}

// loginFlow creates slug: identification -> password -> user_login.
func (b *testBundle) loginFlow(t *testing.T, slug string, identifyConfig string) {
	t.Helper()
	f := b.flow(t, slug)
	b.bind(t, f, b.stage(t, identification.Kind, b.name("identify"), identifyConfig), 10)
	b.bind(t, f, b.stage(t, password.Kind, b.name("secret"), `{}`), 20)
	b.bind(t, f, b.stage(t, userlogin.Kind, b.name("login"), `{}`), 30)
}

func TestFollow(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		b.loginFlow(t, "login", `{}`)
		b.user(t, "alice", "wonderland-42")
		sid := b.anonymous(t)
		v := b.start(t, "login", sid, "")
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()

		views, err := b.executor.Follow(ctx, v.ID, sid, testClient)
		require.NoError(t, err)
		first, ok := nextOf(ctx, t, views)
		require.True(t, ok)
		requireIdentification(t, first)
		require.Equal(t, v.Revision, first.Revision, "the view the client has")

		answer := b.submit(t, v.ID, sid, &identification.Response{UIDField: "alice"})
		require.Greater(t, answer.Revision, v.Revision)
		second, _ := nextOf(ctx, t, views)
		requirePassword(t, second)
		require.Equal(t, answer.Revision, second.Revision, "the push shows what the answer did")
		// A client that saw the answer first tells the first push (rendered
		// before its submission, perhaps delivered after) as stale.
		require.Less(t, first.Revision, answer.Revision)
		require.Equal(t, "alice", second.Challenge.Base().PendingUser)

		// Logging in rotates the session ID the follower started with;
		// the follower still sees the flow complete, and then the stream ends.
		done := b.submit(t, v.ID, sid, &password.Response{Password: "wonderland-42"})
		require.NotNil(t, done.Session, "the login rotated the session")
		last, ok := nextOf(ctx, t, views)
		require.True(t, ok)
		require.True(t, last.Completed)
		require.Equal(t, done.Revision, last.Revision)
		require.Nil(t, last.Session, "session changes are not broadcast to followers")
		requireRedirect(t, last, "/")
		_, ok = nextOf(ctx, t, views)
		require.False(t, ok, "the stream ends after the completed view")

		// Another session cannot follow; an unknown execution neither.
		_, err = b.executor.Follow(ctx, v.ID, b.anonymous(t), testClient)
		require.ErrorIs(t, err, executor.ErrExecutionNotFound)
		_, err = b.executor.Follow(ctx, "no-such-execution", sid, testClient)
		require.ErrorIs(t, err, executor.ErrExecutionNotFound)
	})
}

func TestFollowEndsWhenCancelled(t *testing.T) {
	t.Parallel()
	b := setup(t, backends[0])
	b.dummy(t, b.flow(t, "flow"), "a", 10)
	sid := b.anonymous(t)
	v := b.start(t, "flow", sid, "")
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	views, err := b.executor.Follow(ctx, v.ID, sid, testClient)
	require.NoError(t, err)
	_, ok := nextOf(ctx, t, views)
	require.True(t, ok)
	require.NoError(t, b.executor.Cancel(ctx, v.ID, sid))
	_, ok = nextOf(ctx, t, views)
	require.False(t, ok, "a cancelled execution ends the stream")
}

func TestInspect(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		f := b.flow(t, "enrol", func(c *ent.FlowCreate) { c.SetDesignation(enum.FlowDesignationEnrollment) })
		b.bind(t, f, b.stage(t, prompt.Kind, "form", `{"fields": [
			{"field_key": "username", "label": "Username", "type": "username", "required": true},
			{"field_key": "api_token", "label": "Token", "type": "text"},
			{"field_key": "password", "label": "Password", "type": "password"}]}`), 10)
		b.dummy(t, f, "after", 20)
		sid := b.anonymous(t)
		v := b.start(t, "enrol", sid, "")
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()

		// An administrator inspects it without the owner's session.
		insp, err := b.executor.FollowInspection(ctx, v.ID)
		require.NoError(t, err)
		first, _ := nextOf(ctx, t, insp)
		require.Equal(t, "enrol", first.FlowSlug)
		require.Len(t, first.Plan, 2)
		require.Equal(t, "form", first.Plan[0].Name)

		b.submit(t, v.ID, sid, &prompt.Response{Values: map[string]any{"username": "zed", "api_token": "s3cr3t", "password": "hunter2-hunter2"}})
		second, _ := nextOf(ctx, t, insp)
		require.Equal(t, "after", second.Plan[0].Name)
		require.Len(t, second.History, 1)
		require.Equal(t, "form", second.History[0].Name)
		data, ok := second.Context[executor.KeyPromptData].(map[string]any)
		require.True(t, ok, "%v", second.Context)
		require.Equal(t, "zed", data["username"])
		require.Equal(t, executor.Redacted, data["api_token"])
		require.Equal(t, executor.Redacted, data["password"])

		got, err := b.executor.Inspect(ctx, v.ID)
		require.NoError(t, err)
		require.Equal(t, second.Plan, got.Plan)
		_, err = b.executor.Inspect(ctx, "no-such-execution")
		require.ErrorIs(t, err, executor.ErrExecutionNotFound)
	})
}

func TestShowMatchedUser(t *testing.T) {
	t.Parallel()
	b := setup(t, backends[0])
	b.loginFlow(t, "shown", `{}`)
	b.loginFlow(t, "hidden", `{"show_matched_user": false}`)
	b.user(t, "alice", "wonderland-42") // alice@example.com
	for slug, want := range map[string]string{"shown": "alice", "hidden": "ALICE@example.com"} {
		sid := b.anonymous(t)
		v := b.start(t, slug, sid, "")
		v = b.submit(t, v.ID, sid, &identification.Response{UIDField: "ALICE@example.com"})
		require.Equal(t, want, requirePassword(t, v).PendingUser, slug)
	}
}

func TestStageConfigurationFlowsConfigureTheSignedInUser(t *testing.T) {
	t.Parallel()
	b := setup(t, backends[0])
	f := b.flow(t, "settings", func(c *ent.FlowCreate) {
		c.SetDesignation(enum.FlowDesignationStageConfiguration).SetAuthentication(enum.AuthenticationRequireAuthenticated)
	})
	b.bind(t, f, b.stage(t, password.Kind, "current", `{}`), 10)
	alice := b.user(t, "alice", "wonderland-42")
	v := b.start(t, "settings", b.login(t, alice), "")
	require.Equal(t, "alice", requirePassword(t, v).PendingUser, "the signed-in user is the pending user")
	require.Equal(t, alice.ID, pendingID(t, b.execution(t, v.ID)))
}

func pendingID(t *testing.T, e *executor.Execution) int {
	t.Helper()
	id, ok := e.Context.PendingUserID()
	require.True(t, ok)
	return id
}
