package builtin_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/policy/builtin"
	"github.com/gatehouse-id/gatehouse/policy/dummy"
	"github.com/gatehouse-id/gatehouse/policy/eventmatcher"
	"github.com/gatehouse-id/gatehouse/policy/expiry"
	"github.com/gatehouse-id/gatehouse/policy/expression"
	"github.com/gatehouse-id/gatehouse/policy/password"
	"github.com/gatehouse-id/gatehouse/policy/reputation"
)

// countersStub satisfies counter.Store for building evaluators, which
// must not touch the store: any call panics on the nil embedded interface.
type countersStub struct{ counter.Store }

func TestAllBuildEveryKind(t *testing.T) {
	t.Parallel()
	kinds := builtin.All()
	require.Equal(t, []string{dummy.Kind, eventmatcher.Kind, expiry.Kind, expression.Kind, password.Kind, reputation.Kind}, kinds.Names())
	configs := map[string]string{
		dummy.Kind:        `{"result": true}`,
		eventmatcher.Kind: `{"action": "login_failed", "client_ip": "10.0.0.0/8"}`,
		expiry.Kind:       `{"days": 30}`,
		expression.Kind:   `{"expression": "true"}`,
		password.Kind:     `{}`,
		reputation.Kind:   `{}`,
	}
	for _, name := range kinds.Names() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw, ok := configs[name]
			require.True(t, ok, "a test config for every shipped kind")
			cfg, err := kinds.Decode(name, []byte(raw))
			require.NoError(t, err)
			require.Equal(t, name, cfg.PolicyKind())
			ev, err := kinds.New(name, []byte(raw), policy.Deps{Counters: countersStub{}})
			require.NoError(t, err)
			require.NotNil(t, ev)
		})
	}
}
