package expiry_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/policy/expiry"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func changedAgo(d time.Duration) *policy.Request {
	at := now.Add(-d)
	return &policy.Request{User: &ent.User{Username: "alice", PasswordChangedAt: &at}}
}

const day = 24 * time.Hour

func TestEvaluate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		days int
		req  *policy.Request
		want policy.Outcome
	}{
		{"anonymous passes", 30, &policy.Request{}, policy.Outcome{Passing: true}},
		{"never changed passes", 30, &policy.Request{User: &ent.User{Username: "alice"}}, policy.Outcome{Passing: true}},
		{"fresh", 30, changedAgo(time.Hour), policy.Outcome{Passing: true}},
		{"a second before expiry", 30, changedAgo(30*day - time.Second), policy.Outcome{Passing: true}},
		{"at expiry", 30, changedAgo(30 * day), policy.Outcome{Messages: []string{"Your password expired today."}}},
		{"one day after", 30, changedAgo(31*day + time.Hour), policy.Outcome{Messages: []string{"Your password expired 1 day ago."}}},
		{"long ago", 1, changedAgo(366 * day), policy.Outcome{Messages: []string{"Your password expired 365 days ago."}}},
		{"changed in the future", 1, changedAgo(-day), policy.Outcome{Passing: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev := expiry.New(&expiry.Config{Days: tt.days}, func() time.Time { return now })
			out, err := ev.Evaluate(t.Context(), tt.req)
			require.NoError(t, err)
			require.Equal(t, tt.want, out)
		})
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	days := func(n int) string { return `{"days": ` + strconv.Itoa(n) + `}` }
	typedconfigtest.RunValidation(t, policy.NewKinds(expiry.Definition()), expiry.Kind, []typedconfigtest.Case{
		{Name: "defaults", Want: &expiry.Config{Days: 90}},
		{Name: "one day", Config: days(1)},
		{Name: "longest", Config: days(expiry.MaxDays)},
		{Name: "no days", Config: days(0), Field: "days"},
		{Name: "negative", Config: days(-1), Field: "days"},
		{Name: "too long", Config: days(expiry.MaxDays + 1), Field: "days"},
	})
}

func TestDefinition(t *testing.T) {
	t.Parallel()
	kinds := policy.NewKinds(expiry.Definition())
	// The injected clock is used.
	ev, err := kinds.New(expiry.Kind, []byte(`{"days": 10}`), policy.Deps{NowFunc: func() time.Time { return now }})
	require.NoError(t, err)
	out, err := ev.Evaluate(t.Context(), changedAgo(12*day))
	require.NoError(t, err)
	require.Equal(t, policy.Outcome{Messages: []string{"Your password expired 2 days ago."}}, out)
}
