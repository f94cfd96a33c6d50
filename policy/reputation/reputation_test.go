package reputation_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/counter"
	countersql "github.com/gatehouse-id/gatehouse/counter/sqlstore"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/policy/reputation"
	"github.com/gatehouse-id/gatehouse/problem"
	scores "github.com/gatehouse-id/gatehouse/reputation"
)

// newStore returns the SQL counter store on a fresh SQLite database.
func newStore(t *testing.T) counter.Store {
	t.Helper()
	return countersql.New(servicetest.Database(t, dialect.SQLite).Ent, nil)
}

// errDown is the failure of downStore.
var errDown = errors.New("store down")

// downStore is a counter store whose backend does not answer.
type downStore struct{ counter.Store }

func (downStore) Get(context.Context, string) (int64, error) { return 0, errDown }

var (
	badIP  = netip.MustParseAddr("192.0.2.1")
	goodIP = netip.MustParseAddr("2001:db8::1")
)

func TestEvaluate(t *testing.T) {
	t.Parallel()
	// Scores: badIP -4, "mallory" -3, goodIP +2; the cases only read them.
	store := newStore(t)
	for range 4 {
		require.NoError(t, scores.Record(t.Context(), store, badIP, "", scores.Failure))
	}
	for range 3 {
		require.NoError(t, scores.Record(t.Context(), store, netip.Addr{}, "Mallory", scores.Failure))
	}
	for range 2 {
		require.NoError(t, scores.Record(t.Context(), store, goodIP, "", scores.Success))
	}
	mallory := &ent.User{Username: "mallory"}
	tests := []struct {
		name    string
		cfg     reputation.Config
		req     *policy.Request
		passing bool
	}{
		{
			"bad ip and identifier",
			reputation.Config{CheckIP: true, CheckUsername: true, Threshold: -5},
			&policy.Request{Client: policy.Client{IP: badIP}, Context: map[string]any{"pending_user_identifier": "MALLORY"}}, true,
		},
		{
			"bad ip alone above threshold",
			reputation.Config{CheckIP: true, CheckUsername: true, Threshold: -5},
			&policy.Request{Client: policy.Client{IP: badIP}}, false,
		},
		{
			"ip only",
			reputation.Config{CheckIP: true, Threshold: -4},
			&policy.Request{Client: policy.Client{IP: badIP}, User: mallory}, true,
		},
		{
			"identifier only, from the user",
			reputation.Config{CheckUsername: true, Threshold: -3},
			&policy.Request{Client: policy.Client{IP: badIP}, User: mallory}, true,
		},
		{
			"pending identifier wins over the user",
			reputation.Config{CheckUsername: true, Threshold: -3},
			&policy.Request{User: mallory, Context: map[string]any{"pending_user_identifier": "alice"}}, false,
		},
		{
			"good ip offsets",
			reputation.Config{CheckIP: true, CheckUsername: true, Threshold: -2},
			&policy.Request{Client: policy.Client{IP: goodIP}, User: mallory}, false,
		},
		{
			"nothing known sums to 0",
			reputation.Config{CheckIP: true, CheckUsername: true, Threshold: -5},
			&policy.Request{}, false,
		},
		{
			"threshold 0 passes on nothing",
			reputation.Config{CheckIP: true, CheckUsername: true, Threshold: 0},
			&policy.Request{}, true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := reputation.New(&tt.cfg, store)
			require.NoError(t, err)
			out, err := ev.Evaluate(t.Context(), tt.req)
			require.NoError(t, err)
			require.Equal(t, policy.Outcome{Passing: tt.passing}, out)
		})
	}
}

func TestEvaluateStoreError(t *testing.T) {
	t.Parallel()
	ev, err := reputation.New(&reputation.Config{CheckIP: true, CheckUsername: true, Threshold: -5}, downStore{})
	require.NoError(t, err)
	_, err = ev.Evaluate(t.Context(), &policy.Request{Client: policy.Client{IP: badIP}})
	require.ErrorIs(t, err, errDown)
	_, err = ev.Evaluate(t.Context(), &policy.Request{User: &ent.User{Username: "alice"}})
	require.ErrorIs(t, err, errDown)
}

func TestDefinition(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	kinds := policy.NewKinds(reputation.Definition())
	cfg, err := kinds.Decode(reputation.Kind, nil)
	require.NoError(t, err)
	require.Equal(t, &reputation.Config{CheckIP: true, CheckUsername: true, Threshold: -5}, cfg)

	_, err = kinds.Decode(reputation.Kind, []byte(`{"check_ip": false, "check_username": false}`))
	var fe *problem.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "config.check_ip", fe.Field)

	_, err = kinds.New(reputation.Kind, nil, policy.Deps{})
	require.ErrorContains(t, err, "counter store")

	for range 5 {
		require.NoError(t, scores.Record(t.Context(), store, badIP, "", scores.Failure))
	}
	ev, err := kinds.New(reputation.Kind, nil, policy.Deps{Counters: store})
	require.NoError(t, err)
	out, err := ev.Evaluate(t.Context(), &policy.Request{Client: policy.Client{IP: badIP}})
	require.NoError(t, err)
	require.True(t, out.Passing)
}
