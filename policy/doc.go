// Package policy defines Gatehouse's policies — configured checks that
// bindings attach to flows, to a flow's stage bindings and (later) to
// applications, deciding per user and request whether something applies —
// and the Engine that evaluates them.
//
// # Kinds
//
// A kind has a stable snake_case name and a configuration struct it owns
// (Config), registered in a Kinds registry built once at start-up from
// builtin.All. Configurations are stored as JSON on the ent
// PolicyDefinition and always read through the registry, which decodes them
// strictly over the kind's defaults and validates them (an expression
// policy compiles its expression on write). Kind.New turns a validated
// config into an Evaluator.
//
//	kind         decides                                          errors when
//	expression   a CEL expression over user/request/flow/context  evaluation fails, cost limit
//	password     composition, blocklist and zxcvbn of a password  never
//	reputation   IP/identifier score <= threshold (bad reputation) the counter store fails
//	expiry       password_changed_at within the last N days       never
//	dummy        a fixed result after a random wait (tests)       ctx ends first
//	event_matcher the audit event's action, client IP range, app,   never
//	             model (notification rules; fails outside events)
//
// # Engine
//
// Engine.EvaluateTarget evaluates the enabled bindings of one target (a
// flow, or a flow stage binding), ordered by (order, id):
//
//	target (a flow, or a flow stage binding)
//	  │ load the enabled bindings, ordered by (order, id)
//	  v
//	each binding ──subject──┬─ user:   req.User.ID == user_id ────────────┐
//	                        ├─ group:  group_id ∈ req.GroupIDs ───────────┤
//	                        └─ policy: cached evaluator, under timeout    │
//	                             ├─ Outcome ──> Outcome.Passing ──────────┤
//	                             └─ error, timeout, panic, bad config     │
//	                                   ──> failure_result ────────────────┤
//	                                                                      v
//	                                            verdict ──negate?──> !verdict
//	                                                                      │
//	combine the final verdicts by mode <──────────────────────────────────┘
//	  all: every one passes · any: at least one passes · no bindings: pass
//
// Every binding is evaluated (no short-circuit; policies run concurrently)
// so that the Trace is complete. Messages of all bindings are collected in
// binding order, negated ones included (authentik does the same); context
// proposals of every policy that decided are merged in binding order, a
// later one overriding an earlier key. Engine.EvaluatePolicies evaluates a
// list of policies directly, without bindings (timeout DefaultTimeout,
// failure_result false, no negation): a prompt stage's validation policies.
//
// # Where policies are evaluated
//
//	point                          caller                          call
//	flow policies                  executor, when planning a flow  EvaluateTarget{FlowID}, flow's mode
//	on-plan binding policies       planner (evaluate_on_plan)      EvaluateTarget{FlowStageBindingID}
//	re-evaluation before a stage   executor (re_evaluate_policies) EvaluateTarget{FlowStageBindingID}
//	prompt validation              prompt stage, on submit         EvaluatePolicies, mode all
//	notification rules             notify job, per recorded event  EvaluateTarget{NotificationRuleID}, rule's mode
//
// # Events as requests
//
// A notification rule's bindings decide about an audit event, not a
// request: package notify builds the Request from the stored event —
// Request.Event is the event itself, Client.IP its client address, User
// the event's user if it still exists (with its groups), no Flow and no
// Context. Kinds that read a flow's request (password, reputation) see
// nothing of interest and decide as for an anonymous visitor;
// event_matcher reads Request.Event and fails when it is nil. Unlike
// every other target, a rule without enabled bindings matches no event
// (package notify checks this before calling the engine): a new rule stays
// quiet until an admin says what it is for.
//
// The engine caches evaluators, never verdicts: every evaluation point sees
// the current request and scores.
//
// # Failure behaviour
//
//	event                                verdict          trace            audit event
//	evaluator returns an error           failure_result   Error            policy_exception
//	binding timeout (1–600 s) exceeded   failure_result   TimedOut, Error  policy_exception
//	evaluator panics                     failure_result   Error            policy_exception
//	stored config no longer builds       failure_result   Error            policy_exception
//	policy not found (EvaluatePolicies)  fail             Error            policy_exception
//	execution_logging set                the outcome      —                policy_execution
//	caller's ctx ends                    —                —                (an error is returned)
//
// Negate applies after failure_result. Errors never become user-facing
// Messages: a user sees only what policies return as messages, and the
// error detail goes to the Trace (administrators), the audit Recorder and
// the log. The timeout is enforced by the engine even for an evaluator
// that ignores its context: the evaluator's goroutine is abandoned and
// ends when the evaluator returns. EvaluateTarget and EvaluatePolicies
// return an error only for a bad target or mode, a database failure, or
// the caller's context ending; a policy's failure is a verdict.
//
// Call nothing else "policy": ent privacy rules (package ent/schema/rule)
// decide who may use the admin API; policies here decide who may run flows.
package policy
