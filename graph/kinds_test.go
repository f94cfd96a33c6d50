package graph_test

import (
	goast "go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"go.yaml.in/yaml/v3"

	"github.com/gatehouse-id/gatehouse/graph"
)

// TestEveryKindIsWired walks every registered stage and policy kind and
// fails, naming the kind and the file to edit, when the GraphQL schema (as
// the server loads it), gqlgen.yml or the web console lacks something the
// kind needs: its config output and input types and their union and
// @oneOf members, input defaults equal to the Go defaults, a console form;
// for an interactive stage its challenge and response types, their members
// and the flow page's component (see checkKind).
func TestEveryKindIsWired(t *testing.T) {
	t.Parallel()
	src := loadKindSources(t, graph.NewSchema(graph.Deps{}).Schema(), readKindFiles(t))
	kinds := registeredKinds(t)
	require.NotEmpty(t, kinds)
	for _, k := range kinds {
		t.Run(k.family.name+"/"+k.name, func(t *testing.T) {
			t.Parallel()
			problems := checkKind(src, k)
			require.Empty(t, problems, "%s kind %q is not wired everywhere (run go generate ./graph after editing the schema or gqlgen.yml):\n%s",
				k.family.name, k.name, strings.Join(problems, "\n"))
		})
	}
}

// kindSourceTexts are the checker's sources as text, by path from the
// repository root, for tests to break.
type kindSourceTexts map[string]string

func readKindSourceTexts(t *testing.T) kindSourceTexts {
	t.Helper()
	texts := kindSourceTexts(readKindFiles(t))
	for _, path := range schemaPaths(t, texts[gqlgenFile]) {
		texts[path] = readRepoFile(t, path)
	}
	return texts
}

// schemaPaths returns the schema files gqlgen.yml (given as text) lists,
// expanded, relative to the repository root.
func schemaPaths(t *testing.T, gqlgenYML string) []string {
	t.Helper()
	var cfg struct {
		Schema []string `yaml:"schema"`
	}
	require.NoError(t, yaml.Unmarshal([]byte(gqlgenYML), &cfg))
	var out []string
	for _, pattern := range cfg.Schema {
		matches, err := filepath.Glob(filepath.Join("..", filepath.FromSlash(pattern)))
		require.NoError(t, err)
		require.NotEmpty(t, matches, "gqlgen.yml's schema pattern %q matches no file", pattern)
		for _, m := range matches {
			out = append(out, filepath.ToSlash(strings.TrimPrefix(m, ".."+string(filepath.Separator))))
		}
	}
	return out
}

// load parses the texts as the server and the checker do: the schema
// files under their names relative to graph/, as gqlgen names them.
func (s kindSourceTexts) load(t *testing.T) *kindSources {
	t.Helper()
	var sources []*ast.Source
	for file, text := range s {
		if strings.HasSuffix(file, ".graphqls") {
			name, err := filepath.Rel("graph", filepath.FromSlash(file))
			require.NoError(t, err)
			sources = append(sources, &ast.Source{Name: filepath.ToSlash(name), Input: text})
		}
	}
	schema, err := gqlparser.LoadSchema(sources...)
	require.NoError(t, err)
	return loadKindSources(t, schema, s)
}

// TestKindCheckerNamesWhatIsMissing breaks the real sources one way at a
// time: the checker must then report the kind concerned, and only it, in
// a problem that names the file to edit.
func TestKindCheckerNamesWhatIsMissing(t *testing.T) {
	t.Parallel()
	const (
		stages = modulePath + "executor/stages/"
		// Kinds' own schema files.
		deny           = "executor/stages/deny/deny.graphqls"
		dummy          = "executor/stages/dummy/dummy.graphqls"
		identification = "executor/stages/identification/identification.graphqls"
		password       = "executor/stages/password/password.graphqls"
		prompt         = "executor/stages/prompt/prompt.graphqls"
		userLogin      = "executor/stages/userlogin/userlogin.graphqls"
		userWrite      = "executor/stages/userwrite/userwrite.graphqls"
		dummyPolicy    = "policy/dummy/dummy.graphqls"
		expiryPolicy   = "policy/expiry/expiry.graphqls"
		reputation     = "policy/reputation/reputation.graphqls"
		expiry         = modulePath + "policy/expiry.Config"
	)
	tests := []struct {
		name string
		// in is the file edited: old is replaced by replacement.
		in, old, replacement string
		// kind must be reported ("stage kind \"deny\""), and a problem
		// must contain says and name file as the file to edit.
		kind, says, file string
	}{
		{
			name: "no schema file", in: deny, old: readRepoFile(t, deny),
			kind: `stage kind "deny"`, says: "no config output type is bound to " + stages + "deny.Config", file: deny,
		},
		{
			name: "config output type not in the union", in: deny, old: "extend union StageConfig = DenyStage\n",
			kind: `stage kind "deny"`, says: "union StageConfig has no member DenyStage", file: deny,
		},
		{
			name: "policy config output type not in the union", in: dummyPolicy, old: "extend union PolicyConfig = DummyPolicy\n",
			kind: `policy kind "dummy"`, says: "union PolicyConfig has no member DummyPolicy", file: dummyPolicy,
		},
		{
			name: "config input type not in the @oneOf input", in: userWrite, old: "extend input StageConfigInput {\n  userWrite: UserWriteStageInput\n}\n",
			kind: `stage kind "user_write"`, says: "StageConfigInput has no member of type UserWriteStageInput", file: userWrite,
		},
		{
			name: "config output type not bound", in: deny, old: `type DenyStage @goModel(model: "` + stages + `deny.Config")`, replacement: "type DenyStage",
			kind: `stage kind "deny"`, says: "no config output type is bound to " + stages + "deny.Config", file: deny,
		},
		{
			name: "config input type not bound", in: expiryPolicy, old: `input ExpiryPolicyInput @goModel(model: "` + expiry + `")`, replacement: "input ExpiryPolicyInput",
			kind: `policy kind "expiry"`, says: "no config input type is bound to " + expiry, file: expiryPolicy,
		},
		{
			name: "config type bound under a name the schema lacks", in: gqlgenFile, old: "\nmodels:\n",
			replacement: "\nmodels:\n  DenyStageInputs:\n    model: " + stages + "deny.Config\n",
			kind:        `stage kind "deny"`, says: "binds DenyStageInputs to " + stages + "deny.Config, but the schema declares no type DenyStageInputs", file: gqlgenFile,
		},
		{
			name: "input default differs", in: password, old: "failedAttemptsBeforeCancel: Int! = 5", replacement: "failedAttemptsBeforeCancel: Int! = 4",
			kind: `stage kind "password"`, file: password,
			says: "PasswordStageInput.failedAttemptsBeforeCancel defaults to 4, the Go default (password.Config.FailedAttemptsBeforeCancel) is 5",
		},
		{
			name: "input default missing", in: reputation, old: "threshold: Int! = -5", replacement: "threshold: Int!",
			kind: `policy kind "reputation"`, says: "ReputationPolicyInput.threshold defaults to 0", file: reputation,
		},
		{
			name: "list default differs", in: identification, old: "= [USERNAME, EMAIL]", replacement: "= [EMAIL, USERNAME]",
			kind: `stage kind "identification"`, says: `defaults to ["email","username"]`, file: identification,
		},
		{
			name: "no console form", in: configFormsFile, old: `kind: "user_login",`, replacement: `kind: "userLogin",`,
			kind: `stage kind "user_login"`, says: "no form", file: configFormsFile,
		},
		{
			name: "no console form for a policy", in: configFormsFile, old: `typename: "ExpiryPolicy",`, replacement: `typename: "Expiry",`,
			kind: `policy kind "expiry"`, says: `typename: "ExpiryPolicy"`, file: configFormsFile,
		},
		{
			name: "challenge type not in the union", in: userLogin, old: "extend union Challenge = UserLoginChallenge\n",
			kind: `stage kind "user_login"`, says: "union Challenge has no member UserLoginChallenge", file: userLogin,
		},
		{
			name: "response input not in the @oneOf input", in: dummy, old: "extend input ChallengeResponseInput {\n  dummy: DummyResponseInput\n}\n",
			kind: `stage kind "dummy"`, says: "ChallengeResponseInput has no member of type DummyResponseInput", file: dummy,
		},
		{
			name: "challenge type not bound", in: prompt, old: ` @goModel(model: "` + stages + `prompt.Challenge")`,
			kind: `stage kind "prompt"`, says: "no challenge type (the stage is interactive) is bound to " + stages + "prompt.Challenge", file: prompt,
		},
		{
			name: "response type not bound", in: password, old: ` @goModel(model: "` + stages + `password.Response")`,
			kind: `stage kind "password"`, says: "no response input type (the stage is interactive) is bound to " + stages + "password.Response", file: password,
		},
		{
			name: "config not read back", in: configFormsFile, old: "    ... on RedirectStage {", replacement: "    ... on RedirectStageX {",
			kind: `stage kind "redirect"`, says: "no query reads RedirectStage's fields", file: configFormsFile,
		},
		{
			name: "challenge fields not read", in: challengeViewsFile, old: "    ... on PasswordChallenge {", replacement: "    ... on PasswordChallengeX {",
			kind: `stage kind "password"`, says: "no query reads PasswordChallenge's fields", file: challengeViewsFile,
		},
		{
			name: "no challenge component", in: challengeViewsFile, old: `case "IdentificationChallenge":`,
			kind: `stage kind "identification"`, says: `no case "IdentificationChallenge"`, file: challengeViewsFile,
		},
	}
	kinds := registeredKinds(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			texts := readKindSourceTexts(t)
			require.Contains(t, texts[tt.in], tt.old, "the test's edit no longer applies to %s; update it", tt.in)
			texts[tt.in] = strings.Replace(texts[tt.in], tt.old, tt.replacement, 1)
			src := texts.load(t)
			var problems []string
			for _, k := range kinds {
				problems = append(problems, checkKind(src, k)...)
			}
			require.NotEmpty(t, problems, "the broken sources pass")
			for _, p := range problems {
				require.Contains(t, p, tt.kind, "only the broken kind is reported")
			}
			joined := strings.Join(problems, "\n")
			t.Log(joined)
			require.Contains(t, joined, tt.says)
			require.Contains(t, joined, "[edit "+tt.file+"]")
		})
	}

	t.Run("BoundInGqlgenYml", func(t *testing.T) {
		t.Parallel()
		texts := readKindSourceTexts(t)
		model := stages + "deny.Config"
		for in, edits := range map[string][][2]string{
			gqlgenFile: {{"\nmodels:\n", "\nmodels:\n  DenyStage:\n    model: " + model + "\n  DenyStageInput:\n    model: " + model + "\n"}},
			deny: {
				{`type DenyStage @goModel(model: "` + model + `")`, "type DenyStage"},
				{`input DenyStageInput @goModel(model: "` + model + `")`, "input DenyStageInput"},
			},
		} {
			for _, e := range edits {
				require.Contains(t, texts[in], e[0])
				texts[in] = strings.Replace(texts[in], e[0], e[1], 1)
			}
		}
		src := texts.load(t)
		for _, k := range kinds {
			require.Empty(t, checkKind(src, k), "gqlgen.yml binds as @goModel does")
		}
	})

	t.Run("Unbroken", func(t *testing.T) {
		t.Parallel()
		src := readKindSourceTexts(t).load(t)
		for _, k := range kinds {
			require.Empty(t, checkKind(src, k), "the files on disk pass, as the generated schema does")
		}
	})
}

// TestEveryKindPackageIsRegistered: a kind's package that the registry
// does not list (executor/stages/stages.go, policy/builtin/builtin.go) is
// a kind no server knows; every package under executor/stages/ and
// policy/ that declares a Kind constant must be registered under it.
func TestEveryKindPackageIsRegistered(t *testing.T) {
	t.Parallel()
	registered := map[string]bool{}
	for _, k := range registeredKinds(t) {
		registered[k.family.name+"/"+k.name] = true
	}
	for family, dirs := range map[string]string{"stage": "executor/stages/*", "policy": "policy/*"} {
		for name, dir := range declaredKinds(t, dirs) {
			require.True(t, registered[family+"/"+name], "%s kind %q (package %s) is not registered [edit %s]",
				family, name, dir, map[string]string{"stage": "executor/stages/stages.go", "policy": "policy/builtin/builtin.go"}[family])
		}
	}
}

// declaredKinds returns the value of the Kind constant of every package in
// the directories matching pattern (relative to the repository root), by
// kind.
func declaredKinds(t *testing.T, pattern string) map[string]string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("..", filepath.FromSlash(pattern)))
	require.NoError(t, err)
	out := map[string]string{}
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
			require.NoError(t, err)
			for _, decl := range file.Decls {
				gen, ok := decl.(*goast.GenDecl)
				if !ok || gen.Tok != token.CONST {
					continue
				}
				for _, spec := range gen.Specs {
					vs, ok := spec.(*goast.ValueSpec)
					if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "Kind" || len(vs.Values) != 1 {
						continue
					}
					if lit, ok := vs.Values[0].(*goast.BasicLit); ok && lit.Kind == token.STRING {
						kind, err := strconv.Unquote(lit.Value)
						require.NoError(t, err)
						out[kind] = filepath.ToSlash(strings.TrimPrefix(dir, ".."+string(filepath.Separator)))
					}
				}
			}
		}
	}
	require.NotEmpty(t, out, "no kind packages under %s", pattern)
	return out
}

// TestNoResolverIsAStub: gqlgen writes a resolver it cannot bind (a config
// field referring to a stage or flow by ID, say) as a stub that panics
// when the field is asked for. Every stub must be filled in.
func TestNoResolverIsAStub(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.resolvers.go")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		text := readRepoFile(t, "graph/"+f)
		for i, line := range strings.Split(text, "\n") {
			require.NotContains(t, line, `panic(fmt.Errorf("not implemented`,
				"graph/%s:%d is a resolver stub gqlgen wrote: implement it (a reference field of a kind's config: resolve it with a method of the config, see package configref)", f, i+1)
		}
	}
}
