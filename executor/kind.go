package executor

import "github.com/gatehouse-id/gatehouse/typedconfig"

// StageConfig is the configuration of one kind of stage.
type StageConfig interface {
	typedconfig.Config
	// StageKind returns the name of the kind the config belongs to.
	StageKind() string
}

// StageKind describes a kind of stage: its name, its default config, and
// how to build the stage from a config.
type StageKind struct {
	// Name is the stable snake_case kind, stored with every stage.
	Name string
	// NewConfig returns a config holding the kind's defaults.
	NewConfig func() StageConfig
	// New builds the stage of a validated config.
	New func(cfg StageConfig, deps Deps) (Stage, error)
}

// StageKinds is the registry of stage kinds a server knows. It is
// immutable after NewStageKinds and safe for concurrent use.
type StageKinds struct {
	configs *typedconfig.Registry[StageConfig]
	kinds   map[string]StageKind
}

// NewStageKinds returns a registry of kinds; it panics on a duplicate or an
// incomplete kind (the set is fixed at build time).
func NewStageKinds(kinds ...StageKind) *StageKinds {
	k := &StageKinds{kinds: make(map[string]StageKind, len(kinds))}
	defs := make([]typedconfig.Kind[StageConfig], len(kinds))
	for i, kind := range kinds {
		if kind.New == nil {
			panic("executor: stage kind " + kind.Name + " has no constructor")
		}
		defs[i] = typedconfig.Kind[StageConfig]{Name: kind.Name, NewConfig: kind.NewConfig}
		k.kinds[kind.Name] = kind
	}
	k.configs = typedconfig.NewRegistry("stage", defs...)
	return k
}

// Names returns every kind's name, sorted.
func (k *StageKinds) Names() []string { return k.configs.Names() }

// Lookup returns the kind called name.
func (k *StageKinds) Lookup(name string) (StageKind, bool) {
	kind, ok := k.kinds[name]
	return kind, ok
}

// RefFields lists the reference fields of kind name's config.
func (k *StageKinds) RefFields(name string) ([]typedconfig.RefField, error) {
	return k.configs.RefFields(name)
}

// Decode returns the validated config of kind name stored as raw
// (see typedconfig.Registry.Decode).
func (k *StageKinds) Decode(name string, raw []byte) (StageConfig, error) {
	return k.configs.Decode(name, raw)
}

// New decodes raw as kind name and builds the stage.
func (k *StageKinds) New(name string, raw []byte, deps Deps) (Stage, error) {
	cfg, err := k.Decode(name, raw)
	if err != nil {
		return nil, err
	}
	return k.kinds[name].New(cfg, deps)
}
