// Package policy defines Gatehouse's policies: configured checks that
// bindings attach to flows, to a flow's stage bindings and (later) to
// applications, deciding per user and request whether something applies.
//
// This package holds the contract with the policy kinds under
// policy/<kind>: a kind has a stable snake_case name and a configuration
// struct it owns (Config), registered in a Kinds registry built once at
// start-up from builtin.All. Configurations are stored as JSON on the ent
// PolicyDefinition and always read through the registry, which decodes them
// strictly over the kind's defaults and validates them (an expression
// policy compiles its expression on write).
//
//	binding (enabled) --> subject: policy | user | group
//	         |                 |
//	         |                 v
//	         |        Kinds.Decode(kind, config) --> <kind>.Config
//	         v
//	target: flow | flow stage binding    (no bindings = pass)
//
// Call nothing else "policy": ent privacy rules (package ent/schema/rule)
// decide who may use the admin API; policies here decide who may run flows.
package policy
