package graph_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"go.yaml.in/yaml/v3"

	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages"
	"github.com/gatehouse-id/gatehouse/policy/builtin"
	"github.com/gatehouse-id/gatehouse/typedconfig"
)

// The kinds checker: everything a stage or policy kind needs outside its
// own package, checked against the sources that must provide it. Each
// problem names the kind and the file to edit.

// Files a kind is wired in, relative to the repository root (the tests run
// in graph/).
const (
	// gqlgenFile lists the schema files (the kinds' own among them) and
	// may bind types, as @goModel does in the schema.
	gqlgenFile = "gqlgen.yml"
	// The console's form descriptions, and the fragments that read each
	// kind's config back.
	configFormsFile = "web/src/admin/config-kinds.ts"
	// The flow page's challenge components, and the fragment that reads
	// each kind's challenge.
	challengeViewsFile = "web/src/flow/challenges.tsx"
	// modulePath prefixes the import path of every kind's package.
	modulePath = "github.com/gatehouse-id/gatehouse/"
)

// family is a family of kinds and the GraphQL types every kind of it joins.
type family struct {
	name string
	// union lists the config output types; oneOf the config input types.
	union, oneOf string
}

var (
	stageFamily  = family{name: "stage", union: "StageConfig", oneOf: "StageConfigInput"}
	policyFamily = family{name: "policy", union: "PolicyConfig", oneOf: "PolicyConfigInput"}
)

// What every interactive stage's challenge and response join; the
// interface every challenge implements.
const (
	challengeUnion     = "Challenge"
	responseOneOf      = "ChallengeResponseInput"
	challengeInterface = "FlowChallenge"
)

// webFiles are the web sources the checker reads, as text.
var webFiles = []string{configFormsFile, challengeViewsFile}

// kindSources is what the checker reads: the schema, gqlgen.yml's
// bindings and the web sources.
type kindSources struct {
	schema *ast.Schema
	// models maps a GraphQL type to the Go types gqlgen binds it to.
	models map[string][]string
	// web maps each of webFiles to its text.
	web map[string]string
}

// kindUnderTest is a registered kind as the checker sees it.
type kindUnderTest struct {
	family family
	name   string
	// defaults is the kind's default config (NewConfig).
	defaults typedconfig.Config
	// interactive is set for stage kinds whose stage shows a challenge.
	interactive bool
}

// schemaFile is the kind's own schema file, <package dir>/<package>.graphqls
// (relative to the repository root): where its types are declared, bound
// with @goModel, and added to the unions and @oneOf inputs.
func (k kindUnderTest) schemaFile() string {
	dir := strings.TrimPrefix(reflect.Indirect(reflect.ValueOf(k.defaults)).Type().PkgPath(), modulePath)
	return dir + "/" + path.Base(dir) + ".graphqls"
}

// registeredKinds returns every stage and policy kind the server
// registers. Whether a stage kind is interactive is learned by building a
// stage of its defaults without dependencies.
func registeredKinds(t *testing.T) []kindUnderTest {
	t.Helper()
	var out []kindUnderTest
	stageKinds := stages.All()
	for _, name := range stageKinds.Names() {
		kind, ok := stageKinds.Lookup(name)
		require.True(t, ok, name)
		s, err := kind.New(kind.NewConfig(), executor.Deps{})
		require.NoError(t, err, "stage kind %q: New with zero Deps failed; this test builds every stage without dependencies "+
			"to learn whether it is interactive, so New must only keep them", name)
		_, interactive := s.(executor.Interactive)
		out = append(out, kindUnderTest{family: stageFamily, name: name, defaults: kind.NewConfig(), interactive: interactive})
	}
	policyKinds := builtin.All()
	for _, name := range policyKinds.Names() {
		kind, ok := policyKinds.Lookup(name)
		require.True(t, ok, name)
		out = append(out, kindUnderTest{family: policyFamily, name: name, defaults: kind.NewConfig()})
	}
	return out
}

// readRepoFile returns the text of a file given relative to the repository
// root.
func readRepoFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(path)))
	require.NoError(t, err)
	return string(b)
}

// configFormsParts are files beside configFormsFile that hold some kinds'
// forms (config-kinds-<group>.ts, spread into its lists): the checker
// reads them as part of it.
const configFormsParts = "web/src/admin/config-kinds-*.ts"

// readKindFiles returns the text of gqlgen.yml and webFiles, by path.
func readKindFiles(t *testing.T) map[string]string {
	t.Helper()
	texts := map[string]string{gqlgenFile: readRepoFile(t, gqlgenFile)}
	for _, f := range webFiles {
		texts[f] = readRepoFile(t, f)
	}
	parts, err := filepath.Glob(filepath.Join("..", filepath.FromSlash(configFormsParts)))
	require.NoError(t, err)
	for _, p := range parts {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		texts[configFormsFile] += "\n" + string(b)
	}
	return texts
}

// loadKindSources pairs schema with the Go bindings of gqlgen.yml and of
// the schema's @goModel directives, and with the web sources, given by
// path in texts.
func loadKindSources(t *testing.T, schema *ast.Schema, texts map[string]string) *kindSources {
	t.Helper()
	var cfg struct {
		Models map[string]struct {
			Model stringList `yaml:"model"`
		} `yaml:"models"`
	}
	require.NoError(t, yaml.Unmarshal([]byte(texts[gqlgenFile]), &cfg))
	models := make(map[string][]string, len(cfg.Models))
	for name, m := range cfg.Models {
		models[name] = m.Model
	}
	// The schema may bind a type itself, with gqlgen's @goModel.
	for name, def := range schema.Types {
		if d := def.Directives.ForName("goModel"); d != nil {
			if arg := d.Arguments.ForName("model"); arg != nil {
				models[name] = append(models[name], arg.Value.Raw)
			}
		}
	}
	web := make(map[string]string, len(webFiles))
	for _, f := range webFiles {
		web[f] = texts[f]
	}
	return &kindSources{schema: schema, models: models, web: web}
}

// stringList is a YAML string or list of strings (gqlgen.yml's model).
type stringList []string

func (l *stringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = []string{n.Value}
		return nil
	}
	var s []string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("model: %w", err)
	}
	*l = s
	return nil
}

// boundTo returns the GraphQL types gqlgen.yml binds to goType and the
// schema declares as kind, sorted, and the bound names the schema lacks.
func (s *kindSources) boundTo(goType string, kind ast.DefinitionKind) (names, undeclared []string) {
	for name, models := range s.models {
		if !slices.Contains(models, goType) {
			continue
		}
		switch def := s.schema.Types[name]; {
		case def == nil:
			undeclared = append(undeclared, name)
		case def.Kind == kind:
			names = append(names, name)
		}
	}
	slices.Sort(names)
	slices.Sort(undeclared)
	return names, undeclared
}

// fileOf returns the file that declares the GraphQL type name (relative to
// the repository root; gqlgen names sources relative to graph/), or
// fallback when the schema lacks it.
func (s *kindSources) fileOf(name, fallback string) string {
	if def := s.schema.Types[name]; def != nil && def.Position != nil && def.Position.Src != nil {
		return path.Clean("graph/" + def.Position.Src.Name)
	}
	return fallback
}

// checker collects the problems of one kind.
type checker struct {
	src      *kindSources
	kind     kindUnderTest
	problems []string
}

func (c *checker) addf(file, format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf("%s kind %q: %s [edit %s]", c.kind.family.name, c.kind.name, fmt.Sprintf(format, args...), file))
}

// checkKind returns what kind k lacks in src, each problem naming k and
// the file to edit; none when k is wired everywhere. The GraphQL names
// come from the bindings (@goModel in the kind's schema file, or
// gqlgen.yml): the kind's config types are those bound to the Go type of
// its defaults; an interactive stage's challenge and response types are
// those bound to Challenge and Response in the kind's package (the Go
// names every stage uses).
func checkKind(src *kindSources, k kindUnderTest) []string {
	c := &checker{src: src, kind: k}
	configType := goTypeName(k.defaults)
	outputs := c.bound(configType, ast.Object, "config output type", k.family.union)
	inputs := c.bound(configType, ast.InputObject, "config input type", k.family.oneOf)
	for _, out := range outputs {
		c.requireUnionMember(k.family.union, out)
		c.requireForm(out)
		c.requireFragment(configFormsFile, k.family.union, out)
	}
	if len(outputs) == 0 {
		c.requireForm("")
	}
	for _, in := range inputs {
		c.requireOneOfMember(k.family.oneOf, in)
		c.compareDefaults(src.schema.Types[in], k.defaults)
	}
	if k.interactive {
		pkg := reflect.Indirect(reflect.ValueOf(k.defaults)).Type().PkgPath()
		for _, ch := range c.bound(pkg+".Challenge", ast.Object, "challenge type (the stage is interactive)", challengeUnion) {
			c.requireUnionMember(challengeUnion, ch)
			if !regexp.MustCompile(`case\s+"` + regexp.QuoteMeta(ch) + `"\s*:`).MatchString(src.web[challengeViewsFile]) {
				c.addf(challengeViewsFile, "ChallengeView has no case %q: add a component for the challenge", ch)
			}
			if c.hasOwnFields(ch, challengeInterface) {
				c.requireFragment(challengeViewsFile, challengeUnion, ch)
			}
		}
		for _, resp := range c.bound(pkg+".Response", ast.InputObject, "response input type (the stage is interactive)", responseOneOf) {
			c.requireOneOfMember(responseOneOf, resp)
		}
	}
	return c.problems
}

// bound returns the GraphQL types of kind bound to goType that the schema
// declares; it reports a binding to an undeclared type, and the lack of
// any binding (what says what the type is, memberOf what it joins).
func (c *checker) bound(goType string, kind ast.DefinitionKind, what, memberOf string) []string {
	names, undeclared := c.src.boundTo(goType, kind)
	for _, name := range undeclared {
		c.addf(gqlgenFile, "gqlgen.yml binds %s to %s, but the schema declares no type %s", name, goType, name)
	}
	if len(names) == 0 && len(undeclared) == 0 {
		c.addf(c.kind.schemaFile(), "no %s is bound to %s: declare it with @goModel(model: %q) and add it to %s",
			what, goType, goType, memberOf)
	}
	return names
}

func (c *checker) requireUnionMember(union, member string) {
	def := c.src.schema.Types[union]
	if def == nil || def.Kind != ast.Union {
		c.addf(c.kind.schemaFile(), "the schema has no union %s for %s to join", union, member)
		return
	}
	if !slices.Contains(def.Types, member) {
		c.addf(c.kind.schemaFile(), "union %s has no member %s: add extend union %s = %s", union, member, union, member)
	}
}

func (c *checker) requireOneOfMember(oneOf, member string) {
	def := c.src.schema.Types[oneOf]
	if def == nil || def.Kind != ast.InputObject {
		c.addf(c.kind.schemaFile(), "the schema has no @oneOf input %s for %s to join", oneOf, member)
		return
	}
	for _, f := range def.Fields {
		if f.Type.Name() == member {
			return
		}
	}
	c.addf(c.kind.schemaFile(), "@oneOf input %s has no member of type %s: add it with extend input %s { … }", oneOf, member, oneOf)
}

// formEntry is an entry of the console's kind lists: its kind and the
// config type it reads back, written next to each other as every entry
// has them.
var formEntry = regexp.MustCompile(`kind:\s*"([^"]*)",\s*typename:\s*"([^"]*)"`)

// requireForm reports a kind without a console form that reads back
// output (any, when the kind has no output type yet).
func (c *checker) requireForm(output string) {
	for _, m := range formEntry.FindAllStringSubmatch(c.src.web[configFormsFile], -1) {
		if m[1] == c.kind.name && (m[2] == output || output == "") {
			return
		}
	}
	if output == "" {
		output = "<its config output type>"
	}
	c.addf(configFormsFile, "the admin console has no form for it: add an entry with kind: %q, typename: %q to the %s kinds",
		c.kind.name, output, c.kind.family.name)
}

// requireFragment reports a web query file that does not select the
// fields of typ, a member of union.
func (c *checker) requireFragment(file, union, typ string) {
	if !regexp.MustCompile(`\.\.\.\s*on\s+` + regexp.QuoteMeta(typ) + `\s*\{`).MatchString(c.src.web[file]) {
		c.addf(file, "no query reads %s's fields: add ... on %s { … } to the fragment on %s", typ, typ, union)
	}
}

// hasOwnFields reports whether object type name has fields beyond those
// of interface iface.
func (c *checker) hasOwnFields(name, iface string) bool {
	common := c.src.schema.Types[iface]
	for _, f := range c.src.schema.Types[name].Fields {
		if common == nil || common.Fields.ForName(f.Name) == nil {
			return true
		}
	}
	return false
}

// compareDefaults reports each field whose default in input type def (an
// input of no fields, as gqlgen decodes it) differs from the Go defaults.
func (c *checker) compareDefaults(def *ast.Definition, defaults typedconfig.Config) {
	file := c.src.fileOf(def.Name, c.kind.schemaFile())
	want := reflect.Indirect(reflect.ValueOf(defaults))
	got := reflect.New(want.Type()).Elem()
	inputField := map[string]string{} // Go field → input field
	for _, f := range def.Fields {
		sf, ok := goField(want.Type(), f.Name)
		if !ok {
			c.addf(file, "input field %s.%s matches no field of %s", def.Name, f.Name, want.Type())
			continue
		}
		inputField[sf.Name] = f.Name
		if f.DefaultValue == nil {
			continue
		}
		v, err := f.DefaultValue.Value(nil)
		if err == nil {
			err = assign(got.FieldByIndex(sf.Index), v)
		}
		if err != nil {
			c.addf(file, "the default of %s.%s cannot be compared: %v", def.Name, f.Name, err)
		}
	}
	for i := range want.NumField() {
		sf := want.Type().Field(i)
		if !sf.IsExported() || sameSetting(got.Field(i), want.Field(i)) {
			continue
		}
		name, ok := inputField[sf.Name]
		if !ok {
			c.addf(file, "input %s has no field for %s, whose Go default is %s", def.Name, sf.Name, show(want.Field(i)))
			continue
		}
		c.addf(file, "input field %s.%s defaults to %s, the Go default (%s.%s) is %s",
			def.Name, name, show(got.Field(i)), want.Type(), sf.Name, show(want.Field(i)))
	}
}

// goField returns the struct field gqlgen binds input field name to: the
// same name, ignoring case and underscores.
func goField(t reflect.Type, name string) (reflect.StructField, bool) {
	for _, f := range reflect.VisibleFields(t) {
		if f.IsExported() && strings.EqualFold(strings.ReplaceAll(f.Name, "_", ""), name) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// gqlUnmarshaler is a Go type with its own GraphQL input decoding (enums).
type gqlUnmarshaler interface{ UnmarshalGQL(v any) error }

// assign sets dst to the GraphQL input value v (as ast.Value.Value
// returns it), as gqlgen's generated decoding would.
func assign(dst reflect.Value, v any) error {
	if u, ok := reflect.TypeAssert[gqlUnmarshaler](dst.Addr()); ok {
		return u.UnmarshalGQL(v)
	}
	if dst.Kind() == reflect.Pointer {
		p := reflect.New(dst.Type().Elem())
		if err := assign(p.Elem(), v); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	}
	if dst.Kind() == reflect.Slice {
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%v is not a list", v)
		}
		s := reflect.MakeSlice(dst.Type(), len(list), len(list))
		for i, e := range list {
			if err := assign(s.Index(i), e); err != nil {
				return err
			}
		}
		dst.Set(s)
		return nil
	}
	// A scalar: a bool, a string, a number of the field's kind (GraphQL
	// integers arrive as int64).
	rv := reflect.ValueOf(v)
	if v == nil || (rv.Kind() != dst.Kind() && (!rv.CanInt() || !dst.CanInt())) {
		return fmt.Errorf("cannot decode %v (%T) into %s", v, v, dst.Type())
	}
	dst.Set(rv.Convert(dst.Type()))
	return nil
}

// sameSetting reports whether two field values configure the same: equal,
// or both empty lists (an input default of [] and no list in Go).
func sameSetting(a, b reflect.Value) bool {
	if (a.Kind() == reflect.Slice || a.Kind() == reflect.Map) && a.Len() == 0 && b.Len() == 0 {
		return true
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

// show renders a field value as JSON.
func show(v reflect.Value) string {
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return fmt.Sprintf("%v", v.Interface())
	}
	return string(b)
}

// goTypeName returns the import path and name of cfg's type, as gqlgen.yml
// names it ("github.com/…/executor/stages/password.Config").
func goTypeName(cfg typedconfig.Config) string {
	t := reflect.TypeOf(cfg)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath() + "." + t.Name()
}
