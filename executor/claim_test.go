package executor_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/flowstate"
	"github.com/gatehouse-id/gatehouse/executor/flowstate/sqlstore"
	"github.com/gatehouse-id/gatehouse/executor/stages/identification"
	"github.com/gatehouse-id/gatehouse/executor/stages/password"
	"github.com/gatehouse-id/gatehouse/internal/fakeclock"
	"github.com/gatehouse-id/gatehouse/session"
)

// awaitingPassword creates the flow slug (loginFlow) and returns an
// execution of it waiting for alice's password.
func (b *testBundle) awaitingPassword(t *testing.T, slug string) (string, session.ID) {
	t.Helper()
	b.loginFlow(t, slug, `{}`)
	sid := b.anonymous(t)
	v := b.start(t, slug, sid, "")
	requirePassword(t, b.submit(t, v.ID, sid, &identification.Response{UIDField: "alice"}))
	return v.ID, sid
}

// logins counts the LOGIN events the stages recorded.
func (b *testBundle) logins() int {
	n := 0
	for _, e := range b.env.Auditor.Events() {
		if e.Action == enum.EventActionLogin {
			n++
		}
	}
	return n
}

// submitAll submits resp n times concurrently and returns the views and
// errors, in order.
func (b *testBundle) submitAll(ctx context.Context, n int, id string, sid session.ID, resp executor.Response) ([]*executor.View, []error) {
	views, errs := make([]*executor.View, n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			views[i], errs[i] = b.executor.Submit(ctx, executor.SubmitParams{
				ExecutionID: id, SessionID: sid, Response: resp, Client: testClient,
			})
		})
	}
	wg.Wait()
	return views, errs
}

// Of concurrent correct answers to the password step exactly one logs the
// user in: the losers change nothing — no second session, no second LOGIN
// event — however many there are.
func TestLosersOfAStepHaveNoSideEffects(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, be backend) {
		for _, tc := range []struct {
			name string
			n    int
			// gated makes every request read the same version first.
			gated bool
		}{
			{"TwoOverlapping", 2, true},
			{"TwentyRacing", 20, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				gate := &gatedStore{}
				b := setup(t, be, options{wrapStore: func(s flowstate.Store) flowstate.Store {
					gate.Store = s
					return gate
				}})
				alice := b.user(t, "alice", "correct horse")
				id, sid := b.awaitingPassword(t, "login")

				ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
				defer cancel()
				if tc.gated {
					gate.arm(tc.n)
				}
				views, errs := b.submitAll(ctx, tc.n, id, sid, &password.Response{Password: "correct horse"})

				var winner *executor.View
				for i, err := range errs {
					switch {
					case err == nil:
						require.Nil(t, winner, "a second request applied the step")
						winner = views[i]
					case errors.Is(err, executor.ErrStale), errors.Is(err, executor.ErrWrongStage),
						errors.Is(err, executor.ErrExecutionNotFound): // read after the winner moved the execution to the new session
					default:
						require.NoError(t, err)
					}
				}
				require.NotNil(t, winner, "one request logs alice in")
				require.True(t, winner.Completed)
				require.NotNil(t, winner.Session)

				sessions, err := b.env.Deps.Sessions.List(b.ctx, alice.ID)
				require.NoError(t, err)
				require.Len(t, sessions, 1, "exactly one authenticated session")
				require.Equal(t, winner.Session.ID.Key(), sessions[0].Key, "and it is the winner's")
				s, err := b.env.Deps.Sessions.Resume(b.ctx, winner.Session.ID)
				require.NoError(t, err)
				require.Equal(t, alice.ID, s.UserID)
				require.Equal(t, 1, b.logins(), "exactly one LOGIN event")
			})
		}
	})
}

// A request finding the step claimed by another gets ErrStale at once and
// runs nothing; a claim whose lease ended no longer blocks.
func TestClaimedStep(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		b.user(t, "alice", "correct horse")
		id, sid := b.awaitingPassword(t, "login")

		// A request claimed the step and has not committed (it is still
		// working, or its server died).
		rec := b.record(t, id)
		e := b.execution(t, id)
		e.Claim = &executor.Claim{Until: b.clock.Now().Add(executor.StepLease)}
		doc, err := json.Marshal(e)
		require.NoError(t, err)
		_, err = b.store.Update(b.ctx, id, rec.Version, doc, rec.ExpiresAt)
		require.NoError(t, err)

		_, err = b.executor.Submit(t.Context(), executor.SubmitParams{
			ExecutionID: id, SessionID: sid, Response: &password.Response{Password: "correct horse"}, Client: testClient,
		})
		require.ErrorIs(t, err, executor.ErrStale)
		_, err = b.executor.Restart(t.Context(), id, sid, testClient)
		require.ErrorIs(t, err, executor.ErrStale)
		require.Zero(t, b.logins(), "nothing ran")
		requirePassword(t, b.get(t, id, sid)) // reads still work

		b.clock.Advance(executor.StepLease)
		v := b.submit(t, id, sid, &password.Response{Password: "correct horse"})
		require.True(t, v.Completed, "a lapsed claim no longer blocks")
		require.Equal(t, 1, b.logins())
		require.Nil(t, b.execution(t, id).Claim, "the commit clears the claim")
	})
}

// A step whose stage fails gives its claim back: the client may answer
// again at once.
func TestFailedStepReleasesItsClaim(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		b.user(t, "alice", "correct horse")
		id, sid := b.awaitingPassword(t, "login")
		before := b.record(t, id)

		down := b.withCounters(t, downCounters{b.env.Counters}) // the password check cannot count
		_, err := down.Submit(t.Context(), executor.SubmitParams{
			ExecutionID: id, SessionID: sid, Response: &password.Response{Password: "correct horse"}, Client: testClient,
		})
		require.ErrorIs(t, err, errCountersDown)
		after := b.record(t, id)
		require.JSONEq(t, string(before.Document), string(after.Document), "the execution is as it was")

		require.True(t, b.submit(t, id, sid, &password.Response{Password: "correct horse"}).Completed)
	})
}

// The step's lease is measured on the injected clock, but the context
// that cuts the step off ends by the wall clock: a clock behind the wall
// clock by more than StepLease (a test's stopped clock, some time into
// the test) still runs steps.
func TestStepRunsWithAClockBehindTheWallClock(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		past := fakeclock.New(time.Now().Add(-time.Hour))
		deps := b.env.Deps
		deps.NowFunc = past.Now
		b.store = sqlstore.New(b.client, &sqlstore.Options{NowFunc: past.Now})
		b.executor = executor.New(deps, executor.Options{Kinds: b.kinds, Store: b.store})
		id, sid := b.awaitingPassword(t, "behind") // the identification step ran
		require.Nil(t, b.execution(t, id).Claim, "and committed")
		requirePassword(t, b.get(t, id, sid))
	})
}
