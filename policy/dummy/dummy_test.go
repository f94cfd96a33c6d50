package dummy_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/policy/dummy"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

func TestEvaluate(t *testing.T) {
	t.Parallel()
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	t.Cleanup(cancel)
	tests := []struct {
		name    string
		cfg     dummy.Config
		ctx     context.Context
		want    policy.Outcome
		wantErr error
	}{
		{"pass", dummy.Config{Result: true}, nil, policy.Outcome{Passing: true}, nil},
		{"fail", dummy.Config{}, nil, policy.Outcome{}, nil},
		{"short wait", dummy.Config{Result: true, WaitMin: 1, WaitMax: 20}, nil, policy.Outcome{Passing: true}, nil},
		{"deadline first", dummy.Config{Result: true, WaitMin: dummy.MaxWait, WaitMax: dummy.MaxWait}, expired, policy.Outcome{}, context.DeadlineExceeded},
		{"deadline passed without wait", dummy.Config{Result: true}, expired, policy.Outcome{}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := tt.ctx
			if ctx == nil {
				ctx = t.Context()
			}
			start := time.Now()
			out, err := dummy.New(&tt.cfg).Evaluate(ctx, &policy.Request{})
			require.ErrorIs(t, err, tt.wantErr)
			require.Equal(t, tt.want, out)
			if tt.wantErr == nil {
				require.GreaterOrEqual(t, time.Since(start), time.Duration(tt.cfg.WaitMin)*time.Millisecond)
			} else {
				require.Less(t, time.Since(start), 10*time.Second, "does not wait past the deadline")
			}
		})
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	waits := func(low, high int) string { return fmt.Sprintf(`{"wait_min": %d, "wait_max": %d}`, low, high) }
	typedconfigtest.RunValidation(t, policy.NewKinds(dummy.Definition()), dummy.Kind, []typedconfigtest.Case{
		{Name: "defaults", Want: &dummy.Config{}},
		{Name: "fixed wait", Config: waits(5, 5), Want: &dummy.Config{WaitMin: 5, WaitMax: 5}},
		{Name: "negative wait", Config: `{"wait_min": -1}`, Field: "wait_min"},
		{Name: "wait too long", Config: waits(dummy.MaxWait+1, dummy.MaxWait+1), Field: "wait_min"},
		{Name: "maximum below minimum", Config: waits(5, 4), Field: "wait_max"},
		{Name: "maximum too long", Config: `{"wait_max": ` + strconv.Itoa(dummy.MaxWait+1) + `}`, Field: "wait_max"},
		{Name: "unknown field", Config: `{"passing": true}`, Field: "passing"},
	})
}

func TestDefinition(t *testing.T) {
	t.Parallel()
	ev, err := policy.NewKinds(dummy.Definition()).New(dummy.Kind, []byte(`{"result": true}`), policy.Deps{})
	require.NoError(t, err)
	out, err := ev.Evaluate(t.Context(), &policy.Request{})
	require.NoError(t, err)
	require.True(t, out.Passing)
}
