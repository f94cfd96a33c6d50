package executor_test

import (
	"context"
	"encoding/base64"
	"errors"
	"math/bits"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/flowstate"
	"github.com/gatehouse-id/gatehouse/executor/stages/identification"
	"github.com/gatehouse-id/gatehouse/executor/stages/password"
	"github.com/gatehouse-id/gatehouse/executor/stages/userlogin"
	"github.com/gatehouse-id/gatehouse/executor/stages/userlogout"
	"github.com/gatehouse-id/gatehouse/session"
)

// identifyFlow creates the flow slug: identify (identification) ->
// secret (password) -> last (dummy), with the password binding's
// invalid_response_action action.
func (b *testBundle) identifyFlow(t *testing.T, slug string, action enum.InvalidResponseAction) {
	t.Helper()
	f := b.flow(t, slug)
	b.bind(t, f, b.stage(t, identification.Kind, b.name("identify"), `{}`), 10)
	b.bind(t, f, b.stage(t, password.Kind, b.name("secret"), `{}`), 20, func(c *ent.FlowStageBindingCreate) {
		c.SetInvalidResponseAction(action)
	})
	b.dummy(t, f, b.name("last"), 30)
}

func requireIdentification(t *testing.T, v *executor.View) *identification.Challenge {
	t.Helper()
	require.False(t, v.Completed)
	c, ok := v.Challenge.(*identification.Challenge)
	require.True(t, ok, "want an identification challenge, got %#v", v.Challenge)
	return c
}

func requirePassword(t *testing.T, v *executor.View) *password.Challenge {
	t.Helper()
	require.False(t, v.Completed)
	c, ok := v.Challenge.(*password.Challenge)
	require.True(t, ok, "want a password challenge, got %#v", v.Challenge)
	return c
}

func TestExecutionID(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		b.dummy(t, b.flow(t, "flow"), "first", 10)
		sid := b.anonymous(t)

		const n = 16
		seen := map[string]bool{}
		ones, values := 0, map[byte]bool{}
		for range n {
			v := b.start(t, "flow", sid, "")
			raw, err := base64.RawURLEncoding.DecodeString(v.ID)
			require.NoError(t, err, "IDs are URL-safe base64")
			require.Len(t, raw, 32, "IDs carry 256 bits")
			require.False(t, seen[v.ID], "IDs are distinct")
			seen[v.ID] = true
			for _, c := range raw {
				ones += bits.OnesCount8(c)
				values[c] = true
			}
			require.NotContains(t, string(b.record(t, v.ID).Document), v.ID, "the document never holds its ID")
			require.NotEqual(t, string(sid), v.ID)
		}
		// Random bits: about half are ones (2048 of 4096, σ = 32), and
		// 512 random bytes take about 221 distinct values. Counters,
		// timestamps and hashes of guessable input fail one or the other
		// by far.
		require.InDelta(t, n*256/2, ones, 200)
		require.Greater(t, len(values), 150)
	})
}

func TestExecutionTTL(t *testing.T) {
	t.Parallel()
	const ttl = 10 * time.Minute
	eachStore(t, func(t *testing.T, be backend) {
		t.Run("DefaultTTL", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			b.dummy(t, b.flow(t, "flow"), "first", 10)
			v := b.start(t, "flow", b.anonymous(t), "")
			require.Equal(t, b.clock.Now().Add(executor.DefaultExecutionTTL), b.record(t, v.ID).ExpiresAt.UTC())
		})

		t.Run("ExpiresTTLAfterLastChange", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be, options{ttl: ttl})
			b.identifyFlow(t, "flow", enum.InvalidResponseActionRetry)
			sid := b.anonymous(t)
			v := b.start(t, "flow", sid, "")
			require.Equal(t, b.clock.Now().Add(ttl), b.record(t, v.ID).ExpiresAt.UTC())

			b.clock.Advance(ttl - time.Millisecond)
			requireIdentification(t, b.get(t, v.ID, sid))
			// A rejected answer is a change: the execution lives ttl from now.
			c := requireIdentification(t, b.submit(t, v.ID, sid, &identification.Response{}))
			require.Len(t, c.Errors, 1)
			require.Equal(t, b.clock.Now().Add(ttl), b.record(t, v.ID).ExpiresAt.UTC())

			b.clock.Advance(ttl - time.Millisecond)
			requireIdentification(t, b.get(t, v.ID, sid))
			b.clock.Advance(time.Millisecond)
			requireGone(t, b, v.ID, sid, "owner")

			// The client starts again.
			requireIdentification(t, b.start(t, "flow", sid, ""))
		})
	})
}

// requireGone asserts that every operation on the execution id as sid
// answers ErrExecutionNotFound; who names sid in failures.
func requireGone(t *testing.T, b *testBundle, id string, sid session.ID, who string) {
	t.Helper()
	ctx := t.Context()
	_, err := b.executor.Get(ctx, id, sid, testClient)
	require.ErrorIs(t, err, executor.ErrExecutionNotFound, "get as %s", who)
	_, err = b.executor.Submit(ctx, executor.SubmitParams{
		ExecutionID: id, SessionID: sid, Client: testClient, Response: &identification.Response{UIDField: "alice"},
	})
	require.ErrorIs(t, err, executor.ErrExecutionNotFound, "submit as %s", who)
	_, err = b.executor.Restart(ctx, id, sid, testClient)
	require.ErrorIs(t, err, executor.ErrExecutionNotFound, "restart as %s", who)
	watchCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	_, err = b.executor.Watch(watchCtx, id, sid)
	require.ErrorIs(t, err, executor.ErrExecutionNotFound, "watch as %s", who)
	require.ErrorIs(t, b.executor.Cancel(ctx, id, sid), executor.ErrExecutionNotFound, "cancel as %s", who)
}

func TestSessionBinding(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, be backend) {
		t.Run("OtherSessionsCannotTouch", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			b.identifyFlow(t, "flow", enum.InvalidResponseActionRetry)
			alice := b.user(t, "alice", "secret")
			owner := b.anonymous(t)
			v := b.start(t, "flow", owner, "")
			before := b.record(t, v.ID)

			others := map[string]session.ID{
				"Anonymous": b.anonymous(t),
				"LoggedIn":  b.login(t, alice),
				"Unknown":   "no-such-session",
				"Empty":     "",
			}
			for name, sid := range others {
				requireGone(t, b, v.ID, sid, name)
			}

			after := b.record(t, v.ID)
			require.Equal(t, before.Version, after.Version)
			require.Equal(t, before.Document, after.Document)
			requireIdentification(t, b.get(t, v.ID, owner))
		})

		t.Run("UnknownExecution", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			requireGone(t, b, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", b.anonymous(t), "a session")
		})

		t.Run("StartWithoutSessionStartsOne", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			b.dummy(t, b.flow(t, "flow"), "first", 10)
			for _, sid := range []session.ID{"", "no-such-session"} {
				v := b.start(t, "flow", sid, "")
				require.NotNil(t, v.Session, "the client must store its new session")
				require.NotEmpty(t, v.Session.ID)
				require.NotEqual(t, sid, v.Session.ID)
				require.Equal(t, "first", dummyName(t, b.get(t, v.ID, v.Session.ID)))
			}
			v := b.start(t, "flow", b.anonymous(t), "")
			require.Nil(t, v.Session, "a live session is kept")
		})
	})
}

func TestSeveralExecutionsPerSession(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		b.user(t, "alice", "secret")
		b.identifyFlow(t, "login", enum.InvalidResponseActionRetry)
		other := b.flow(t, "other")
		b.dummy(t, other, "other-first", 10)
		b.dummy(t, other, "other-last", 20)
		sid := b.anonymous(t)

		one, two, three := b.start(t, "login", sid, ""), b.start(t, "login", sid, ""), b.start(t, "other", sid, "")
		require.NotEqual(t, one.ID, two.ID)
		twoBefore, threeBefore := b.record(t, two.ID), b.record(t, three.ID)

		requirePassword(t, b.submit(t, one.ID, sid, &identification.Response{UIDField: "alice"}))
		requireIdentification(t, b.get(t, two.ID, sid))
		require.Equal(t, "other-first", dummyName(t, b.get(t, three.ID, sid)))
		require.Equal(t, twoBefore, b.record(t, two.ID))
		require.Equal(t, threeBefore, b.record(t, three.ID))

		require.Equal(t, "other-last", dummyName(t, b.submit(t, three.ID, sid, continueResponse())))
		requirePassword(t, b.get(t, one.ID, sid))
		require.Equal(t, twoBefore, b.record(t, two.ID))

		require.NoError(t, b.executor.Cancel(t.Context(), two.ID, sid))
		requirePassword(t, b.get(t, one.ID, sid))
		require.Equal(t, "other-last", dummyName(t, b.get(t, three.ID, sid)))
	})
}

func TestCompareAndSet(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, be backend) {
		t.Run("OverlappingSubmitsMakeOneTransition", func(t *testing.T) {
			t.Parallel()
			// Both requests read the execution at the same version before
			// either writes: the store's compare-and-set lets exactly one
			// write, the other gets ErrStale. Three dummy stages: a second
			// transition would not be caught by kind.
			gate := &gatedStore{}
			b := setup(t, be, options{wrapStore: func(s flowstate.Store) flowstate.Store {
				gate.Store = s
				return gate
			}})
			f := b.flow(t, "flow")
			b.dummy(t, f, "a", 10)
			b.dummy(t, f, "b", 20)
			b.dummy(t, f, "c", 30)
			sid := b.anonymous(t)
			v := b.start(t, "flow", sid, "")
			before := b.record(t, v.ID)

			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			gate.arm(2)
			views := make([]*executor.View, 2)
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i := range 2 {
				wg.Go(func() {
					views[i], errs[i] = b.executor.Submit(ctx, executor.SubmitParams{
						ExecutionID: v.ID, SessionID: sid, Response: continueResponse(), Client: testClient,
					})
				})
			}
			wg.Wait()

			ok, stale := 0, 0
			for i, err := range errs {
				switch {
				case err == nil:
					ok++
					require.Equal(t, "b", dummyName(t, views[i]))
				case errors.Is(err, executor.ErrStale):
					stale++
				default:
					require.NoError(t, err)
				}
			}
			require.Equal(t, 1, ok)
			require.Equal(t, 1, stale)
			require.Equal(t, before.Version+2, b.record(t, v.ID).Version, "the winner claimed and committed; the loser wrote nothing")
			e := b.execution(t, v.ID)
			require.Len(t, e.History, 1)
			require.Equal(t, "a", e.History[0].Name)
			require.Equal(t, "b", dummyName(t, b.get(t, v.ID, sid)))

			// The loser reads again and answers what it sees now.
			require.Equal(t, "c", dummyName(t, b.submit(t, v.ID, sid, continueResponse())))
		})

		t.Run("RacingSubmitsMakeOneTransition", func(t *testing.T) {
			t.Parallel()
			// Unsynchronised: a request that reads after the winner wrote
			// finds the password stage and gets ErrWrongStage instead.
			b := setup(t, be)
			b.user(t, "alice", "secret")
			b.identifyFlow(t, "flow", enum.InvalidResponseActionRetry)
			sid := b.anonymous(t)
			v := b.start(t, "flow", sid, "")

			const n = 8
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					_, errs[i] = b.executor.Submit(t.Context(), executor.SubmitParams{
						ExecutionID: v.ID, SessionID: sid, Response: &identification.Response{UIDField: "alice"}, Client: testClient,
					})
				})
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
					continue
				}
				require.True(t, errors.Is(err, executor.ErrStale) || errors.Is(err, executor.ErrWrongStage), "unexpected error %v", err)
			}
			require.Equal(t, 1, ok)
			e := b.execution(t, v.ID)
			require.Len(t, e.History, 1)
			requirePassword(t, b.get(t, v.ID, sid))
		})
	})
}

func TestWrongStage(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		b.identifyFlow(t, "flow", enum.InvalidResponseActionRetry)
		b.dummy(t, b.flow(t, "short"), "only", 10)
		sid := b.anonymous(t)

		requireWrongStage := func(t *testing.T, id string, resp executor.Response) {
			t.Helper()
			before := b.record(t, id)
			_, err := b.executor.Submit(t.Context(), executor.SubmitParams{ExecutionID: id, SessionID: sid, Response: resp, Client: testClient})
			require.ErrorIs(t, err, executor.ErrWrongStage)
			require.Equal(t, before, b.record(t, id), "nothing changed")
		}

		t.Run("OtherKind", func(t *testing.T) {
			t.Parallel()
			v := b.start(t, "flow", sid, "")
			requireWrongStage(t, v.ID, &password.Response{Password: "secret"})
			requireWrongStage(t, v.ID, continueResponse())
			requireWrongStage(t, v.ID, &userlogin.Response{RememberMe: true})
			requireWrongStage(t, v.ID, nil)
			requireIdentification(t, b.get(t, v.ID, sid))
		})

		t.Run("Ended", func(t *testing.T) {
			t.Parallel()
			v := b.start(t, "short", sid, "")
			requireRedirect(t, b.submit(t, v.ID, sid, continueResponse()), "/")
			requireWrongStage(t, v.ID, continueResponse())
			requireRedirect(t, b.get(t, v.ID, sid), "/")
		})
	})
}

func TestSessionChanges(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, be backend) {
		t.Run("LoginRotatesTheSession", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			alice := b.user(t, "alice", "correct horse")
			f := b.flow(t, "login")
			b.bind(t, f, b.stage(t, identification.Kind, "identify", `{}`), 10)
			b.bind(t, f, b.stage(t, password.Kind, "secret", `{}`), 20)
			b.bind(t, f, b.stage(t, userlogin.Kind, "login", `{}`), 30)
			sid := b.anonymous(t)

			v := b.start(t, "login", sid, "next=%2Fapp")
			v = b.submit(t, v.ID, sid, &identification.Response{UIDField: "alice"})
			require.Equal(t, "alice", requirePassword(t, v).PendingUser)
			c := requirePassword(t, b.submit(t, v.ID, sid, &password.Response{Password: "wrong"}))
			require.Len(t, c.Errors, 1)
			require.Equal(t, "password", c.Errors[0].Field)

			v = b.submit(t, v.ID, sid, &password.Response{Password: "correct horse"})
			requireRedirect(t, v, "/app")
			require.NotNil(t, v.Session)
			require.NotEmpty(t, v.Session.ID)
			require.NotEqual(t, sid, v.Session.ID, "login rotates the session ID")
			s, err := b.env.Deps.Sessions.Resume(b.ctx, v.Session.ID)
			require.NoError(t, err)
			require.Equal(t, alice.ID, s.UserID)

			// The execution moved with its client to the new session.
			requireRedirect(t, b.get(t, v.ID, v.Session.ID), "/app")
			_, err = b.executor.Get(t.Context(), v.ID, sid, testClient)
			require.ErrorIs(t, err, executor.ErrExecutionNotFound)
		})

		t.Run("LogoutStartsAnonymousSession", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			alice := b.user(t, "alice", "")
			f := b.flow(t, "logout", func(c *ent.FlowCreate) { c.SetDesignation(enum.FlowDesignationInvalidation) })
			b.bind(t, f, b.stage(t, userlogout.Kind, "logout", `{}`), 10)
			b.dummy(t, f, "goodbye", 20)
			sid := b.login(t, alice)

			v := b.start(t, "logout", sid, "")
			require.Equal(t, "goodbye", dummyName(t, v))
			require.NotNil(t, v.Session)
			require.NotEmpty(t, v.Session.ID)
			require.Zero(t, v.Session.Session.UserID)
			_, err := b.env.Deps.Sessions.Resume(b.ctx, sid)
			require.ErrorIs(t, err, session.ErrNotFound, "the old session ended")

			requireRedirect(t, b.submit(t, v.ID, v.Session.ID, continueResponse()), "/")
		})
	})
}

func TestReadsChangeNothing(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		b.identifyFlow(t, "flow", enum.InvalidResponseActionRetry)
		sid := b.anonymous(t)
		v := b.start(t, "flow", sid, "")
		before := b.record(t, v.ID)
		b.clock.Advance(time.Minute)
		for range 3 {
			requireIdentification(t, b.get(t, v.ID, sid))
		}
		require.Equal(t, before, b.record(t, v.ID), "a read neither writes nor extends the execution")
	})
}

func TestFailingStage(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		f := b.flow(t, "flow")
		broken := b.dummy(t, f, "first", 10)
		b.dummy(t, f, "second", 20)
		sid := b.anonymous(t)
		v := b.start(t, "flow", sid, "")
		require.Equal(t, "first", dummyName(t, v))

		require.NoError(t, b.client.Stage.UpdateOneID(broken.StageID).SetConfig([]byte(`{"throw_error": true}`)).Exec(b.ctx))
		before := b.record(t, v.ID)
		// Rendering fails: the client gets a flow error to report, not a
		// broken challenge.
		g := b.get(t, v.ID, sid)
		require.False(t, g.Completed)
		_, ok := g.Challenge.(*executor.FlowErrorChallenge)
		require.True(t, ok, "want a flow error, got %#v", g.Challenge)
		// Answering fails as an error, and changes nothing.
		_, err := b.executor.Submit(t.Context(), executor.SubmitParams{
			ExecutionID: v.ID, SessionID: sid, Response: continueResponse(), Client: testClient,
		})
		require.Error(t, err)
		require.NotErrorIs(t, err, executor.ErrWrongStage)
		require.NotErrorIs(t, err, executor.ErrStale)
		after := b.record(t, v.ID)
		require.Equal(t, string(before.Document), string(after.Document), "the claim was given back: the document is as it was")
		require.Equal(t, before.ExpiresAt, after.ExpiresAt)

		require.NoError(t, b.client.Stage.UpdateOneID(broken.StageID).SetConfig([]byte(`{"throw_error": false}`)).Exec(b.ctx))
		require.Equal(t, "second", dummyName(t, b.submit(t, v.ID, sid, continueResponse())))
	})
}

func TestFlowDeletedUnderExecution(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		f := b.flow(t, "flow")
		b.dummy(t, f, "first", 10)
		sid := b.anonymous(t)
		v := b.start(t, "flow", sid, "")
		require.NoError(t, b.client.Flow.DeleteOne(f).Exec(b.ctx))
		requireGone(t, b, v.ID, sid, "owner")
		_, err := b.executor.Start(t.Context(), executor.StartParams{Slug: "flow", SessionID: sid, Client: testClient})
		require.ErrorIs(t, err, executor.ErrFlowNotFound)
	})
}

func TestStep(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		f := b.flow(t, "flow")
		b.dummy(t, f, "a", 10)
		b.dummy(t, f, "b", 20)
		b.dummy(t, f, "c", 30)
		b.identifyFlow(t, "login", enum.InvalidResponseActionRetry)
		sid := b.anonymous(t)
		submit := func(t *testing.T, id string, step int, resp executor.Response) (*executor.View, error) {
			t.Helper()
			return b.executor.Submit(t.Context(), executor.SubmitParams{
				ExecutionID: id, SessionID: sid, Response: resp, Client: testClient, Step: step,
			})
		}

		t.Run("RepeatedSubmitMakesOneTransition", func(t *testing.T) {
			t.Parallel()
			// A double click on "continue": the second request arrives after
			// the first moved the flow on, to a stage of the same kind.
			v := b.start(t, "flow", sid, "")
			require.NotZero(t, v.Step)
			first, err := submit(t, v.ID, v.Step, continueResponse())
			require.NoError(t, err)
			require.Equal(t, "b", dummyName(t, first))
			require.NotEqual(t, v.Step, first.Step)

			before := b.record(t, v.ID)
			_, err = submit(t, v.ID, v.Step, continueResponse())
			require.ErrorIs(t, err, executor.ErrWrongStage)
			require.Equal(t, before, b.record(t, v.ID), "nothing changed")
			require.Equal(t, "b", dummyName(t, b.get(t, v.ID, sid)))

			second, err := submit(t, v.ID, first.Step, continueResponse())
			require.NoError(t, err)
			require.Equal(t, "c", dummyName(t, second))
			last, err := submit(t, v.ID, second.Step, continueResponse())
			require.NoError(t, err)
			requireRedirect(t, last, "/")
			require.Zero(t, last.Step, "an ended flow shows no step")
		})

		t.Run("KeptOnRetryChangedOnRestart", func(t *testing.T) {
			t.Parallel()
			v := b.start(t, "login", sid, "")
			retried, err := submit(t, v.ID, v.Step, &identification.Response{})
			require.NoError(t, err)
			require.Len(t, requireIdentification(t, retried).Errors, 1)
			require.Equal(t, v.Step, retried.Step, "the same challenge, answered again")
			require.Equal(t, v.Step, b.get(t, v.ID, sid).Step)

			restarted, err := b.executor.Restart(t.Context(), v.ID, sid, testClient)
			require.NoError(t, err)
			requireIdentification(t, restarted)
			require.NotEqual(t, v.Step, restarted.Step, "a new plan shows new steps")
			_, err = submit(t, v.ID, v.Step, &identification.Response{UIDField: "alice"})
			require.ErrorIs(t, err, executor.ErrWrongStage)
			_, err = submit(t, v.ID, restarted.Step, &identification.Response{UIDField: "alice"})
			require.NoError(t, err)
		})
	})
}
