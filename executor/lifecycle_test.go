package executor_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/flowstate"
	"github.com/gatehouse-id/gatehouse/executor/stages/identification"
)

func TestRestart(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, be backend) {
		t.Run("FromTheStartWithFreshContext", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			b.user(t, "alice", "secret")
			b.identifyFlow(t, "flow", enum.InvalidResponseActionRetry)
			sid := b.anonymous(t)
			v := b.start(t, "flow", sid, "next=%2Fapp")
			v = b.submit(t, v.ID, sid, &identification.Response{UIDField: "alice"})
			requirePassword(t, v)
			before := b.record(t, v.ID)

			r, err := b.executor.Restart(t.Context(), v.ID, sid, testClient)
			require.NoError(t, err)
			require.Equal(t, v.ID, r.ID, "the execution keeps its ID")
			c := requireIdentification(t, r)
			require.Empty(t, c.PendingUser)
			rec := b.record(t, v.ID)
			require.Equal(t, before.Version+2, rec.Version, "claimed, then committed")
			e := b.execution(t, v.ID)
			_, pending := e.Context.PendingUserID()
			require.False(t, pending)
			require.Empty(t, e.Context.String(executor.KeyPendingUserIdentifier))
			require.Equal(t, "next=%2Fapp", e.Query, "the query (and its next) is kept")
		})

		t.Run("EndedFlowRunsAgain", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			b.dummy(t, b.flow(t, "flow"), "only", 10)
			sid := b.anonymous(t)
			v := b.start(t, "flow", sid, "")
			requireRedirect(t, b.submit(t, v.ID, sid, continueResponse()), "/")
			r, err := b.executor.Restart(t.Context(), v.ID, sid, testClient)
			require.NoError(t, err)
			require.False(t, r.Completed)
			require.Equal(t, "only", dummyName(t, r))
		})

		t.Run("ChecksTheFlowAgain", func(t *testing.T) {
			t.Parallel()
			// A restart plans again, so the flow's current policies apply.
			b := setup(t, be)
			f := b.flow(t, "flow", func(c *ent.FlowCreate) { c.SetDesignation(enum.FlowDesignationEnrollment) })
			b.dummy(t, f, "only", 10)
			sid := b.anonymous(t)
			v := b.start(t, "flow", sid, "")
			require.Equal(t, "only", dummyName(t, v))
			b.bindPolicy(t, target{flow: f}, b.expression(t, `{"pass": false, "message": "Closed."}`))
			r, err := b.executor.Restart(t.Context(), v.ID, sid, testClient)
			require.NoError(t, err)
			requireDenied(t, r, "Closed.")
		})
	})
}

func TestCancel(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		b.identifyFlow(t, "flow", enum.InvalidResponseActionRetry)
		sid := b.anonymous(t)
		v := b.start(t, "flow", sid, "")
		kept := b.start(t, "flow", sid, "")

		require.NoError(t, b.executor.Cancel(t.Context(), v.ID, sid))
		_, err := b.store.Get(b.ctx, v.ID)
		require.ErrorIs(t, err, flowstate.ErrNotFound, "the execution is forgotten")
		requireGone(t, b, v.ID, sid, "owner")
		requireIdentification(t, b.get(t, kept.ID, sid))
	})
}

// notified waits for a notification on ch until ctx ends.
func notified(ctx context.Context, t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case _, ok := <-ch:
		require.True(t, ok, "the watch ended instead of notifying of %s", what)
	case <-ctx.Done():
		t.Fatalf("no notification of %s", what)
	}
}

func TestWatch(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, be backend) {
		t.Run("NotifiesOfChanges", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			f := b.flow(t, "flow")
			b.dummy(t, f, "a", 10)
			b.dummy(t, f, "b", 20)
			sid := b.anonymous(t)
			v := b.start(t, "flow", sid, "")

			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			watchCtx, stop := context.WithCancel(ctx)
			defer stop()
			ch, err := b.executor.Watch(watchCtx, v.ID, sid)
			require.NoError(t, err)

			// Another caller (another tab, another server) answers.
			var wg sync.WaitGroup
			wg.Go(func() {
				_, err := b.executor.Submit(ctx, executor.SubmitParams{
					ExecutionID: v.ID, SessionID: sid, Response: continueResponse(), Client: testClient,
				})
				if err != nil {
					t.Errorf("submit: %v", err)
				}
			})
			notified(ctx, t, ch, "a submit")
			wg.Wait()
			require.Equal(t, "b", dummyName(t, b.get(t, v.ID, sid)))

			_, err = b.executor.Restart(ctx, v.ID, sid, testClient)
			require.NoError(t, err)
			notified(ctx, t, ch, "a restart")

			require.NoError(t, b.executor.Cancel(ctx, v.ID, sid))
			notified(ctx, t, ch, "a cancel")

			stop()
			for {
				select {
				case _, ok := <-ch:
					if !ok {
						return // the watch ended with its context
					}
				case <-ctx.Done():
					t.Fatal("the watch did not end with its context")
				}
			}
		})

		t.Run("RetryNotifies", func(t *testing.T) {
			t.Parallel()
			// A rejected answer changes the execution (its errors): other
			// tabs must show them too.
			b := setup(t, be)
			b.identifyFlow(t, "flow", enum.InvalidResponseActionRetry)
			sid := b.anonymous(t)
			v := b.start(t, "flow", sid, "")
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			ch, err := b.executor.Watch(ctx, v.ID, sid)
			require.NoError(t, err)
			c := requireIdentification(t, b.submit(t, v.ID, sid, &identification.Response{}))
			require.Len(t, c.Errors, 1)
			notified(ctx, t, ch, "a rejected answer")
		})

		t.Run("WithoutBroker", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be, options{noBroker: true})
			b.dummy(t, b.flow(t, "flow"), "a", 10)
			sid := b.anonymous(t)
			v := b.start(t, "flow", sid, "")
			_, err := b.executor.Watch(t.Context(), v.ID, sid)
			require.Error(t, err)
			require.NotErrorIs(t, err, executor.ErrExecutionNotFound)
			// Changes are still saved without anyone to tell.
			requireRedirect(t, b.submit(t, v.ID, sid, continueResponse()), "/")
		})
	})
}
