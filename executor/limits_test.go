package executor_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/prompt"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/session"
)

// startFrom starts the flow slug for sid (empty: a new anonymous session)
// from ip.
func (b *testBundle) startFrom(t *testing.T, slug string, sid session.ID, ip string) (*executor.View, error) {
	t.Helper()
	c := testClient
	c.IP = netip.MustParseAddr(ip)
	return b.executor.Start(t.Context(), executor.StartParams{Slug: slug, SessionID: sid, Client: c})
}

func requireRateLimited(t *testing.T, err error, msgAndArgs ...any) {
	t.Helper()
	var limited *problem.RateLimitedError
	require.ErrorAs(t, err, &limited, msgAndArgs...)
	require.Equal(t, executor.MessageTooManyStarts, limited.Message)
}

func TestStartLimits(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, be backend) {
		t.Run("PerIP", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be, options{startLimits: executor.StartLimits{PerIP: 3, PerSession: -1}})
			b.dummy(t, b.flow(t, "flow"), "a", 10)
			for i := range 3 { // a new anonymous session each time: only the address is common
				_, err := b.startFrom(t, "flow", "", "198.51.100.1")
				require.NoError(t, err, "start %d", i+1)
			}
			_, err := b.startFrom(t, "flow", "", "198.51.100.1")
			requireRateLimited(t, err)
			_, err = b.startFrom(t, "unknown-flow", "", "::ffff:198.51.100.1")
			requireRateLimited(t, err, "the same address, IPv4-mapped; counted before the flow is looked up")
			_, err = b.startFrom(t, "flow", "", "198.51.100.2")
			require.NoError(t, err, "another address has its own budget")

			b.clock.Advance(executor.DefaultStartLimits.Window)
			_, err = b.startFrom(t, "flow", "", "198.51.100.1")
			require.NoError(t, err, "the window has passed")
		})

		t.Run("PerSession", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be, options{startLimits: executor.StartLimits{PerIP: -1, PerSession: 2}})
			b.dummy(t, b.flow(t, "flow"), "a", 10)
			sid := b.anonymous(t)
			for i := range 2 {
				_, err := b.startFrom(t, "flow", sid, "198.51.100.1")
				require.NoError(t, err, "start %d", i+1)
			}
			_, err := b.startFrom(t, "flow", sid, "198.51.100.9")
			requireRateLimited(t, err)
			_, err = b.startFrom(t, "flow", b.anonymous(t), "198.51.100.1")
			require.NoError(t, err, "another session has its own budget")
		})

		t.Run("QueryBound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			b.dummy(t, b.flow(t, "flow"), "a", 10)
			query := "next=%2Fapp&x=" + strings.Repeat("a", executor.MaxQueryBytes)
			_, err := b.executor.Start(t.Context(), executor.StartParams{Slug: "flow", Query: query, Client: testClient})
			var field *problem.FieldError
			require.ErrorAs(t, err, &field)
			require.Equal(t, "query", field.Field)
		})

		t.Run("DocumentBound", func(t *testing.T) {
			t.Parallel()
			// Every answer is within its field's bound; together they are
			// more than an execution may keep.
			b := setup(t, be)
			f := b.flow(t, "form")
			fields := make([]string, 10)
			values := map[string]any{}
			for i := range fields {
				key := "field_" + string(rune('a'+i))
				fields[i] = `{"field_key": "` + key + `", "label": "L", "type": "text_area"}`
				values[key] = strings.Repeat("x", prompt.MaxTextLength)
			}
			b.bind(t, f, b.stage(t, prompt.Kind, "form", `{"fields": [`+strings.Join(fields, ",")+`]}`), 10)
			b.dummy(t, f, "after", 20)
			sid := b.anonymous(t)
			v := b.start(t, "form", sid, "")
			before := b.record(t, v.ID)

			_, err := b.executor.Submit(t.Context(), executor.SubmitParams{
				ExecutionID: v.ID, SessionID: sid, Response: &prompt.Response{Values: values}, Client: testClient,
			})
			var field *problem.FieldError
			require.ErrorAs(t, err, &field)
			require.Equal(t, "response", field.Field)
			after := b.record(t, v.ID)
			require.Equal(t, string(before.Document), string(after.Document), "nothing was stored")
			require.LessOrEqual(t, len(after.Document), executor.MaxDocumentBytes)
		})
	})
}
