// Package executor is Gatehouse's flow engine: it plans a flow for a user
// and request and drives it one challenge and response at a time.
//
// # Executions
//
// Start checks the flow's authentication requirement and its own policies,
// plans it (the planner: stage bindings whose policies pass, cached per
// flow and user and invalidated by any configuration change) and advances:
// stages that need no answer (runners, skipping stages, bindings dropped by
// re-evaluation) run at once, until a stage shows a challenge or the plan
// ends. The execution is then stored under a new 256-bit random ID, bound
// to the scope of the session that started it, as a versioned JSON
// document with a TTL. Every Submit loads it, applies one response,
// advances, and saves with a compare-and-set on the version read: of two
// concurrent answers to one challenge exactly one is applied, the other
// gets ErrStale.
//
// # Steps are claimed before they act
//
// A step has side effects outside the execution document: a password
// check counts and resets attempts, user_write creates a user, user_login
// makes a session, records a LOGIN event and writes last_login. A
// compare-and-set at the end alone would let the loser of a race perform
// them too (two sessions, two events, or no login at all when twenty
// requests rotate one session in turn). So Submit and Restart first claim
// the step: they write the document unchanged but for a Claim (a lease of
// StepLease), with a compare-and-set on the version they read. Only the
// request that wins the claim runs any stage; every other one — a loser of
// the claim, or one that finds a live claim — gets ErrStale having run
// nothing. The winner runs its stages under a context that ends with the
// lease, then commits the new document with a compare-and-set on the
// claimed version, which clears the claim; if a stage fails, it writes the
// document back as it was, and the client may answer again.
//
//	load (version v) ── claim: CAS v→v+1, Claim{until} ──lost──▶ ErrStale, nothing ran
//	                          │ won
//	                          ▼
//	          run stage + advance (side effects, ctx ends at until)
//	                │ ok                         │ error
//	                ▼                            ▼
//	   commit: CAS v+1→v+2, no Claim     release: CAS v+1→v+2, the old document
//
// A server that dies mid-step leaves a claim that blocks the execution
// for at most StepLease; reads (Get, Follow) are never blocked. Attempts
// are still counted per attempt: a request that runs no stage made none.
//
//	              Start
//	                │  authentication requirement, flow policies
//	                ├──────────── not met ─────────────▶ denied (denied_action:
//	                │                                     message, or redirect);
//	                │                                     an authentication flow
//	                ▼                                     for a signed-in user succeeds
//	             planned ◀─────────── Restart, or invalid_response_action
//	                │                 restart / restart_with_context
//	                │ advance: run, skip or drop
//	                │ (re_evaluate_policies) entries
//	                ▼
//	    ┌──▶ waiting on a challenge ──Submit: invalid, retry──┐
//	    │           │  ▲                (field errors shown)  │
//	    │           │  └──────────────────────────────────────┘
//	    │           │ Submit: valid → next entry
//	    └───────────┤
//	                ├── plan empty ─────────▶ completed: redirect to the plan's
//	                │                         redirect, else the relative next
//	                ├── stage denies ───────▶ completed: access denied
//	                ├── stage redirects ────▶ completed: redirect
//	                └── stage continues ────▶ completed: redirect to a new
//	                    in another flow       execution of that flow (same scope)
//
//	from any state: Cancel ──▶ gone;  TTL passes ──▶ gone (ErrExecutionNotFound)
//
// A completed execution stays readable until its TTL so that a client can
// read where to go; answering it is ErrWrongStage. Submit refuses, changing
// nothing, a response of another kind than the current stage, one whose
// Step is no longer current, and any response to an execution of another
// session (ErrExecutionNotFound, as for an unknown ID).
//
// # Resuming from a link
//
// A stage may save its execution for a link sent out of band (the email
// stage: Request.Snapshot, stored in a FlowToken). A flow started with the
// link's secret in its query (ResumeParam) plans no stages of its own: it
// shows the ResumeKind stage's confirmation, so that fetching the link
// uses nothing; once confirmed, that stage replaces the new execution's
// plan and context with the saved ones (Request.Resume) and the flow goes
// on, in the new execution's session, after the stage that saved it. The
// secret is never stored (only its hash, KeyResumeToken). The execution
// that saved itself is told afterwards (Request.TellOrigin): marked or
// ended with a compare-and-set, and announced to its subscribers.
//
// SendLink makes such a link without anyone running the flow (an
// administrator's recovery link): it plans the flow for a user as the
// pending user, passes over the entries before the first LinkSender stage
// unrun, and has that stage save the execution and mail the link, in the
// caller's transaction. Its link resumes after that stage, like any other.
//
// # Stage kinds
//
// This package defines the contract between the engine and the stage kinds
// under executor/stages/<kind>: a kind has a stable snake_case name and a
// configuration struct it owns (StageConfig), registered in a StageKinds
// registry built once at start-up from stages.All. Configurations are stored
// as JSON on the ent Stage and always read through the registry, which
// decodes them strictly over the kind's defaults and validates them.
//
//	admin writes Stage{kind, config}
//	        |
//	        v
//	integrity hook --Decode--> StageKinds --NewConfig()--> <kind>.Config
//	        |                                  ^  json over defaults,
//	        |                                  |  Validate()
//	        +-- References --> config_references (RESTRICT foreign keys)
//
// Stages never import each other; a stage refers to another stage or a flow
// by ID in its config, checked on write by package integrity.
package executor
