package enum

import "io"

// PolicyEngineMode is how the results of several policy bindings combine.
type PolicyEngineMode string

// Policy engine modes.
const (
	// PolicyEngineModeAll passes when every binding passes.
	PolicyEngineModeAll PolicyEngineMode = "all"
	// PolicyEngineModeAny passes when at least one binding passes.
	PolicyEngineModeAny PolicyEngineMode = "any"
)

// PolicyEngineModes lists every PolicyEngineMode.
var PolicyEngineModes = []PolicyEngineMode{PolicyEngineModeAll, PolicyEngineModeAny}

// Values implements ent's EnumValues.
func (PolicyEngineMode) Values() []string { return Strings(PolicyEngineModes) }

// MarshalGQL implements graphql.Marshaler.
func (v PolicyEngineMode) MarshalGQL(w io.Writer) { MarshalGQL(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *PolicyEngineMode) UnmarshalGQL(x any) error { return UnmarshalGQL(x, v, PolicyEngineModes) }

// InvalidResponseAction is what the executor does with a response its stage rejects.
type InvalidResponseAction string

// Invalid response actions.
const (
	// InvalidResponseActionRetry shows the same challenge again with field errors.
	InvalidResponseActionRetry InvalidResponseAction = "retry"
	// InvalidResponseActionRestart plans the flow again from the start.
	InvalidResponseActionRestart InvalidResponseAction = "restart"
	// InvalidResponseActionRestartWithContext restarts but keeps the context.
	InvalidResponseActionRestartWithContext InvalidResponseAction = "restart_with_context"
)

// InvalidResponseActions lists every InvalidResponseAction.
var InvalidResponseActions = []InvalidResponseAction{
	InvalidResponseActionRetry, InvalidResponseActionRestart, InvalidResponseActionRestartWithContext,
}

// Values implements ent's EnumValues.
func (InvalidResponseAction) Values() []string { return Strings(InvalidResponseActions) }

// MarshalGQL implements graphql.Marshaler.
func (v InvalidResponseAction) MarshalGQL(w io.Writer) { MarshalGQL(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *InvalidResponseAction) UnmarshalGQL(x any) error {
	return UnmarshalGQL(x, v, InvalidResponseActions)
}
