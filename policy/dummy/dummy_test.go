package dummy_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/policy/dummy"
	"github.com/gatehouse-id/gatehouse/problem"
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
	tests := []struct {
		cfg   dummy.Config
		field string
	}{
		{dummy.Config{}, ""},
		{dummy.Config{WaitMin: 5, WaitMax: 5}, ""},
		{dummy.Config{WaitMin: -1}, "wait_min"},
		{dummy.Config{WaitMin: dummy.MaxWait + 1, WaitMax: dummy.MaxWait + 1}, "wait_min"},
		{dummy.Config{WaitMin: 5, WaitMax: 4}, "wait_max"},
		{dummy.Config{WaitMax: dummy.MaxWait + 1}, "wait_max"},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		if tt.field == "" {
			require.NoError(t, err)
			continue
		}
		var fe *problem.FieldError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, tt.field, fe.Field)
	}
}

func TestDefinition(t *testing.T) {
	t.Parallel()
	ev, err := policy.NewKinds(dummy.Definition()).New(dummy.Kind, []byte(`{"result": true}`), policy.Deps{})
	require.NoError(t, err)
	out, err := ev.Evaluate(t.Context(), &policy.Request{})
	require.NoError(t, err)
	require.True(t, out.Passing)
}
