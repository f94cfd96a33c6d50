package executor_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/deny"
	"github.com/gatehouse-id/gatehouse/executor/stages/dummy"
)

func TestPlanCache(t *testing.T) {
	t.Parallel()
	const vipOnly = `has(user.attributes.vip) && user.attributes.vip == true`
	eachBackend(t, func(t *testing.T, be backend) {
		t.Run("PerFlowAndUserForPlanCacheTTL", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			alice, bob := b.user(t, "alice", ""), b.user(t, "bob", "")
			require.NoError(t, b.client.User.UpdateOneID(bob.ID).SetAttributes(map[string]any{"vip": true}).Exec(b.ctx))
			f := b.flow(t, "flow")
			vip := b.dummy(t, f, "vip", 10, func(c *ent.FlowStageBindingCreate) { c.SetEvaluateOnPlan(true) })
			b.dummy(t, f, "last", 20)
			b.bindPolicy(t, target{binding: vip}, b.expression(t, vipOnly))
			aliceSID, bobSID := b.login(t, alice), b.login(t, bob)

			require.Equal(t, "last", dummyName(t, b.start(t, "flow", aliceSID, "")))
			gen := b.generation(t)
			require.NoError(t, b.client.User.UpdateOneID(alice.ID).SetAttributes(map[string]any{"vip": true}).Exec(b.ctx))
			require.Equal(t, gen, b.generation(t), "users are not flow configuration")

			// Alice's plan is cached; Bob has his own.
			require.Equal(t, "last", dummyName(t, b.start(t, "flow", aliceSID, "")))
			require.Equal(t, "vip", dummyName(t, b.start(t, "flow", bobSID, "")))
			b.clock.Advance(executor.PlanCacheTTL - time.Millisecond)
			require.Equal(t, "last", dummyName(t, b.start(t, "flow", aliceSID, "")))
			b.clock.Advance(time.Millisecond)
			require.Equal(t, "vip", dummyName(t, b.start(t, "flow", aliceSID, "")), "a plan is used for PlanCacheTTL at most")
		})

		// Each change takes effect on the very next start: InvalidateOn
		// bumps the configuration generation, which every cache checks.
		invalidations := []struct {
			name string
			// arrange builds a flow "flow" and returns what its start
			// shows; change changes the configuration and returns what it
			// shows after.
			arrange func(t *testing.T, b *testBundle) (before string, change func() string)
			// shows describes a start (default: shows).
			shows func(t *testing.T, v *executor.View) string
		}{
			{name: "FlowUpdated", shows: func(_ *testing.T, v *executor.View) string { return v.Flow.Title }, arrange: func(t *testing.T, b *testBundle) (string, func() string) {
				f := b.flow(t, "flow")
				b.dummy(t, f, "first", 10)
				return "Title of flow", func() string {
					require.NoError(t, f.Update().SetTitle("Renamed flow").Exec(b.ctx))
					return "Renamed flow"
				}
			}},
			{name: "BindingReordered", arrange: func(t *testing.T, b *testBundle) (string, func() string) {
				f := b.flow(t, "flow")
				b.dummy(t, f, "a", 10)
				second := b.dummy(t, f, "b", 20)
				return "a", func() string {
					require.NoError(t, second.Update().SetOrder(5).Exec(b.ctx))
					return "b"
				}
			}},
			{name: "BindingAdded", arrange: func(t *testing.T, b *testBundle) (string, func() string) {
				f := b.flow(t, "flow")
				b.dummy(t, f, "a", 10)
				return "a", func() string {
					b.dummy(t, f, "c", 1)
					return "c"
				}
			}},
			{name: "BindingDeleted", arrange: func(t *testing.T, b *testBundle) (string, func() string) {
				f := b.flow(t, "flow")
				first := b.dummy(t, f, "a", 10)
				b.dummy(t, f, "b", 20)
				return "a", func() string {
					require.NoError(t, b.client.FlowStageBinding.DeleteOne(first).Exec(b.ctx))
					return "b"
				}
			}},
			{name: "StageRenamed", arrange: func(t *testing.T, b *testBundle) (string, func() string) {
				f := b.flow(t, "flow")
				fsb := b.dummy(t, f, "a", 10)
				return "a", func() string {
					require.NoError(t, b.client.Stage.UpdateOneID(fsb.StageID).SetName("renamed").Exec(b.ctx))
					return "renamed"
				}
			}},
			{name: "StageConfigUpdated", arrange: func(t *testing.T, b *testBundle) (string, func() string) {
				f := b.flow(t, "flow")
				s := b.stage(t, deny.Kind, "deny", `{"deny_message": "Closed for now."}`)
				b.bind(t, f, s, 10)
				return "Closed for now.", func() string {
					require.NoError(t, s.Update().SetConfig([]byte(`{"deny_message": "Closed for good."}`)).Exec(b.ctx))
					return "Closed for good."
				}
			}},
			{name: "PolicyUpdated", arrange: func(t *testing.T, b *testBundle) (string, func() string) {
				f := b.flow(t, "flow")
				gated := b.dummy(t, f, "gated", 10, func(c *ent.FlowStageBindingCreate) { c.SetEvaluateOnPlan(true) })
				b.dummy(t, f, "last", 20)
				p := b.expression(t, "false")
				b.bindPolicy(t, target{binding: gated}, p)
				return "last", func() string {
					require.NoError(t, p.Update().SetConfig([]byte(`{"expression": "true"}`)).Exec(b.ctx))
					return "gated"
				}
			}},
			{name: "PolicyBindingDisabled", arrange: func(t *testing.T, b *testBundle) (string, func() string) {
				f := b.flow(t, "flow")
				gated := b.dummy(t, f, "gated", 10, func(c *ent.FlowStageBindingCreate) { c.SetEvaluateOnPlan(true) })
				b.dummy(t, f, "last", 20)
				pb := b.bindPolicy(t, target{binding: gated}, b.verdict(t, false))
				return "last", func() string {
					require.NoError(t, pb.Update().SetEnabled(false).Exec(b.ctx))
					return "gated"
				}
			}},
			{name: "PolicyBindingAdded", arrange: func(t *testing.T, b *testBundle) (string, func() string) {
				f := b.flow(t, "flow")
				gated := b.dummy(t, f, "gated", 10, func(c *ent.FlowStageBindingCreate) { c.SetEvaluateOnPlan(true) })
				b.dummy(t, f, "last", 20)
				return "gated", func() string {
					b.bindPolicy(t, target{binding: gated}, b.verdict(t, false))
					return "last"
				}
			}},
		}
		for _, tt := range invalidations {
			t.Run("Invalidated/"+tt.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t, be)
				look := shows
				if tt.shows != nil {
					look = tt.shows
				}
				before, change := tt.arrange(t, b)
				sid := b.anonymous(t)
				require.Equal(t, before, look(t, b.start(t, "flow", sid, "")))
				require.Equal(t, before, look(t, b.start(t, "flow", sid, "")), "cached")
				gen := b.generation(t)
				after := change()
				require.Greater(t, b.generation(t), gen)
				require.Equal(t, after, look(t, b.start(t, "flow", sid, "")))
			})
		}

		t.Run("LostInvalidationHealsWithinPlanCacheTTL", func(t *testing.T) {
			t.Parallel()
			// The counter store failed when the change committed, so no
			// generation was bumped: every cache (flows, stages, plans)
			// serves the old configuration for PlanCacheTTL at most.
			b := setup(t, be, options{invalidationCounters: func(c counter.Store) counter.Store { return downCounters{c} }})
			f := b.flow(t, "flow")
			first := b.dummy(t, f, "a", 10)
			s := b.stage(t, deny.Kind, "deny", `{"deny_message": "Closed for now."}`)
			b.bind(t, f, s, 20)
			sid := b.anonymous(t)
			v := b.start(t, "flow", sid, "")
			require.Equal(t, "a", dummyName(t, v))
			require.Equal(t, "Title of flow", v.Flow.Title)
			requireDenied(t, b.submit(t, v.ID, sid, continueResponse()), "Closed for now.")

			require.NoError(t, f.Update().SetTitle("Renamed flow").Exec(b.ctx))
			require.NoError(t, s.Update().SetConfig([]byte(`{"deny_message": "Closed for good."}`)).Exec(b.ctx))
			require.NoError(t, b.client.Stage.UpdateOneID(first.StageID).SetName("renamed").Exec(b.ctx))
			require.Zero(t, b.generation(t), "no bump reached the counter store")

			b.clock.Advance(executor.PlanCacheTTL)
			v = b.start(t, "flow", sid, "")
			require.Equal(t, "renamed", dummyName(t, v))
			require.Equal(t, "Renamed flow", v.Flow.Title)
			requireDenied(t, b.submit(t, v.ID, sid, continueResponse()), "Closed for good.")
		})
	})
}

// shows describes where v is: a denial's message, else the name of the
// dummy stage it shows.
func shows(t *testing.T, v *executor.View) string {
	t.Helper()
	if c, ok := v.Challenge.(*executor.AccessDeniedChallenge); ok {
		return c.ErrorMessage
	}
	return dummyName(t, v)
}

func TestInvalidateOn(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		t.Run("EveryConfigurationWriteBumps", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			var (
				f   *ent.Flow
				s   *ent.Stage
				fsb *ent.FlowStageBinding
				p   *ent.PolicyDefinition
				pb  *ent.PolicyBinding
			)
			steps := []struct {
				name  string
				write func(t *testing.T)
			}{
				{"CreateFlow", func(t *testing.T) { f = b.flow(t, "flow") }},
				{"UpdateFlow", func(t *testing.T) { require.NoError(t, f.Update().SetTitle("New title").Exec(b.ctx)) }},
				{"UpdateFlows", func(t *testing.T) { require.NoError(t, b.client.Flow.Update().SetTitle("Newer title").Exec(b.ctx)) }},
				{"CreateStage", func(t *testing.T) { s = b.stage(t, dummy.Kind, "stage", `{}`) }},
				{"UpdateStage", func(t *testing.T) {
					require.NoError(t, s.Update().SetConfig([]byte(`{"throw_error": true}`)).Exec(b.ctx))
				}},
				{"CreateBinding", func(t *testing.T) { fsb = b.bind(t, f, s, 10) }},
				{"UpdateBinding", func(t *testing.T) { require.NoError(t, fsb.Update().SetOrder(20).Exec(b.ctx)) }},
				{"CreatePolicy", func(t *testing.T) { p = b.verdict(t, true) }},
				{"UpdatePolicy", func(t *testing.T) {
					require.NoError(t, p.Update().SetConfig([]byte(`{"result": false}`)).Exec(b.ctx))
				}},
				{"CreatePolicyBinding", func(t *testing.T) { pb = b.bindPolicy(t, target{binding: fsb}, p) }},
				{"UpdatePolicyBinding", func(t *testing.T) { require.NoError(t, pb.Update().SetNegate(true).Exec(b.ctx)) }},
				{"DeletePolicyBinding", func(t *testing.T) { require.NoError(t, b.client.PolicyBinding.DeleteOne(pb).Exec(b.ctx)) }},
				{"DeletePolicy", func(t *testing.T) { require.NoError(t, b.client.PolicyDefinition.DeleteOne(p).Exec(b.ctx)) }},
				{"DeleteBinding", func(t *testing.T) { require.NoError(t, b.client.FlowStageBinding.DeleteOne(fsb).Exec(b.ctx)) }},
				{"DeleteStage", func(t *testing.T) { require.NoError(t, b.client.Stage.DeleteOne(s).Exec(b.ctx)) }},
				{"DeleteFlow", func(t *testing.T) { require.NoError(t, b.client.Flow.DeleteOne(f).Exec(b.ctx)) }},
			}
			for _, step := range steps {
				gen := b.generation(t)
				step.write(t)
				require.Greater(t, b.generation(t), gen, step.name)
			}
		})

		t.Run("OtherWritesDoNotBump", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			f := b.flow(t, "flow")
			gen := b.generation(t)
			u := b.user(t, "alice", "")
			b.group(t, true, []*ent.User{u})
			b.login(t, u)
			// A configuration write that fails changes nothing.
			_, err := b.client.Flow.Create().SetSlug(f.Slug).SetName("other").SetTitle("Other").
				SetDesignation(enum.FlowDesignationAuthentication).Save(b.ctx)
			require.Error(t, err)
			require.Equal(t, gen, b.generation(t))
		})

		t.Run("TransactionBumpsAfterCommit", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			f := b.flow(t, "flow")
			b.dummy(t, f, "first", 10)
			sid := b.anonymous(t)
			require.Equal(t, "Title of flow", b.start(t, "flow", sid, "").Flow.Title)

			gen := b.generation(t)
			tx, err := b.client.Tx(b.ctx)
			require.NoError(t, err)
			require.NoError(t, tx.Flow.UpdateOneID(f.ID).SetTitle("Committed title").Exec(b.ctx))
			require.Equal(t, gen, b.generation(t), "no bump before commit: a reader could cache the old flow under the new generation")
			require.NoError(t, tx.Commit())
			require.Greater(t, b.generation(t), gen)
			require.Equal(t, "Committed title", b.start(t, "flow", sid, "").Flow.Title)
		})

		t.Run("RollbackDoesNotBump", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			f := b.flow(t, "flow")
			gen := b.generation(t)
			tx, err := b.client.Tx(b.ctx)
			require.NoError(t, err)
			require.NoError(t, tx.Flow.UpdateOneID(f.ID).SetTitle("Rolled back").Exec(b.ctx))
			require.NoError(t, tx.Rollback())
			require.Equal(t, gen, b.generation(t))
		})
	})
}
