package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
)

// enqueueMail queues a send-mail job (no worker runs in these tests).
func (b *testBundle) enqueueMail(t *testing.T, key string) {
	t.Helper()
	ctx := viewer.SystemContext(t.Context())
	tx, err := b.client.Tx(ctx)
	require.NoError(t, err)
	require.NoError(t, b.queue.EnqueueTx(ctx, tx, jobargs.SendMail{Key: key, To: "alice@example.com", Template: jobargs.TemplateRecovery}, map[string]string{"link": "https://x/y"}))
	require.NoError(t, tx.Commit())
}

type jobPage struct {
	Jobs struct {
		Edges []struct {
			Cursor string
			Node   struct {
				ID, Kind, State      string
				Attempt, MaxAttempts int
				Errors               []struct{ Message string }
			}
		}
		PageInfo struct {
			HasNextPage bool
			EndCursor   *string
		}
	}
}

const listJobs = `query($first: Int, $after: String, $states: [JobState!], $kinds: [String!]) {
  jobs(first: $first, after: $after, states: $states, kinds: $kinds) {
    edges { cursor node { id kind state attempt maxAttempts errors { message } createdAt scheduledAt attemptedAt finalizedAt } }
    pageInfo { hasNextPage endCursor }
  }
}`

func TestJobsListRetryCancel(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			for _, k := range []string{"first", "second", "third"} {
				b.enqueueMail(t, k)
			}

			var page jobPage
			b.mustDo(t, b.admin, listJobs, map[string]any{"first": 2, "kinds": []string{"send_mail"}}, &page)
			require.Len(t, page.Jobs.Edges, 2)
			require.True(t, page.Jobs.PageInfo.HasNextPage)
			newest, second := page.Jobs.Edges[0].Node, page.Jobs.Edges[1].Node
			require.Equal(t, "send_mail", newest.Kind)
			require.Equal(t, "AVAILABLE", newest.State)
			require.Equal(t, 5, newest.MaxAttempts)
			require.Zero(t, newest.Attempt)
			require.Greater(t, newest.ID, second.ID, "newest first")
			require.Equal(t, page.Jobs.Edges[1].Cursor, *page.Jobs.PageInfo.EndCursor)

			var rest jobPage
			b.mustDo(t, b.admin, listJobs, map[string]any{"first": 2, "after": *page.Jobs.PageInfo.EndCursor, "kinds": []string{"send_mail"}}, &rest)
			require.Len(t, rest.Jobs.Edges, 1)
			require.False(t, rest.Jobs.PageInfo.HasNextPage)
			oldest := rest.Jobs.Edges[0].Node
			require.Less(t, oldest.ID, second.ID)

			var fromSecond jobPage
			b.mustDo(t, b.admin, listJobs, map[string]any{"first": 5, "after": page.Jobs.Edges[0].Cursor, "kinds": []string{"send_mail"}}, &fromSecond)
			require.Len(t, fromSecond.Jobs.Edges, 2, "every edge's cursor continues after it")

			var cancelled struct{ CancelJob struct{ ID, State string } }
			b.mustDo(t, b.admin, `mutation($id: ID!) { cancelJob(id: $id) { id state } }`, map[string]any{"id": oldest.ID}, &cancelled)
			require.Equal(t, "CANCELLED", cancelled.CancelJob.State)

			var none jobPage
			b.mustDo(t, b.admin, listJobs, map[string]any{"states": []string{"COMPLETED"}}, &none)
			require.Empty(t, none.Jobs.Edges)
			var cancelledOnly jobPage
			b.mustDo(t, b.admin, listJobs, map[string]any{"states": []string{"CANCELLED"}}, &cancelledOnly)
			require.Len(t, cancelledOnly.Jobs.Edges, 1)
			require.Equal(t, oldest.ID, cancelledOnly.Jobs.Edges[0].Node.ID)

			var retried struct{ RetryJob struct{ ID, State string } }
			b.mustDo(t, b.admin, `mutation($id: ID!) { retryJob(id: $id) { id state } }`, map[string]any{"id": oldest.ID}, &retried)
			require.Equal(t, "AVAILABLE", retried.RetryJob.State, "a cancelled job runs again when retried")
		})
	}
}

func TestJobsBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t, servicetest.Dialects[0])
	b.enqueueMail(t, "only")
	requireCode(t, b.do(t, b.admin, `mutation { retryJob(id: "999999999") { id } }`, nil), "NOT_FOUND")
	requireCode(t, b.do(t, b.admin, `mutation { cancelJob(id: "999999999") { id } }`, nil), "NOT_FOUND")
	e := requireCode(t, b.do(t, b.admin, `mutation { retryJob(id: "abc") { id } }`, nil), "VALIDATION_FAILED")
	require.Equal(t, "id", e.Extensions["field"])
	requireCode(t, b.do(t, b.admin, `mutation { cancelJob(id: "-1") { id } }`, nil), "VALIDATION_FAILED")
	e = requireCode(t, b.do(t, b.admin, listJobs, map[string]any{"after": "not a cursor"}), "VALIDATION_FAILED")
	require.Equal(t, "after", e.Extensions["field"])
	requireCode(t, b.do(t, b.admin, listJobs, map[string]any{"first": 0}), "VALIDATION_FAILED")
}
