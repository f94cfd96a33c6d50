package policy

import "github.com/gatehouse-id/gatehouse/typedconfig"

// Config is the configuration of one kind of policy.
type Config interface {
	typedconfig.Config
	// PolicyKind returns the name of the kind the config belongs to.
	PolicyKind() string
}

// Kind describes a kind of policy.
type Kind = typedconfig.Kind[Config]

// Kinds is the registry of policy kinds a server knows.
type Kinds = typedconfig.Registry[Config]

// NewKinds returns a registry of kinds; it panics on duplicates.
func NewKinds(kinds ...Kind) *Kinds {
	return typedconfig.NewRegistry("policy", kinds...)
}
