package policy

import (
	"fmt"

	"github.com/gatehouse-id/gatehouse/typedconfig"
)

// Config is the configuration of one kind of policy.
type Config interface {
	typedconfig.Config
	// PolicyKind returns the name of the kind the config belongs to.
	PolicyKind() string
}

// Kind describes a kind of policy: its name, its default config, and how
// to build an evaluator for a config.
type Kind struct {
	// Name is the stable snake_case kind.
	Name string
	// NewConfig returns a config holding the kind's defaults.
	NewConfig func() Config
	// New builds the evaluator of a validated config.
	New func(cfg Config, deps Deps) (Evaluator, error)
}

// Kinds is the registry of policy kinds a server knows. It is immutable
// after NewKinds and safe for concurrent use.
type Kinds struct {
	configs *typedconfig.Registry[Config]
	kinds   map[string]Kind
}

// NewKinds returns a registry of kinds; it panics on a duplicate or an
// incomplete kind (the set is fixed at build time).
func NewKinds(kinds ...Kind) *Kinds {
	k := &Kinds{kinds: make(map[string]Kind, len(kinds))}
	defs := make([]typedconfig.Kind[Config], len(kinds))
	for i, kind := range kinds {
		if kind.New == nil {
			panic("policy: kind " + kind.Name + " has no evaluator constructor")
		}
		defs[i] = typedconfig.Kind[Config]{Name: kind.Name, NewConfig: kind.NewConfig}
		k.kinds[kind.Name] = kind
	}
	k.configs = typedconfig.NewRegistry("policy", defs...)
	return k
}

// Names returns every kind's name, sorted.
func (k *Kinds) Names() []string { return k.configs.Names() }

// Lookup returns the kind called name.
func (k *Kinds) Lookup(name string) (Kind, bool) {
	kind, ok := k.kinds[name]
	return kind, ok
}

// RefFields lists the reference fields of kind name's config.
func (k *Kinds) RefFields(name string) ([]typedconfig.RefField, error) {
	return k.configs.RefFields(name)
}

// Decode returns the validated config of kind name stored as raw
// (see typedconfig.Registry.Decode).
func (k *Kinds) Decode(name string, raw []byte) (Config, error) {
	return k.configs.Decode(name, raw)
}

// New decodes raw as kind name and builds its evaluator.
func (k *Kinds) New(name string, raw []byte, deps Deps) (Evaluator, error) {
	cfg, err := k.Decode(name, raw)
	if err != nil {
		return nil, err
	}
	return k.kinds[name].New(cfg, deps)
}

// Define declares the policy kind name: its configuration is a C (a
// pointer to the kind's Config struct), defaults returns one holding the
// kind's defaults, and build makes the evaluator of a decoded, validated
// config. It is the one place a kind is declared: the registry decodes
// every stored config of the kind into a C before build sees it. It panics
// when defaults' config names another kind (a copied definition), at
// start-up.
func Define[C Config](name string, defaults func() C, build func(cfg C, deps Deps) (Evaluator, error)) Kind {
	if got := defaults().PolicyKind(); got != name {
		panic(fmt.Sprintf("policy: kind %s defined with the config of kind %s", name, got))
	}
	return Kind{
		Name:      name,
		NewConfig: func() Config { return defaults() },
		New: func(cfg Config, deps Deps) (Evaluator, error) {
			c, ok := cfg.(C)
			if !ok {
				return nil, fmt.Errorf("policy: kind %s given a %T", name, cfg)
			}
			return build(c, deps)
		},
	}
}
