package policy_test

import (
	"context"
	"net/netip"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/privacy"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/policy"
)

// captured keeps the requests the "capture" kind's evaluators were asked
// about.
type captured struct {
	mu   sync.Mutex
	reqs []*policy.Request
}

func (c *captured) last(t *testing.T) *policy.Request {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	require.NotEmpty(t, c.reqs, "no policy was evaluated")
	return c.reqs[len(c.reqs)-1]
}

// captureKind is a kind whose evaluators record their request and decide
// as their config says.
func captureKind(c *captured) policy.Kind {
	return policy.Define("capture", func() *captureConfig { return &captureConfig{} },
		func(cc *captureConfig, _ policy.Deps) (policy.Evaluator, error) {
			return evaluatorFunc(func(_ context.Context, req *policy.Request) (policy.Outcome, error) {
				c.mu.Lock()
				defer c.mu.Unlock()
				c.reqs = append(c.reqs, req)
				return policy.Outcome{Passing: cc.Pass}, nil
			}), nil
		})
}

type captureConfig struct {
	Pass bool `json:"pass"`
}

func (*captureConfig) PolicyKind() string { return "capture" }
func (*captureConfig) Validate() error    { return nil }

func TestEngineTest(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		ctx := sysCtx(t)
		c := &captured{}
		engine := policy.NewEngine(b.client, policy.NewKinds(captureKind(c)), policy.Deps{}, nil)
		_, err := b.client.Group.UpdateOne(b.staff).AddUsers(b.alice).Save(ctx)
		require.NoError(t, err)
		pass := b.policy(t, "capture", captureConfig{Pass: true})
		fail := b.policy(t, "capture", captureConfig{Pass: false})

		// One policy, for a user, with headers and a context.
		res, err := engine.Test(ctx, policy.TestParams{
			PolicyID: pass.ID,
			UserID:   b.alice.ID,
			Headers:  map[string]string{"User-Agent": "probe/1", "X-Request-ID": "r1"},
			Context:  map[string]any{"prompt_data": map[string]any{"username": "alice"}},
		})
		require.NoError(t, err)
		require.True(t, res.Passing)
		require.Len(t, res.Trace, 1)
		require.Equal(t, pass.ID, res.Trace[0].SubjectID)
		require.Zero(t, res.Trace[0].BindingID)
		req := c.last(t)
		require.Equal(t, b.alice.ID, req.User.ID)
		require.Equal(t, []int{b.staff.ID}, req.GroupIDs)
		require.Equal(t, policy.Client{
			IP:        netip.MustParseAddr("127.0.0.1"),
			UserAgent: "probe/1",
			Headers:   map[string]string{"user-agent": "probe/1", "x-request-id": "r1"},
		}, req.Client, "the default address; header names lower-cased")
		require.Equal(t, map[string]any{"prompt_data": map[string]any{"username": "alice"}}, req.Context)
		require.Nil(t, req.Flow, "a single policy runs outside flows")

		// A flow's bindings, in the flow's mode (any, the default).
		flow := b.flow(t)
		b.bind(t, flow, binding{policy: fail, order: 0})
		passing := b.bind(t, flow, binding{policy: pass, order: 1})
		res, err = engine.Test(ctx, policy.TestParams{Target: flow, ClientIP: netip.MustParseAddr("10.0.0.7")})
		require.NoError(t, err)
		require.True(t, res.Passing, "mode any: one binding passes")
		require.Len(t, res.Trace, 2)
		require.Equal(t, passing.ID, res.Trace[1].BindingID)
		req = c.last(t)
		require.Nil(t, req.User, "anonymous")
		require.Empty(t, req.GroupIDs)
		require.Equal(t, netip.MustParseAddr("10.0.0.7"), req.Client.IP)
		require.NotNil(t, req.Context, "an empty context, not nil")
		require.Empty(t, req.Context)
		f, err := b.client.Flow.Get(ctx, flow.FlowID)
		require.NoError(t, err)
		require.Equal(t, &policy.Flow{Slug: f.Slug, Designation: "authentication"}, req.Flow)

		// A stage binding's bindings, in the stage binding's mode (all).
		sb := b.stageBinding(t)
		b.bind(t, sb, binding{policy: fail, order: 0})
		b.bind(t, sb, binding{policy: pass, order: 1})
		fsb, err := b.client.FlowStageBinding.UpdateOneID(sb.FlowStageBindingID).
			SetPolicyEngineMode(enum.PolicyEngineModeAll).Save(ctx)
		require.NoError(t, err)
		res, err = engine.Test(ctx, policy.TestParams{Target: sb})
		require.NoError(t, err)
		require.False(t, res.Passing, "mode all: one binding fails")
		f, err = b.client.Flow.Get(ctx, fsb.FlowID)
		require.NoError(t, err)
		require.Equal(t, &policy.Flow{Slug: f.Slug, Designation: "authentication"}, c.last(t).Flow, "the stage binding's flow")
	})
}

func TestEngineTestErrors(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, b *testBundle) {
		ctx := sysCtx(t)
		flow := b.flow(t)
		p := b.dummy(t, true)
		for _, params := range []policy.TestParams{
			{},
			{PolicyID: p.ID, Target: flow},
			{Target: policy.Target{FlowID: flow.FlowID, FlowStageBindingID: 1}},
		} {
			_, err := b.engine.Test(ctx, params)
			require.ErrorIs(t, err, policy.ErrInvalidTarget, "%+v", params)
		}
		for name, params := range map[string]policy.TestParams{
			"user":               {PolicyID: p.ID, UserID: 1 << 30},
			"policy":             {PolicyID: 1 << 30},
			"flow":               {Target: policy.Target{FlowID: 1 << 30}},
			"flow stage binding": {Target: policy.Target{FlowStageBindingID: 1 << 30}},
		} {
			_, err := b.engine.Test(ctx, params)
			require.True(t, ent.IsNotFound(err), "%s: %v", name, err)
		}

		// The user and the target are read under the caller's viewer.
		_, err := b.engine.Test(t.Context(), policy.TestParams{Target: flow})
		require.ErrorIs(t, err, privacy.Deny, "an anonymous caller may not read the flow")
	})
}
