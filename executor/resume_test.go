package executor

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTakeResumeToken(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, query, rest, secret string
	}{
		{name: "none", query: "next=%2Fapp", rest: "next=%2Fapp"},
		{name: "empty", query: ""},
		{name: "alone", query: "flow_token=abc", secret: "abc"},
		{name: "with next", query: "next=%2Fapp&flow_token=abc", rest: "next=%2Fapp", secret: "abc"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rest, secret, err := takeResumeToken(c.query)
			require.NoError(t, err)
			require.Equal(t, c.rest, rest)
			require.Equal(t, c.secret, secret)
		})
	}
	_, _, err := takeResumeToken("%zz")
	require.ErrorIs(t, err, ErrInvalidNext)
}

func TestResumeRefusesAnotherFlow(t *testing.T) {
	t.Parallel()
	saved := &Execution{Format: DocumentFormat, FlowID: 1, Context: Context{"a": []byte(`1`)}}
	saved.Plan.Append(PlanEntry{Kind: "email"})
	doc, err := (&Request{Execution: saved}).Snapshot()
	require.NoError(t, err)

	other := &Request{Execution: &Execution{Format: DocumentFormat, FlowID: 2, Context: Context{}}}
	require.ErrorIs(t, other.Resume(doc), ErrNotResumable)
	require.ErrorIs(t, other.Resume([]byte(`{"v": 2}`)), ErrNotResumable)
	require.Empty(t, other.Execution.Plan.Entries, "nothing changed")

	same := &Request{Execution: &Execution{ID: "b", Scope: "s", Format: DocumentFormat, FlowID: 1, Context: Context{KeyResumeToken: []byte(`"h"`)}}}
	require.NoError(t, same.Resume(doc))
	require.Equal(t, "b", same.Execution.ID)
	require.Equal(t, "s", same.Execution.Scope, "the execution stays the resuming client's")
	require.Equal(t, saved.Plan, same.Execution.Plan)
	require.Equal(t, Context{"a": []byte(`1`)}, same.Execution.Context)
}
