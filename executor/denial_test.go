package executor_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor/stages/deny"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
)

// flowExecutions are the FLOW_EXECUTION events recorded so far.
func (b *testBundle) flowExecutions() []stagetest.Event {
	var out []stagetest.Event
	for _, e := range b.env.Auditor.Events() {
		if e.Action == enum.EventActionFlowExecution {
			out = append(out, e)
		}
	}
	return out
}

// A flow that ends denied is a FLOW_EXECUTION event naming the flow, the
// stage and the message, once; one that ends well is none.
func TestDeniedExecutionIsRecorded(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		f := b.flow(t, "closed")
		b.dummy(t, f, "a", 10)
		b.bind(t, f, b.stage(t, deny.Kind, "gate", `{"deny_message": "Closed for now."}`), 20)
		open := b.flow(t, "open")
		b.dummy(t, open, "only", 10)

		sid := b.anonymous(t)
		v := b.start(t, "open", sid, "")
		v = b.submit(t, v.ID, sid, continueResponse())
		require.True(t, v.Completed)
		require.Empty(t, b.flowExecutions(), "a flow that succeeded is not an event")

		v = b.start(t, "closed", sid, "")
		requireDenied(t, b.submit(t, v.ID, sid, continueResponse()), "Closed for now.")
		got := b.flowExecutions()
		require.Len(t, got, 1)
		require.Equal(t, map[string]any{"flow": "closed", "outcome": "denied", "message": "Closed for now.", "stage": "gate"}, got[0].Data)
	})
}
