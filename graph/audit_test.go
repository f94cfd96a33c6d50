package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

func TestMutationsAreAudited(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		announced, err := b.broker.Subscribe(ctx, audit.Topic)
		require.NoError(t, err)

		id := b.createFlow(t, "login", "authentication")
		b.mustDo(t, b.admin, `mutation($id: ID!) { updateFlow(id: $id, input: {title: "New"}) { id } }`, map[string]any{"id": id}, nil)
		b.mustDo(t, b.admin, `mutation($id: ID!) { deleteFlow(id: $id) }`, map[string]any{"id": id}, nil)
		requireCode(t, b.do(t, b.admin, `mutation { createFlow(input: {slug: "BAD", name: "n", title: "t", designation: AUTHENTICATION}) { id } }`, nil), "VALIDATION_FAILED")

		var events struct {
			Events struct {
				Edges []struct {
					Node struct {
						ID, Action, Username, App string
						UserID                    *string `json:"userID"`
						Context                   map[string]any
					}
				}
			}
		}
		b.mustDo(t, b.admin, `{ events(first: 10, orderBy: {field: CREATED_AT, direction: ASC}, where: {actionIn: [MODEL_CREATED, MODEL_UPDATED, MODEL_DELETED] }) {
			edges { node { id action username app userID context } } } }`, nil, &events)
		var flowEvents []string
		var updateFields any
		for _, e := range events.Events.Edges {
			if e.Node.Context["model"] == "flow" {
				flowEvents = append(flowEvents, e.Node.Action)
				if e.Node.Action == "MODEL_UPDATED" {
					updateFields = e.Node.Context["fields"]
				}
				require.Equal(t, "root", e.Node.Username)
				require.Equal(t, "test", e.Node.App)
				require.Equal(t, id, e.Node.Context["id"])
			}
		}
		require.Equal(t, []string{"MODEL_CREATED", "MODEL_UPDATED", "MODEL_DELETED"}, flowEvents,
			"one event per committed change, none for the refused create")
		require.Equal(t, []any{"title", "updated_at"}, updateFields, "changed field names, never values")

		// Each committed event was announced, in order.
		next := func() string {
			select {
			case id := <-announced:
				return string(id)
			case <-ctx.Done():
				t.Fatal("event not announced")
				return ""
			}
		}
		for range flowEvents {
			next()
		}

		// A write that is rolled back records its event in the transaction
		// too, but must never announce it: the next announcement is the
		// next committed change.
		requireCode(t, b.do(t, b.admin, `mutation {
			a: createFlow(input: {slug: "kept-out", name: "n", title: "t", designation: AUTHENTICATION}) { id }
			b: createFlow(input: {slug: "Bad Slug", name: "n", title: "t", designation: AUTHENTICATION}) { id } }`, nil), "VALIDATION_FAILED")
		b.createFlow(t, "after", "authentication")
		var last struct {
			Events struct {
				Edges []struct {
					Node struct {
						ID      string
						Context map[string]any
					}
				}
			}
		}
		b.mustDo(t, b.admin, `{ events(last: 1, orderBy: {field: CREATED_AT}) { edges { node { id context } } } }`, nil, &last)
		require.Equal(t, last.Events.Edges[0].Node.ID, next(), "the rolled-back event was not announced")
	})
}

func TestEventStats(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		ctx := viewer.SystemContext(t.Context())
		hour := time.Now().UTC().Truncate(time.Hour)
		for _, e := range []struct {
			action enum.EventAction
			at     time.Time
		}{
			{enum.EventActionLogin, hour},
			{enum.EventActionLogin, hour.Add(-time.Nanosecond)},
			{enum.EventActionLoginFailed, hour.Add(-time.Minute)},
			{enum.EventActionLogout, hour},
		} {
			_, err := b.client.Event.Create().SetAction(e.action).SetCreatedAt(e.at).SetExpires(hour.Add(time.Hour)).Save(ctx)
			require.NoError(t, err)
		}
		var out struct {
			EventStats []struct {
				Start  time.Time
				Action string
				Count  int
			}
		}
		const query = `query($since: Time!, $bucket: EventBucketSize) {
			eventStats(actions: [LOGIN, LOGIN_FAILED], since: $since, bucket: $bucket) { start action count } }`
		vars := map[string]any{"since": hour.Add(-2 * time.Hour).Format(time.RFC3339), "bucket": "HOUR"}
		b.mustDo(t, b.admin, query, vars, &out)
		prev := hour.Add(-time.Hour)
		require.Len(t, out.EventStats, 3)
		require.True(t, prev.Equal(out.EventStats[0].Start) && prev.Equal(out.EventStats[1].Start) && hour.Equal(out.EventStats[2].Start), "%+v", out.EventStats)
		require.Equal(t, []string{"LOGIN", "LOGIN_FAILED", "LOGIN"}, []string{out.EventStats[0].Action, out.EventStats[1].Action, out.EventStats[2].Action})
		require.Equal(t, []int{1, 1, 1}, []int{out.EventStats[0].Count, out.EventStats[1].Count, out.EventStats[2].Count})

		vars["bucket"] = nil // the default, HOUR
		vars["since"] = time.Now().Add(-32 * 24 * time.Hour).Format(time.RFC3339)
		r := b.do(t, b.admin, query, vars)
		requireCode(t, r, "BAD_USER_INPUT")
		require.Contains(t, r.Errors[0].Message, "at most 31 days ago for hour buckets")

		vars["bucket"] = "DAY"
		b.mustDo(t, b.admin, query, vars, &out)
		require.NotEmpty(t, out.EventStats)
	})
}
