package graph_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

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
	src := loadKindSources(t, graph.NewSchema(graph.Deps{}).Schema(),
		readRepoFile(t, gqlgenFile), readRepoFile(t, configFormsFile), readRepoFile(t, challengeViewsFile))
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

// kindSourceTexts are the checker's sources as text, for tests to break.
type kindSourceTexts struct {
	// sdl maps a schema file's name (as gqlgen names it, relative to
	// graph/) to its text.
	sdl                                 map[string]*string
	gqlgen, configForms, challengeViews string
}

func readKindSourceTexts(t *testing.T) kindSourceTexts {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("schema", "*.graphqls"))
	require.NoError(t, err)
	files = append(files, "ent.graphqls")
	sdl := make(map[string]*string, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		sdl[filepath.ToSlash(f)] = new(string(b))
	}
	return kindSourceTexts{
		sdl: sdl, gqlgen: readRepoFile(t, gqlgenFile),
		configForms: readRepoFile(t, configFormsFile), challengeViews: readRepoFile(t, challengeViewsFile),
	}
}

// edit replaces old, which must occur in text, with replacement.
func edit(t *testing.T, text *string, old, replacement string) {
	t.Helper()
	require.Contains(t, *text, old, "the test's edit no longer applies; update it")
	*text = strings.Replace(*text, old, replacement, 1)
}

func (s kindSourceTexts) load(t *testing.T) *kindSources {
	t.Helper()
	sources := make([]*ast.Source, 0, len(s.sdl))
	for name, text := range s.sdl {
		sources = append(sources, &ast.Source{Name: name, Input: *text})
	}
	schema, err := gqlparser.LoadSchema(sources...)
	require.NoError(t, err)
	return loadKindSources(t, schema, s.gqlgen, s.configForms, s.challengeViews)
}

// TestKindCheckerNamesWhatIsMissing breaks the real sources one way at a
// time: the checker must then report the kind concerned, and only it, in
// a problem that names the file to edit.
func TestKindCheckerNamesWhatIsMissing(t *testing.T) {
	t.Parallel()
	const (
		config = "schema/config.graphqls"
		flow   = "schema/flow.graphqls"
		stages = "github.com/gatehouse-id/gatehouse/executor/stages/"
	)
	tests := []struct {
		name      string
		breakFunc func(t *testing.T, s *kindSourceTexts)
		// kind is the kind that must be reported ("stage deny"), file
		// the file the problem must name, and says what it must say.
		kind, file, says string
	}{
		{
			name:      "config output type not in the union",
			breakFunc: func(t *testing.T, s *kindSourceTexts) { edit(t, s.sdl[config], "  | DenyStage\n", "") },
			kind:      `stage kind "deny"`, file: "graph/schema/config.graphqls", says: "union StageConfig has no member DenyStage",
		},
		{
			name: "policy config output type not in the union",
			breakFunc: func(t *testing.T, s *kindSourceTexts) {
				edit(t, s.sdl[config], "| ExpiryPolicy | DummyPolicy", "| ExpiryPolicy")
			},
			kind: `policy kind "dummy"`, file: "graph/schema/config.graphqls", says: "union PolicyConfig has no member DummyPolicy",
		},
		{
			name: "config input type not in the @oneOf input",
			breakFunc: func(t *testing.T, s *kindSourceTexts) {
				edit(t, s.sdl[config], "  userWrite: UserWriteStageInput\n", "")
			},
			kind: `stage kind "user_write"`, file: "graph/schema/config.graphqls", says: "StageConfigInput has no member of type UserWriteStageInput",
		},
		{
			name: "config types not bound",
			breakFunc: func(t *testing.T, s *kindSourceTexts) {
				edit(t, &s.gqlgen, "  DenyStage:\n    model: "+stages+"deny.Config\n", "")
				edit(t, &s.gqlgen, "  DenyStageInput:\n    model: "+stages+"deny.Config\n", "")
			},
			kind: `stage kind "deny"`, file: "gqlgen.yml", says: "binds no config output type to " + stages + "deny.Config",
		},
		{
			name: "config input type not bound",
			breakFunc: func(t *testing.T, s *kindSourceTexts) {
				edit(t, &s.gqlgen, "  ExpiryPolicyInput:\n    model: github.com/gatehouse-id/gatehouse/policy/expiry.Config\n", "")
			},
			kind: `policy kind "expiry"`, file: "gqlgen.yml",
			says: "binds no config input type to github.com/gatehouse-id/gatehouse/policy/expiry.Config",
		},
		{
			name: "config type bound under a name the schema lacks",
			breakFunc: func(t *testing.T, s *kindSourceTexts) {
				edit(t, &s.gqlgen, "  DenyStageInput:\n", "  DenyStageInputs:\n")
			},
			kind: `stage kind "deny"`, file: "graph/schema/config.graphqls",
			says: "binds DenyStageInputs to " + stages + "deny.Config, but the schema declares no type DenyStageInputs",
		},
		{
			name: "input default differs",
			breakFunc: func(t *testing.T, s *kindSourceTexts) {
				edit(t, s.sdl[config], "failedAttemptsBeforeCancel: Int! = 5", "failedAttemptsBeforeCancel: Int! = 4")
			},
			kind: `stage kind "password"`, file: "graph/schema/config.graphqls",
			says: "PasswordStageInput.failedAttemptsBeforeCancel defaults to 4, the Go default (password.Config.FailedAttemptsBeforeCancel) is 5",
		},
		{
			name: "input default missing",
			breakFunc: func(t *testing.T, s *kindSourceTexts) {
				edit(t, s.sdl[config], "threshold: Int! = -5", "threshold: Int!")
			},
			kind: `policy kind "reputation"`, file: "graph/schema/config.graphqls", says: "ReputationPolicyInput.threshold defaults to 0",
		},
		{
			name: "list default differs",
			breakFunc: func(t *testing.T, s *kindSourceTexts) {
				edit(t, s.sdl[config], "= [USERNAME, EMAIL]", "= [EMAIL, USERNAME]")
			},
			kind: `stage kind "identification"`, file: "graph/schema/config.graphqls", says: `defaults to ["email","username"]`,
		},
		{
			name: "no console form",
			breakFunc: func(t *testing.T, s *kindSourceTexts) {
				edit(t, &s.configForms, `kind: "user_login",`, `kind: "userLogin",`)
			},
			kind: `stage kind "user_login"`, file: "web/src/admin/config-kinds.ts", says: "no form",
		},
		{
			name: "no console form for a policy",
			breakFunc: func(t *testing.T, s *kindSourceTexts) {
				edit(t, &s.configForms, `typename: "ExpiryPolicy",`, `typename: "Expiry",`)
			},
			kind: `policy kind "expiry"`, file: "web/src/admin/config-kinds.ts", says: `typename: "ExpiryPolicy"`,
		},
		{
			name:      "challenge type not in the union",
			breakFunc: func(t *testing.T, s *kindSourceTexts) { edit(t, s.sdl[flow], "  | UserLoginChallenge\n", "") },
			kind:      `stage kind "user_login"`, file: "graph/schema/flow.graphqls", says: "union Challenge has no member UserLoginChallenge",
		},
		{
			name:      "response input not in the @oneOf input",
			breakFunc: func(t *testing.T, s *kindSourceTexts) { edit(t, s.sdl[flow], "  dummy: DummyResponseInput\n", "") },
			kind:      `stage kind "dummy"`, file: "graph/schema/flow.graphqls", says: "ChallengeResponseInput has no member of type DummyResponseInput",
		},
		{
			name: "challenge type not bound",
			breakFunc: func(t *testing.T, s *kindSourceTexts) {
				edit(t, &s.gqlgen, "  PromptChallenge:\n    model: "+stages+"prompt.Challenge\n", "")
			},
			kind: `stage kind "prompt"`, file: "gqlgen.yml", says: "binds no challenge type (the stage is interactive) to " + stages + "prompt.Challenge",
		},
		{
			name: "response type not bound",
			breakFunc: func(t *testing.T, s *kindSourceTexts) {
				edit(t, &s.gqlgen, "  PasswordResponseInput:\n    model: "+stages+"password.Response\n", "")
			},
			kind: `stage kind "password"`, file: "gqlgen.yml", says: "binds no response input type (the stage is interactive) to " + stages + "password.Response",
		},
		{
			name: "no challenge component",
			breakFunc: func(t *testing.T, s *kindSourceTexts) {
				edit(t, &s.challengeViews, `case "IdentificationChallenge":`, "")
			},
			kind: `stage kind "identification"`, file: "web/src/flow/challenges.tsx", says: `no case "IdentificationChallenge"`,
		},
	}
	kinds := registeredKinds(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			texts := readKindSourceTexts(t)
			tt.breakFunc(t, &texts)
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

	t.Run("Unbroken", func(t *testing.T) {
		t.Parallel()
		src := readKindSourceTexts(t).load(t)
		for _, k := range kinds {
			require.Empty(t, checkKind(src, k), "the schema files on disk, as the generated schema")
		}
	})
}
