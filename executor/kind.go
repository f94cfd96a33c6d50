package executor

import "github.com/gatehouse-id/gatehouse/typedconfig"

// StageConfig is the configuration of one kind of stage.
type StageConfig interface {
	typedconfig.Config
	// StageKind returns the name of the kind the config belongs to.
	StageKind() string
}

// StageKind describes a kind of stage.
type StageKind = typedconfig.Kind[StageConfig]

// StageKinds is the registry of stage kinds a server knows.
type StageKinds = typedconfig.Registry[StageConfig]

// NewStageKinds returns a registry of kinds; it panics on duplicates.
func NewStageKinds(kinds ...StageKind) *StageKinds {
	return typedconfig.NewRegistry("stage", kinds...)
}
