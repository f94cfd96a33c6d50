package executor

import (
	"fmt"

	"github.com/gatehouse-id/gatehouse/typedconfig"
)

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

// Define declares the stage kind name: its configuration is a C (a
// pointer to the kind's Config struct), defaults returns one holding the
// kind's defaults, and build makes a stage of a decoded, validated config.
// It is the one place a kind is declared: the registry decodes every
// stored config of the kind into a C before build sees it, so kinds never
// assert the type themselves. It panics when defaults' config names
// another kind (a copied definition), at start-up.
func Define[C StageConfig](name string, defaults func() C, build func(cfg C, deps Deps) (Stage, error)) StageKind {
	if got := defaults().StageKind(); got != name {
		panic(fmt.Sprintf("executor: stage kind %s defined with the config of kind %s", name, got))
	}
	return StageKind{
		Name:      name,
		NewConfig: func() StageConfig { return defaults() },
		New: func(cfg StageConfig, deps Deps) (Stage, error) {
			c, ok := cfg.(C)
			if !ok {
				return nil, fmt.Errorf("executor: stage kind %s given a %T", name, cfg)
			}
			return build(c, deps)
		},
	}
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
