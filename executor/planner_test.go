package executor_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	gviewer "github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/identification"
	"github.com/gatehouse-id/gatehouse/executor/stages/password"
	"github.com/gatehouse-id/gatehouse/session"
)

// viewer is who starts a flow.
type viewer string

const (
	anonymousViewer viewer = "anonymous"
	// userViewer is in a group, but not a superuser group.
	userViewer viewer = "user"
	// superuserViewer is in a superuser group.
	superuserViewer viewer = "superuser"
	// nestedSuperuserViewer is in a child group of a superuser group.
	nestedSuperuserViewer viewer = "nested_superuser"
	// inactiveViewer holds the session of a superuser deactivated since.
	inactiveViewer viewer = "inactive"
)

var viewers = []viewer{anonymousViewer, userViewer, superuserViewer, nestedSuperuserViewer, inactiveViewer}

// session returns a session of a new user of kind v.
func (b *testBundle) session(t *testing.T, v viewer) session.ID {
	t.Helper()
	if v == anonymousViewer {
		return b.anonymous(t)
	}
	u := b.user(t, b.name(string(v)), "")
	sid := b.login(t, u)
	switch v {
	case userViewer:
		b.group(t, false, []*ent.User{u}, b.group(t, false, nil))
	case superuserViewer:
		b.group(t, true, []*ent.User{u})
	case nestedSuperuserViewer:
		b.group(t, false, []*ent.User{u}, b.group(t, true, nil))
	case inactiveViewer:
		b.group(t, true, []*ent.User{u})
		require.NoError(t, b.client.User.UpdateOneID(u.ID).SetIsActive(false).Exec(b.ctx))
	case anonymousViewer:
	}
	return sid
}

// outcome is how a flow answers its start.
type outcome string

const (
	// runs: the flow shows its first stage.
	runs outcome = "runs"
	// denied: the flow refuses with the default message.
	denied outcome = "denied"
	// done: the flow ends at once with success, to "/".
	done outcome = "done"
)

// requireOutcome asserts that v is want; first is the name of the flow's
// first (dummy) stage.
func requireOutcome(t *testing.T, v *executor.View, want outcome, first string) {
	t.Helper()
	switch want {
	case runs:
		require.Equal(t, first, dummyName(t, v))
	case denied:
		requireDenied(t, v, executor.DefaultDenyMessage)
	case done:
		requireRedirect(t, v, "/")
	}
}

func TestAuthenticationRequirement(t *testing.T) {
	t.Parallel()
	// An enrollment flow: a mismatch denies (authentication flows treat
	// logged-in users specially, see TestAuthenticationFlowLoggedIn).
	want := map[enum.AuthenticationRequirement]map[viewer]outcome{
		enum.AuthenticationNone: {
			anonymousViewer: runs, userViewer: runs, superuserViewer: runs, nestedSuperuserViewer: runs, inactiveViewer: runs,
		},
		enum.AuthenticationRequireAuthenticated: {
			anonymousViewer: denied, userViewer: runs, superuserViewer: runs, nestedSuperuserViewer: runs, inactiveViewer: denied,
		},
		enum.AuthenticationRequireUnauthenticated: {
			anonymousViewer: runs, userViewer: denied, superuserViewer: denied, nestedSuperuserViewer: denied, inactiveViewer: runs,
		},
		enum.AuthenticationRequireSuperuser: {
			anonymousViewer: denied, userViewer: denied, superuserViewer: runs, nestedSuperuserViewer: runs, inactiveViewer: denied,
		},
		enum.AuthenticationRequireRedirect: {
			anonymousViewer: denied, userViewer: denied, superuserViewer: denied, nestedSuperuserViewer: denied, inactiveViewer: denied,
		},
		enum.AuthenticationRequireOutpost: {
			anonymousViewer: denied, userViewer: denied, superuserViewer: denied, nestedSuperuserViewer: denied, inactiveViewer: denied,
		},
	}
	require.Len(t, want, len(enum.AuthenticationRequirements), "every requirement is covered")
	for req, outcomes := range want {
		require.Len(t, outcomes, len(viewers), "every viewer is covered for %s", req)
	}
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		for _, req := range enum.AuthenticationRequirements {
			f := b.flow(t, "flow-"+string(req), func(c *ent.FlowCreate) {
				c.SetDesignation(enum.FlowDesignationEnrollment).SetAuthentication(req)
			})
			b.dummy(t, f, "first-"+string(req), 10)
		}
		for _, req := range enum.AuthenticationRequirements {
			for _, who := range viewers {
				t.Run(fmt.Sprintf("%s/%s", req, who), func(t *testing.T) {
					t.Parallel()
					v := b.start(t, "flow-"+string(req), b.session(t, who), "")
					requireOutcome(t, v, want[req][who], "first-"+string(req))
				})
			}
		}

		t.Run("RequireOutpostByAnOutpost", func(t *testing.T) {
			t.Parallel()
			// An outpost's token authenticated the request: the flow runs.
			ctx := gviewer.NewContext(t.Context(), gviewer.Viewer{Kind: gviewer.Outpost, OutpostID: 1})
			v, err := b.executor.Start(ctx, executor.StartParams{
				Slug: "flow-require_outpost", SessionID: b.session(t, anonymousViewer), Client: testClient,
			})
			require.NoError(t, err)
			requireOutcome(t, v, runs, "first-require_outpost")
		})

		t.Run("RequireRedirectWithIsRedirected", func(t *testing.T) {
			t.Parallel()
			for _, who := range viewers {
				v, err := b.executor.Start(t.Context(), executor.StartParams{
					Slug: "flow-require_redirect", SessionID: b.session(t, who), Client: testClient,
					Context: map[string]any{executor.KeyIsRedirected: "other-flow"},
				})
				require.NoError(t, err)
				requireOutcome(t, v, runs, "first-require_redirect")
			}
		})
	})
}

func TestAuthenticationFlowLoggedIn(t *testing.T) {
	t.Parallel()
	// An authentication flow that does not apply to a user who is logged
	// in already ends as a success, to next: there is nothing left to
	// authenticate (authentik executor, §3.4 step 4). Anonymous users are
	// denied as usual.
	eachBackend(t, func(t *testing.T, be backend) {
		t.Run("RequireUnauthenticated", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			f := b.flow(t, "login", func(c *ent.FlowCreate) {
				c.SetAuthentication(enum.AuthenticationRequireUnauthenticated).SetDeniedAction(enum.DeniedActionMessage)
			})
			b.dummy(t, f, "first", 10)

			requireRedirect(t, b.start(t, "login", b.session(t, userViewer), "next=%2Fapp"), "/app")
			requireRedirect(t, b.start(t, "login", b.session(t, superuserViewer), ""), "/")
			require.Equal(t, "first", dummyName(t, b.start(t, "login", b.session(t, anonymousViewer), "next=%2Fapp")))
		})

		t.Run("FlowPolicyDenies", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			f := b.flow(t, "login", func(c *ent.FlowCreate) { c.SetDeniedAction(enum.DeniedActionMessage) })
			b.dummy(t, f, "first", 10)
			b.bindPolicy(t, target{flow: f}, b.expression(t, `{"pass": false, "message": "Not for you."}`))

			requireRedirect(t, b.start(t, "login", b.session(t, userViewer), "next=%2Fapp"), "/app")
			requireDenied(t, b.start(t, "login", b.session(t, anonymousViewer), "next=%2Fapp"), "Not for you.")
			// An inactive user's session is anonymous.
			requireDenied(t, b.start(t, "login", b.session(t, inactiveViewer), "next=%2Fapp"), "Not for you.")
		})

		t.Run("OtherDesignationsDeny", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			for _, d := range enum.FlowDesignations {
				if d == enum.FlowDesignationAuthentication {
					continue
				}
				f := b.flow(t, "flow-"+string(d), func(c *ent.FlowCreate) {
					c.SetDesignation(d).SetDeniedAction(enum.DeniedActionMessage)
				})
				b.dummy(t, f, "first-"+string(d), 10)
				b.bindPolicy(t, target{flow: f}, b.verdict(t, false))
				requireDenied(t, b.start(t, "flow-"+string(d), b.session(t, userViewer), "next=%2Fapp"), executor.DefaultDenyMessage)
			}
		})
	})
}

// flowPolicy is one binding of a flow-policy case.
type flowPolicy struct {
	pass     bool
	message  string
	negate   bool
	disabled bool
}

func TestFlowPolicies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		mode     enum.PolicyEngineMode
		bindings []flowPolicy
		// message is the denial's message; empty when the flow runs.
		message string
	}{
		{name: "NoBindingsPass", mode: enum.PolicyEngineModeAll},
		{name: "NoBindingsPassAny", mode: enum.PolicyEngineModeAny},
		{name: "AnyOnePasses", mode: enum.PolicyEngineModeAny, bindings: []flowPolicy{{}, {pass: true}}},
		{name: "AnyNonePasses", mode: enum.PolicyEngineModeAny, bindings: []flowPolicy{{}, {}}, message: executor.DefaultDenyMessage},
		{name: "AllPass", mode: enum.PolicyEngineModeAll, bindings: []flowPolicy{{pass: true}, {pass: true}}},
		{name: "AllOneFails", mode: enum.PolicyEngineModeAll, bindings: []flowPolicy{{pass: true}, {}}, message: executor.DefaultDenyMessage},
		{name: "NegatedFailPasses", mode: enum.PolicyEngineModeAll, bindings: []flowPolicy{{negate: true}}},
		{name: "NegatedPassFails", mode: enum.PolicyEngineModeAny, bindings: []flowPolicy{{pass: true, negate: true}}, message: executor.DefaultDenyMessage},
		{name: "DisabledFailIgnored", mode: enum.PolicyEngineModeAll, bindings: []flowPolicy{{pass: true}, {disabled: true}}},
		{name: "OnlyDisabledPasses", mode: enum.PolicyEngineModeAll, bindings: []flowPolicy{{disabled: true}}},
		{name: "DisabledPassIgnored", mode: enum.PolicyEngineModeAny, bindings: []flowPolicy{{}, {pass: true, disabled: true}}, message: executor.DefaultDenyMessage},
		{name: "Message", mode: enum.PolicyEngineModeAny, bindings: []flowPolicy{{message: "Only staff may enrol."}}, message: "Only staff may enrol."},
		{
			name: "MessagesInBindingOrder", mode: enum.PolicyEngineModeAll,
			bindings: []flowPolicy{{message: "First."}, {pass: true, message: "Fine."}, {message: "Third."}},
			message:  "First. Fine. Third.",
		},
		{name: "NegatedKeepsMessage", mode: enum.PolicyEngineModeAny, bindings: []flowPolicy{{pass: true, negate: true, message: "Kept."}}, message: "Kept."},
	}
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		for i, tt := range tests {
			slug := fmt.Sprintf("policies-%d", i)
			f := b.flow(t, slug, func(c *ent.FlowCreate) {
				c.SetPolicyEngineMode(tt.mode).SetDeniedAction(enum.DeniedActionMessage).SetDesignation(enum.FlowDesignationEnrollment)
			})
			b.dummy(t, f, "first-"+slug, 10)
			for order, p := range tt.bindings {
				expr := fmt.Sprintf(`{"pass": %t}`, p.pass)
				if p.message != "" {
					expr = fmt.Sprintf(`{"pass": %t, "message": %q}`, p.pass, p.message)
				}
				b.bindPolicy(t, target{flow: f}, b.expression(t, expr), func(c *ent.PolicyBindingCreate) {
					c.SetOrder(order).SetNegate(p.negate).SetEnabled(!p.disabled)
				})
			}
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				v := b.start(t, slug, b.anonymous(t), "next=%2Fapp")
				if tt.message == "" {
					require.Equal(t, "first-"+slug, dummyName(t, v))
					return
				}
				requireDenied(t, v, tt.message)
			})
		}
	})
}

func TestFlowPolicySubjects(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		alice, bob, carol := b.user(t, "alice", ""), b.user(t, "bob", ""), b.user(t, "carol", "")
		staff := b.group(t, false, nil)
		b.group(t, false, []*ent.User{carol}, staff) // carol is staff through a child group

		enrol := func(slug string, bind func(to target)) {
			f := b.flow(t, slug, func(c *ent.FlowCreate) {
				c.SetDesignation(enum.FlowDesignationEnrollment).SetDeniedAction(enum.DeniedActionMessage)
			})
			b.dummy(t, f, "first-"+slug, 10)
			bind(target{flow: f})
		}
		enrol("user", func(to target) { b.bindUser(t, to, alice) })
		enrol("not-user", func(to target) {
			b.bindUser(t, to, alice, func(c *ent.PolicyBindingCreate) { c.SetNegate(true) })
		})
		enrol("group", func(to target) { b.bindGroup(t, to, staff) })
		enrol("user-or-group", func(to target) {
			b.bindUser(t, to, alice)
			b.bindGroup(t, to, staff)
		})

		sessions := map[string]session.ID{
			"alice": b.login(t, alice), "bob": b.login(t, bob), "carol": b.login(t, carol), "anonymous": b.anonymous(t),
		}
		want := map[string][]string{ // who may run each flow
			"user":          {"alice"},
			"not-user":      {"bob", "carol", "anonymous"},
			"group":         {"carol"},
			"user-or-group": {"alice", "carol"},
		}
		for slug, allowed := range want {
			for who, sid := range sessions {
				t.Run(slug+"/"+who, func(t *testing.T) {
					t.Parallel()
					v := b.start(t, slug, sid, "")
					if slices.Contains(allowed, who) {
						require.Equal(t, "first-"+slug, dummyName(t, v))
						return
					}
					requireDenied(t, v, executor.DefaultDenyMessage)
				})
			}
		}

		t.Run("PendingUserIsTheSubject", func(t *testing.T) {
			t.Parallel()
			// An internal caller (an SSO source) seeds pending_user: the
			// flow's policies are about that user, not the anonymous session.
			v, err := b.executor.Start(t.Context(), executor.StartParams{
				Slug: "user", SessionID: b.anonymous(t), Client: testClient,
				Context: map[string]any{executor.KeyPendingUser: alice.ID},
			})
			require.NoError(t, err)
			require.Equal(t, "first-user", dummyName(t, v))
			require.Equal(t, "alice", v.Challenge.Base().PendingUser)
		})
	})
}

func TestEvaluateOnPlan(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		t.Run("FailingStageLeftOut", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			f := b.flow(t, "flow")
			gated := b.dummy(t, f, "gated", 10, func(c *ent.FlowStageBindingCreate) { c.SetEvaluateOnPlan(true) })
			b.dummy(t, f, "last", 20)
			b.bindPolicy(t, target{binding: gated}, b.verdict(t, false))

			v := b.start(t, "flow", b.anonymous(t), "")
			require.Equal(t, "last", dummyName(t, v))
			e := b.execution(t, v.ID)
			require.Len(t, e.Plan.Entries, 1, "the gated stage is not in the plan at all")
			require.Empty(t, e.History, "nothing was skipped at run time")
		})

		t.Run("PassingStageKept", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			f := b.flow(t, "flow")
			gated := b.dummy(t, f, "gated", 10, func(c *ent.FlowStageBindingCreate) { c.SetEvaluateOnPlan(true) })
			b.dummy(t, f, "last", 20)
			b.bindPolicy(t, target{binding: gated}, b.verdict(t, true))

			sid := b.anonymous(t)
			v := b.start(t, "flow", sid, "")
			require.Equal(t, "gated", dummyName(t, v))
			require.Equal(t, "last", dummyName(t, b.submit(t, v.ID, sid, continueResponse())))
		})

		t.Run("NoEvaluationAtAll", func(t *testing.T) {
			t.Parallel()
			// Neither on plan nor re-evaluated: the binding's policies are
			// never consulted.
			b := setup(t, be)
			f := b.flow(t, "flow")
			gated := b.dummy(t, f, "gated", 10, func(c *ent.FlowStageBindingCreate) {
				c.SetEvaluateOnPlan(false).SetReEvaluatePolicies(false)
			})
			b.bindPolicy(t, target{binding: gated}, b.verdict(t, false))
			require.Equal(t, "gated", dummyName(t, b.start(t, "flow", b.anonymous(t), "")))
		})

		t.Run("EvaluatedBeforeTheFlowRuns", func(t *testing.T) {
			t.Parallel()
			// On plan, no one is identified yet: a policy about the
			// identified user fails then, even if it would pass later.
			b := setup(t, be)
			b.user(t, "bob", "")
			f := b.flow(t, "flow")
			b.bind(t, f, b.stage(t, identification.Kind, "identify", `{}`), 10)
			gated := b.dummy(t, f, "bob-only", 20, func(c *ent.FlowStageBindingCreate) { c.SetEvaluateOnPlan(true) })
			b.dummy(t, f, "last", 30)
			b.bindPolicy(t, target{binding: gated}, b.expression(t, `has(user.username) && user.username == "bob"`))

			sid := b.anonymous(t)
			v := b.start(t, "flow", sid, "")
			v = b.submit(t, v.ID, sid, &identification.Response{UIDField: "bob"})
			require.Equal(t, "last", dummyName(t, v))
		})

		t.Run("PlansPerUser", func(t *testing.T) {
			t.Parallel()
			// Plans are cached per flow and user: one user's on-plan
			// decisions never reach another's plan.
			b := setup(t, be)
			alice, bob := b.user(t, "alice", ""), b.user(t, "bob", "")
			f := b.flow(t, "flow")
			gated := b.dummy(t, f, "alice-only", 10, func(c *ent.FlowStageBindingCreate) { c.SetEvaluateOnPlan(true) })
			b.dummy(t, f, "last", 20)
			b.bindUser(t, target{binding: gated}, alice)

			b.dummy(t, b.flow(t, "other"), "other-flow", 10)

			aliceSID, bobSID := b.login(t, alice), b.login(t, bob)
			for range 2 {
				require.Equal(t, "alice-only", dummyName(t, b.start(t, "flow", aliceSID, "")))
				require.Equal(t, "other-flow", dummyName(t, b.start(t, "other", aliceSID, "")), "plans are per flow too")
				require.Equal(t, "last", dummyName(t, b.start(t, "flow", bobSID, "")))
				require.Equal(t, "last", dummyName(t, b.start(t, "flow", b.anonymous(t), "")))
			}
		})

		t.Run("ProposalsJoinTheContext", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			f := b.flow(t, "flow")
			gated := b.dummy(t, f, "gated", 10, func(c *ent.FlowStageBindingCreate) { c.SetEvaluateOnPlan(true) })
			b.bindPolicy(t, target{binding: gated}, b.expression(t, `{"pass": true, "context": {"redirect": "/from-plan"}}`))

			sid := b.anonymous(t)
			v := b.start(t, "flow", sid, "next=%2Fnext")
			require.Equal(t, "gated", dummyName(t, v))
			requireRedirect(t, b.submit(t, v.ID, sid, continueResponse()), "/from-plan")
		})
	})
}

func TestReevaluatePolicies(t *testing.T) {
	t.Parallel()
	// identify -> gated (re-evaluated just before it is shown) -> last
	flow := func(t *testing.T, b *testBundle, expr string, reevaluate bool) {
		t.Helper()
		b.user(t, "alice", "")
		b.user(t, "bob", "")
		f := b.flow(t, "flow")
		b.bind(t, f, b.stage(t, identification.Kind, "identify", `{}`), 10)
		gated := b.dummy(t, f, "gated", 20, func(c *ent.FlowStageBindingCreate) { c.SetReEvaluatePolicies(reevaluate) })
		b.dummy(t, f, "last", 30)
		b.bindPolicy(t, target{binding: gated}, b.expression(t, expr))
	}
	identify := func(t *testing.T, b *testBundle, who string) *executor.View {
		t.Helper()
		sid := b.anonymous(t)
		v := b.start(t, "flow", sid, "")
		_, ok := v.Challenge.(*identification.Challenge)
		require.True(t, ok, "the flow starts by identifying: the gated stage is not judged on plan")
		return b.submit(t, v.ID, sid, &identification.Response{UIDField: who})
	}
	const byContext = `has(context.pending_user_identifier) && context.pending_user_identifier == "bob"`
	const byUser = `has(user.username) && user.username == "bob"`

	eachBackend(t, func(t *testing.T, be backend) {
		for name, expr := range map[string]string{"ContextFromEarlierStage": byContext, "PendingUser": byUser} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				b := setup(t, be)
				flow(t, b, expr, true)

				require.Equal(t, "gated", dummyName(t, identify(t, b, "bob")))

				v := identify(t, b, "alice")
				require.Equal(t, "last", dummyName(t, v))
				e := b.execution(t, v.ID)
				require.Len(t, e.History, 2)
				require.Equal(t, []string{"done", "skipped"}, []string{e.History[0].Result, e.History[1].Result})
				require.Equal(t, "gated", e.History[1].Name)
			})
		}

		t.Run("NotReevaluated", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			flow(t, b, byContext, false)
			require.Equal(t, "gated", dummyName(t, identify(t, b, "alice")))
		})

		t.Run("CheckedOnceWhenShown", func(t *testing.T) {
			t.Parallel()
			// Once shown, the stage stays: later reads and a changed
			// policy do not take it away from under the user.
			b := setup(t, be)
			flow(t, b, byContext, true)
			sid := b.anonymous(t)
			v := b.start(t, "flow", sid, "")
			v = b.submit(t, v.ID, sid, &identification.Response{UIDField: "bob"})
			require.Equal(t, "gated", dummyName(t, v))

			p, err := b.client.PolicyDefinition.Query().Only(b.ctx)
			require.NoError(t, err)
			require.NoError(t, p.Update().SetConfig([]byte(`{"expression": "false"}`)).Exec(b.ctx))
			require.Equal(t, "gated", dummyName(t, b.get(t, v.ID, sid)))
			require.Equal(t, "last", dummyName(t, b.submit(t, v.ID, sid, continueResponse())))
		})
	})
}

func TestStageStateIsPrivate(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		t.Run("HiddenFromPolicies", func(t *testing.T) {
			t.Parallel()
			// A wrong password leaves the password stage's failure count
			// in its state; a later stage's policy must not see it.
			b := setup(t, be)
			b.user(t, "alice", "secret")
			f := b.flow(t, "flow")
			b.bind(t, f, b.stage(t, identification.Kind, "identify", `{}`), 10)
			b.bind(t, f, b.stage(t, password.Kind, "secret", `{}`), 20)
			gated := b.dummy(t, f, "gated", 30)
			b.bindPolicy(t, target{binding: gated}, b.expression(t,
				`context.all(k, !k.startsWith("stage_state")) && context.pending_user_identifier == "alice"`))
			sid := b.anonymous(t)
			v := b.start(t, "flow", sid, "")
			v = b.submit(t, v.ID, sid, &identification.Response{UIDField: "alice"})
			requirePassword(t, b.submit(t, v.ID, sid, &password.Response{Password: "wrong"}))
			hasState := false
			for k := range b.execution(t, v.ID).Context {
				hasState = hasState || strings.HasPrefix(k, "stage_state")
			}
			require.True(t, hasState, "the password stage keeps state")
			require.Equal(t, "gated", dummyName(t, b.submit(t, v.ID, sid, &password.Response{Password: "secret"})))
		})

		t.Run("PoliciesCannotForgeIt", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			f := b.flow(t, "flow")
			b.dummy(t, f, "first", 10)
			b.bindPolicy(t, target{flow: f}, b.expression(t,
				`{"pass": true, "context": {"stage_state.1": {"failures": 99}, "proposed": "yes"}}`))
			v := b.start(t, "flow", b.anonymous(t), "")
			e := b.execution(t, v.ID)
			require.Equal(t, "yes", e.Context.String("proposed"))
			require.NotContains(t, e.Context, "stage_state.1")
		})
	})
}
