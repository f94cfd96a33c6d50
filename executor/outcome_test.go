package executor_test

import (
	"fmt"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/deny"
	"github.com/gatehouse-id/gatehouse/executor/stages/identification"
	"github.com/gatehouse-id/gatehouse/executor/stages/password"
	"github.com/gatehouse-id/gatehouse/executor/stages/redirect"
)

func TestInvalidResponseAction(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		for _, action := range enum.InvalidResponseActions {
			t.Run(string(action), func(t *testing.T) {
				t.Parallel()
				b := setup(t, be)
				alice := b.user(t, "alice", "secret")
				b.identifyFlow(t, "flow", action)
				sid := b.anonymous(t)
				v := b.start(t, "flow", sid, "")
				v = b.submit(t, v.ID, sid, &identification.Response{UIDField: "alice"})
				requirePassword(t, v)
				positions := b.execution(t, v.ID).Plan.NextPosition

				v = b.submit(t, v.ID, sid, &password.Response{Password: "wrong"})
				e := b.execution(t, v.ID)
				pending, hasPending := e.Context.PendingUserID()
				switch action {
				case enum.InvalidResponseActionRetry:
					// The same challenge again, with the errors.
					c := requirePassword(t, v)
					require.Len(t, c.Errors, 1)
					require.Equal(t, "password", c.Errors[0].Field)
					require.Equal(t, "alice", c.PendingUser)
					require.True(t, hasPending)
					require.Equal(t, alice.ID, pending)
					require.Equal(t, positions, e.Plan.NextPosition, "not planned again")
				case enum.InvalidResponseActionRestart:
					// Planned again from the start, with a fresh context.
					c := requireIdentification(t, v)
					require.Empty(t, c.Errors)
					require.Empty(t, c.PendingUser)
					require.False(t, hasPending)
					require.Empty(t, e.Context.String(executor.KeyPendingUserIdentifier))
					require.Equal(t, "restarted", e.History[len(e.History)-1].Result)
				case enum.InvalidResponseActionRestartWithContext:
					// Planned again with the context kept: identification
					// skips itself, as the user is known.
					c := requirePassword(t, v)
					require.Empty(t, c.Errors)
					require.Equal(t, "alice", c.PendingUser)
					require.True(t, hasPending)
					require.Equal(t, alice.ID, pending)
					results := make([]string, len(e.History))
					for i, s := range e.History {
						results[i] = s.Result
					}
					require.Equal(t, []string{"done", "restarted", "done"}, results)
				}
				if action != enum.InvalidResponseActionRetry {
					// New entries are numbered on: no stage state of the
					// first run can be mistaken for the second's.
					require.Greater(t, e.Plan.Entries[0].Position, positions)
				}

				if action == enum.InvalidResponseActionRestart {
					v = b.submit(t, v.ID, sid, &identification.Response{UIDField: "alice"})
				}
				v = b.submit(t, v.ID, sid, &password.Response{Password: "secret"})
				require.Contains(t, dummyName(t, v), "last")
			})
		}
	})
}

func TestDeniedAction(t *testing.T) {
	t.Parallel()
	// What a denied flow does, by denied_action and whether a next was
	// given; empty to means the denial message is shown.
	tests := []struct {
		action enum.DeniedAction
		next   string
		to     string
	}{
		{action: enum.DeniedActionMessageContinue},
		{action: enum.DeniedActionMessageContinue, next: "/app", to: "/app"},
		{action: enum.DeniedActionMessage},
		{action: enum.DeniedActionMessage, next: "/app"},
		{action: enum.DeniedActionContinue, to: "/"},
		{action: enum.DeniedActionContinue, next: "/app", to: "/app"},
	}
	require.Len(t, enum.DeniedActions, 3, "every denied action is covered")
	causes := []struct {
		name    string
		message string
		arrange func(t *testing.T, b *testBundle, f *ent.Flow)
	}{
		{name: "FlowPolicy", message: "Enrolment is closed.", arrange: func(t *testing.T, b *testBundle, f *ent.Flow) {
			b.bindPolicy(t, target{flow: f}, b.expression(t, `{"pass": false, "message": "Enrolment is closed."}`))
		}},
		{name: "Requirement", message: executor.DefaultDenyMessage, arrange: func(t *testing.T, b *testBundle, f *ent.Flow) {
			require.NoError(t, f.Update().SetAuthentication(enum.AuthenticationRequireAuthenticated).Exec(b.ctx))
		}},
	}
	eachBackend(t, func(t *testing.T, be backend) {
		for _, cause := range causes {
			t.Run(cause.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t, be)
				for i, tt := range tests {
					slug := "flow-" + strconv.Itoa(i)
					f := b.flow(t, slug, func(c *ent.FlowCreate) {
						c.SetDesignation(enum.FlowDesignationEnrollment).SetDeniedAction(tt.action)
					})
					b.dummy(t, f, "first-"+slug, 10)
					cause.arrange(t, b, f)
				}
				for i, tt := range tests {
					t.Run(fmt.Sprintf("%s/next=%q", tt.action, tt.next), func(t *testing.T) {
						t.Parallel()
						query := ""
						if tt.next != "" {
							query = url.Values{"next": {tt.next}}.Encode()
						}
						v := b.start(t, "flow-"+strconv.Itoa(i), b.anonymous(t), query)
						if tt.to == "" {
							requireDenied(t, v, cause.message)
						} else {
							requireRedirect(t, v, tt.to)
						}
						o := b.execution(t, v.ID).Outcome
						require.NotNil(t, o)
						require.True(t, o.Denied, "a denial that continues is still a denial")
					})
				}
			})
		}

		t.Run("DenyStage", func(t *testing.T) {
			t.Parallel()
			// A deny stage always shows its message (authentik's
			// stage_invalid): denied_action is about flows that do not
			// apply, not about stages that refuse.
			b := setup(t, be)
			for _, action := range enum.DeniedActions {
				for _, cfg := range []struct{ config, message string }{
					{`{"deny_message": "Go away."}`, "Go away."},
					{`{}`, executor.DefaultDenyMessage},
				} {
					slug := b.name("deny")
					f := b.flow(t, slug, func(c *ent.FlowCreate) { c.SetDeniedAction(action) })
					b.dummy(t, f, b.name("first"), 10)
					b.bind(t, f, b.stage(t, deny.Kind, b.name("deny"), cfg.config), 20)
					b.dummy(t, f, b.name("never"), 30)

					sid := b.anonymous(t)
					v := b.start(t, slug, sid, "next=%2Fapp")
					requireDenied(t, b.submit(t, v.ID, sid, continueResponse()), cfg.message)
					e := b.execution(t, v.ID)
					require.True(t, e.Outcome.Denied)
					require.Equal(t, "denied", e.History[len(e.History)-1].Result)
				}
			}
		})

		t.Run("DenyMessageFromContext", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			f := b.flow(t, "flow")
			b.bind(t, f, b.stage(t, deny.Kind, "deny", `{"deny_message": "Configured."}`), 10)
			b.bindPolicy(t, target{flow: f}, b.expression(t, `{"pass": true, "context": {"deny_message": "From the policy."}}`))
			requireDenied(t, b.start(t, "flow", b.anonymous(t), ""), "From the policy.")
		})
	})
}

func TestFlowEnd(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		t.Run("Next", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			b.dummy(t, b.flow(t, "flow"), "only", 10)
			sid := b.anonymous(t)
			for query, to := range map[string]string{
				"":                                 "/",
				"next=%2Fapp":                      "/app",
				"next=%2Fapp%2F%3Ftab%3D1%26x%3D2": "/app/?tab=1&x=2",
				"other=1&next=%2Fa%23frag":         "/a#frag",
			} {
				v := b.start(t, "flow", sid, query)
				requireRedirect(t, b.submit(t, v.ID, sid, continueResponse()), to)
				o := b.execution(t, v.ID).Outcome
				require.False(t, o.Denied)
			}
		})

		t.Run("PlanRedirectWins", func(t *testing.T) {
			t.Parallel()
			// context.redirect is set only by Gatehouse and policies, so it
			// may be absolute.
			b := setup(t, be)
			f := b.flow(t, "flow")
			b.dummy(t, f, "only", 10)
			b.bindPolicy(t, target{flow: f}, b.expression(t, `{"pass": true, "context": {"redirect": "https://app.example.com/callback"}}`))
			sid := b.anonymous(t)
			v := b.start(t, "flow", sid, "next=%2Fapp")
			requireRedirect(t, b.submit(t, v.ID, sid, continueResponse()), "https://app.example.com/callback")
		})

		t.Run("EmptyFlowSucceeds", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			b.flow(t, "empty")
			requireRedirect(t, b.start(t, "empty", b.anonymous(t), "next=%2Fapp"), "/app")
		})

		t.Run("AllStagesSkippedSucceeds", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			f := b.flow(t, "flow")
			b.bindPolicy(t, target{binding: b.dummy(t, f, "a", 10)}, b.verdict(t, false))
			b.bindPolicy(t, target{binding: b.dummy(t, f, "b", 20)}, b.verdict(t, false))
			requireRedirect(t, b.start(t, "flow", b.anonymous(t), "next=%2Fapp"), "/app")
		})

		t.Run("RedirectStage", func(t *testing.T) {
			t.Parallel()
			b := setup(t, be)
			f := b.flow(t, "flow")
			b.bind(t, f, b.stage(t, redirect.Kind, "out", `{"mode": "static", "target_static": "https://example.org/landing"}`), 10)
			b.dummy(t, f, "never", 20)
			requireRedirect(t, b.start(t, "flow", b.anonymous(t), "next=%2Fapp"), "https://example.org/landing")
		})

		for _, keep := range []bool{true, false} {
			t.Run(fmt.Sprintf("ContinueInFlow/keep_context=%t", keep), func(t *testing.T) {
				t.Parallel()
				b := setup(t, be)
				second := b.flow(t, "second", func(c *ent.FlowCreate) {
					c.SetAuthentication(enum.AuthenticationRequireRedirect)
				})
				b.dummy(t, second, "second-first", 10)
				first := b.flow(t, "first")
				b.bindPolicy(t, target{flow: first}, b.expression(t, `{"pass": true, "context": {"carried": "yes"}}`))
				cfg := fmt.Sprintf(`{"mode": "flow", "target_flow": %d, "keep_context": %t}`, second.ID, keep)
				b.bind(t, first, b.stage(t, redirect.Kind, "to-second", cfg), 10)
				sid := b.anonymous(t)

				v := b.start(t, "first", sid, "next=%2Fapp")
				require.True(t, v.Completed)
				c, ok := v.Challenge.(*executor.RedirectChallenge)
				require.True(t, ok, "want a redirect, got %#v", v.Challenge)
				require.NotEmpty(t, c.ExecutionID)
				require.Equal(t, executor.FlowPath("second")+"?"+url.Values{"execution": {c.ExecutionID}}.Encode(), c.To)

				child := b.get(t, c.ExecutionID, sid)
				require.Equal(t, "second-first", dummyName(t, child))
				e := b.execution(t, c.ExecutionID)
				require.Equal(t, "first", e.Context.String(executor.KeyIsRedirected))
				if keep {
					require.Equal(t, "yes", e.Context.String("carried"))
				} else {
					require.NotContains(t, e.Context, "carried")
				}
				// The child ends where the parent would have.
				requireRedirect(t, b.submit(t, c.ExecutionID, sid, continueResponse()), "/app")
				// A require_redirect flow cannot be entered directly.
				requireDenied(t, b.start(t, "second", sid, ""), executor.DefaultDenyMessage)
			})
		}
	})
}

func TestInvalidNext(t *testing.T) {
	t.Parallel()
	refused := []string{
		"//evil.com",
		"///evil.com",
		"//evil.com/app",
		"https://evil.com",
		"http://evil.com/app",
		"HTTPS://evil.com",
		"https:evil.com",
		"https:/evil.com",
		"/\\evil.com",
		"\\/evil.com",
		"\\\\evil.com",
		"/\\/evil.com",
		"javascript:alert(1)",
		"JavaScript:alert(1)",
		" javascript:alert(1)",
		"data:text/html,<script>alert(1)</script>",
		"evil.com",
		"app",
		" /app",
		"/\t/evil.com",
		"/\r\nLocation: https://evil.com",
		"/app\x00",
		"/app\x7f",
		"/%0d%0a\r",
	}
	accepted := []string{"/", "/app", "/app/?tab=1&x=2", "/a#frag", "/if/flow/other/?next=%2Fapp", "/@evil.com"}

	t.Run("ValidateNext", func(t *testing.T) {
		t.Parallel()
		for _, next := range refused {
			require.ErrorIs(t, executor.ValidateNext(next), executor.ErrInvalidNext, "%q", next)
		}
		for _, next := range accepted {
			require.NoError(t, executor.ValidateNext(next), "%q", next)
		}
	})

	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be)
		b.dummy(t, b.flow(t, "flow"), "only", 10)
		sid := b.anonymous(t)
		for _, next := range refused {
			_, err := b.executor.Start(t.Context(), executor.StartParams{
				Slug: "flow", Query: url.Values{"next": {next}}.Encode(), SessionID: sid, Client: testClient,
			})
			require.ErrorIs(t, err, executor.ErrInvalidNext, "%q", next)
		}
		_, err := b.executor.Start(t.Context(), executor.StartParams{Slug: "flow", Query: "next=%zz", SessionID: sid, Client: testClient})
		require.ErrorIs(t, err, executor.ErrInvalidNext, "a query that does not parse")
		for _, next := range accepted {
			v := b.start(t, "flow", sid, url.Values{"next": {next}}.Encode())
			requireRedirect(t, b.submit(t, v.ID, sid, continueResponse()), next)
		}
		_, err = b.executor.Start(t.Context(), executor.StartParams{Slug: "no-such-flow", SessionID: sid, Client: testClient})
		require.ErrorIs(t, err, executor.ErrFlowNotFound)
	})
}
