package typedconfig

import (
	"fmt"
	"slices"

	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind describes one kind of stage or policy: its persisted name and its
// default configuration.
type Kind[C Config] struct {
	// Name is the stable snake_case kind, stored with every object.
	Name string
	// NewConfig returns a new config holding the kind's defaults.
	NewConfig func() C
}

// Registry is the set of kinds a server knows, of one family (stages or
// policies). It is immutable after NewRegistry and safe for concurrent use.
type Registry[C Config] struct {
	family string
	kinds  map[string]Kind[C]
	names  []string
}

// NewRegistry returns a registry of kinds. family ("stage", "policy") is
// used in error messages. It panics on a duplicate or empty name: the set of
// kinds is fixed at build time, so that is a programming error.
func NewRegistry[C Config](family string, kinds ...Kind[C]) *Registry[C] {
	r := &Registry[C]{family: family, kinds: make(map[string]Kind[C], len(kinds))}
	for _, k := range kinds {
		if k.Name == "" || k.NewConfig == nil {
			panic(fmt.Sprintf("typedconfig: %s kind %q is incomplete", family, k.Name))
		}
		if _, dup := r.kinds[k.Name]; dup {
			panic(fmt.Sprintf("typedconfig: %s kind %q registered twice", family, k.Name))
		}
		r.kinds[k.Name] = k
		r.names = append(r.names, k.Name)
	}
	slices.Sort(r.names)
	return r
}

// Lookup returns the kind called name.
func (r *Registry[C]) Lookup(name string) (Kind[C], bool) {
	k, ok := r.kinds[name]
	return k, ok
}

// Names returns every kind's name, sorted.
func (r *Registry[C]) Names() []string { return slices.Clone(r.names) }

// RefFields lists the reference fields of kind name's config (see
// RefFields); an unknown kind is a *problem.FieldError on "kind".
func (r *Registry[C]) RefFields(name string) ([]RefField, error) {
	k, ok := r.kinds[name]
	if !ok {
		return nil, problem.Invalid("kind", "unknown %s kind %q", r.family, name)
	}
	return RefFields(k.NewConfig())
}

// Decode returns the config of kind name stored as raw, decoded over the
// kind's defaults and validated. An unknown kind is a *problem.FieldError
// on "kind"; a bad config is a *problem.FieldError under "config".
func (r *Registry[C]) Decode(name string, raw []byte) (C, error) {
	var zero C
	k, ok := r.kinds[name]
	if !ok {
		return zero, problem.Invalid("kind", "unknown %s kind %q", r.family, name)
	}
	cfg := k.NewConfig()
	if err := Decode(raw, cfg); err != nil {
		return zero, prefixConfig(err)
	}
	return cfg, nil
}

// prefixConfig puts field errors under "config".
func prefixConfig(err error) error {
	if fe, ok := err.(*problem.FieldError); ok { //nolint:errorlint // Decode returns it unwrapped
		return fe.Prefix("config")
	}
	return err
}
