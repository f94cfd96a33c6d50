package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/audit"
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
