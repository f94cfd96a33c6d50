// Package blueprints reads and writes flows as YAML documents, and applies
// the default flows shipped in the binary on first start.
//
// A document holds one flow and everything it uses:
//
//	version: 1
//	flow:
//	  slug: default-authentication-flow
//	  name: Default authentication flow
//	  title: Welcome to Gatehouse
//	  designation: authentication      # layout, background, compatibility_mode,
//	  authentication: none             # denied_action, policy_engine_mode: optional
//	  policies:                        # the flow's own policy bindings
//	    - {group: staff, order: 0}     # exactly one of policy, user, group
//	  stages:
//	    - stage: default-authentication-identification
//	      order: 10                    # evaluate_on_plan, re_evaluate_policies,
//	      policies: []                 # invalid_response_action, policy_engine_mode
//	stages:
//	  - name: default-authentication-identification
//	    kind: identification
//	    config:                        # the kind's config, as in the API
//	      user_fields: [username, email]
//	      enrollment_flow: default-enrollment-flow   # references by name
//	policies:
//	  - name: default-password-policy
//	    kind: password
//	    config: {length_min: 8}
//
// Configs are the kinds' own snake_case configs, with one difference:
// fields that refer to other objects hold names — a flow's slug, a stage's,
// policy's or group's name, a user's username — instead of IDs, so a
// document moves between installations. Omitted fields take the model's
// defaults.
//
// Export writes the canonical form (every field explicit, stages and
// policies sorted by name); Import creates or updates by slug and name and
// replaces the flow's bindings; export after import gives the same bytes.
// The exception is a secret (a config field tagged secret, such as a
// third-party captcha's): export leaves it out, as the API never shows it,
// so a document holding one must have it added before it is imported (the
// import names the field otherwise).
//
// # Default flows
//
// ApplyDefaults runs at every start and applies each document under
// default/ that this database has never seen, in file-name order, then
// creates the default brand. Each is recorded in the applied_blueprints
// table, so it is applied once:
//
//	shipped document --never applied?--> flow slug free? --yes--> Import --> record
//	                                            |
//	                                            +--no--> record (an admin's flow wins)
//	recorded ---------------------------------> skip (edits and deletions stick)
package blueprints
