// Package executor is Gatehouse's flow engine: it plans a flow for a user
// and request and drives it one challenge and response at a time.
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
