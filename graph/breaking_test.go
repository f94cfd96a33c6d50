package graph_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gatehouse-id/gatehouse/graph"
)

// The breaking-change gate. testdata/schema.released.graphql is the schema
// of the last release, whose first line names its version
// ("# Gatehouse <major>.<minor>.<patch>"). TestNoUnlistedBreakingChanges
// compares the current schema (graph.SDL) with it and fails on every
// breaking change that CHANGELOG.md does not list under a new major
// version: a "## <major>.<minor>.<patch>" heading (text may follow the
// version) whose major is above the release's, with, before the next "## "
// heading, a line starting "- " that holds the change's schema coordinate
// in backticks (- `Query.viewer` removed: ...). CHANGELOG.md's preface
// says the same. A release copies `gatehouse schema` over the released
// file and bumps its first line.
//
// Breaking (breakingChanges): a type removed or of another kind; a field,
// input field, argument, enum value, union member or implemented interface
// removed; an argument or input field that becomes non-null, or is added
// as non-null without a default; a field whose type changes other than by
// becoming non-null (outputs) or nullable (inputs). Additions are not.

// schemaChange is one breaking change: where, and what.
type schemaChange struct {
	Coordinate string // Type, Type.field, Type.field(arg:), Enum.VALUE
	What       string
}

func (c schemaChange) String() string { return "`" + c.Coordinate + "` " + c.What }

// breakingChanges lists the changes from old to current that break
// clients of old, sorted by coordinate.
func breakingChanges(old, current *ast.Schema) []schemaChange {
	var out changeList
	for name, o := range old.Types {
		if o.BuiltIn {
			continue
		}
		n := current.Types[name]
		switch {
		case n == nil:
			out.addf(name, "removed")
		case n.Kind != o.Kind:
			out.addf(name, "changed kind from %s to %s", o.Kind, n.Kind)
		default:
			out.fields(o, n)
			out.members(o, n)
		}
	}
	slices.SortFunc(out, func(a, b schemaChange) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// changeList collects breaking changes.
type changeList []schemaChange

func (l *changeList) addf(coord, format string, args ...any) {
	*l = append(*l, schemaChange{Coordinate: coord, What: fmt.Sprintf(format, args...)})
}

// fields compares the fields (or input fields) of two versions of a type.
func (l *changeList) fields(o, n *ast.Definition) {
	input := o.Kind == ast.InputObject
	for _, of := range o.Fields {
		coord := o.Name + "." + of.Name
		nf := n.Fields.ForName(of.Name)
		switch {
		case nf == nil:
			l.addf(coord, "removed")
			continue
		case input && !inputSafe(of.Type, nf.Type), !input && !outputSafe(of.Type, nf.Type):
			l.addf(coord, "changed type from %s to %s", of.Type, nf.Type)
		}
		l.arguments(coord, of.Arguments, nf.Arguments)
	}
	for _, nf := range n.Fields {
		if input && o.Fields.ForName(nf.Name) == nil && required(nf.Type, nf.DefaultValue) {
			l.addf(o.Name+"."+nf.Name, "added as a required input field")
		}
	}
}

// arguments compares the arguments of two versions of field coord.
func (l *changeList) arguments(coord string, o, n ast.ArgumentDefinitionList) {
	for _, oa := range o {
		na := n.ForName(oa.Name)
		switch {
		case na == nil:
			l.addf(coord+"("+oa.Name+":)", "removed")
		case !inputSafe(oa.Type, na.Type):
			l.addf(coord+"("+oa.Name+":)", "changed type from %s to %s", oa.Type, na.Type)
		}
	}
	for _, na := range n {
		if o.ForName(na.Name) == nil && required(na.Type, na.DefaultValue) {
			l.addf(coord+"("+na.Name+":)", "added as a required argument")
		}
	}
}

// members compares enum values, union members and interfaces.
func (l *changeList) members(o, n *ast.Definition) {
	for _, v := range o.EnumValues {
		if n.EnumValues.ForName(v.Name) == nil {
			l.addf(o.Name+"."+v.Name, "removed")
		}
	}
	for _, member := range o.Types {
		if !slices.Contains(n.Types, member) {
			l.addf(o.Name, "lost union member %s", member)
		}
	}
	for _, iface := range o.Interfaces {
		if !slices.Contains(n.Interfaces, iface) {
			l.addf(o.Name, "no longer implements %s", iface)
		}
	}
}

// outputSafe reports whether a field of type o may become n: the same,
// or non-null where o was nullable.
func outputSafe(o, n *ast.Type) bool {
	if o.NonNull && !n.NonNull {
		return false
	}
	if o.Elem != nil || n.Elem != nil {
		return o.Elem != nil && n.Elem != nil && outputSafe(o.Elem, n.Elem)
	}
	return o.NamedType == n.NamedType
}

// inputSafe reports whether an argument or input field of type o may
// become n: the same, or nullable where o was non-null.
func inputSafe(o, n *ast.Type) bool {
	if !o.NonNull && n.NonNull {
		return false
	}
	if o.Elem != nil || n.Elem != nil {
		return o.Elem != nil && n.Elem != nil && inputSafe(o.Elem, n.Elem)
	}
	return o.NamedType == n.NamedType
}

// required reports whether an input of type t and default def must be
// given.
func required(t *ast.Type, def *ast.Value) bool { return t.NonNull && def == nil }

func loadSDL(t *testing.T, name, sdl string) *ast.Schema {
	t.Helper()
	s, err := gqlparser.LoadSchema(&ast.Source{Name: name, Input: sdl})
	require.NoError(t, err, name)
	return s
}

var (
	releasedVersion = regexp.MustCompile(`^# Gatehouse (\d+)\.\d+\.\d+\s*$`)
	versionHeading  = regexp.MustCompile(`^## v?(\d+)\.\d+\.\d+\b`)
)

// majorsListing returns, for each coordinate listed in changelog under a
// version heading, the majors whose sections list it.
func majorsListing(t *testing.T, changelog string) map[string][]int {
	t.Helper()
	out := map[string][]int{}
	major := -1
	coord := regexp.MustCompile("`([^`]+)`")
	sc := bufio.NewScanner(strings.NewReader(changelog))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			major = -1
			if m := versionHeading.FindStringSubmatch(line); m != nil {
				major, _ = strconv.Atoi(m[1])
			}
			continue
		}
		if major < 0 || !strings.HasPrefix(line, "- ") {
			continue
		}
		for _, m := range coord.FindAllStringSubmatch(line, -1) {
			out[m[1]] = append(out[m[1]], major)
		}
	}
	require.NoError(t, sc.Err())
	return out
}

// unlisted returns the changes that changelog does not list under a major
// above released.
func unlisted(t *testing.T, changes []schemaChange, changelog string, released int) []schemaChange {
	t.Helper()
	listed := majorsListing(t, changelog)
	var out []schemaChange
	for _, c := range changes {
		if !slices.ContainsFunc(listed[c.Coordinate], func(m int) bool { return m > released }) {
			out = append(out, c)
		}
	}
	return out
}

// TestNoUnlistedBreakingChanges is the gate: see the comment at the top.
func TestNoUnlistedBreakingChanges(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("testdata", "schema.released.graphql"))
	require.NoError(t, err)
	first, _, _ := strings.Cut(string(raw), "\n")
	m := releasedVersion.FindStringSubmatch(first)
	require.NotNil(t, m, "the released schema's first line is # Gatehouse <version>")
	released, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	changelog, err := os.ReadFile(filepath.Join("..", "CHANGELOG.md"))
	require.NoError(t, err)

	changes := breakingChanges(loadSDL(t, "schema.released.graphql", string(raw)), loadSDL(t, "current", graph.SDL()))
	missing := unlisted(t, changes, string(changelog), released)
	require.Empty(t, missing, "breaking API changes since %s not listed in CHANGELOG.md under a new major version", first)
}

func TestBreakingChanges(t *testing.T) {
	t.Parallel()
	const base = `
type Query { user(id: ID!, filter: String): User  users: [User!]!  search: SearchResult  node: Node }
interface Node { id: ID! }
type User implements Node { id: ID!  name: String  role: Role! }
type Group { id: ID! }
union SearchResult = User | Group
enum Role { ADMIN MEMBER }
input UserInput { name: String  role: Role! }
type Mutation { createUser(input: UserInput!): User }
`
	for _, c := range []struct {
		name, from, to string
		want           []string
	}{
		{"type removed", "type Group { id: ID! }\nunion SearchResult = User | Group", "union SearchResult = User", []string{"`Group` removed", "`SearchResult` lost union member Group"}},
		{"kind changed", "enum Role { ADMIN MEMBER }", "scalar Role", []string{"`Role` changed kind from ENUM to SCALAR"}},
		{"field removed", "name: String  role: Role!", "role: Role!", []string{"`User.name` removed"}},
		{"argument removed", "user(id: ID!, filter: String)", "user(id: ID!)", []string{"`Query.user(filter:)` removed"}},
		{"argument becomes non-null", "user(id: ID!, filter: String)", "user(id: ID!, filter: String!)", []string{"`Query.user(filter:)` changed type from String to String!"}},
		{"required argument added", "user(id: ID!, filter: String)", "user(id: ID!, filter: String, limit: Int!)", []string{"`Query.user(limit:)` added as a required argument"}},
		{"enum value removed", "enum Role { ADMIN MEMBER }", "enum Role { ADMIN }", []string{"`Role.MEMBER` removed"}},
		{"union member removed", "union SearchResult = User | Group", "union SearchResult = User", []string{"`SearchResult` lost union member Group"}},
		{"interface removed", "type User implements Node {", "type User {", []string{"`User` no longer implements Node"}},
		{"input field becomes non-null", "input UserInput { name: String ", "input UserInput { name: String! ", []string{"`UserInput.name` changed type from String to String!"}},
		{"required input field added", "input UserInput { name: String ", "input UserInput { name: String  age: Int! ", []string{"`UserInput.age` added as a required input field"}},
		{"input field removed", "input UserInput { name: String  role: Role! }", "input UserInput { role: Role! }", []string{"`UserInput.name` removed"}},
		{"field becomes nullable", "users: [User!]!", "users: [User!]", []string{"`Query.users` changed type from [User!]! to [User!]"}},
		{"list item becomes nullable", "users: [User!]!", "users: [User]!", []string{"`Query.users` changed type from [User!]! to [User]!"}},
		{"field type changed", "name: String  role", "name: Int  role", []string{"`User.name` changed type from String to Int"}},
		{"field no longer a list", "users: [User!]!", "users: User!", []string{"`Query.users` changed type from [User!]! to User!"}},

		{
			"additions are compatible", "type Group { id: ID! }",
			"type Group { id: ID!  name: String }\ntype Team { id: ID! }\nextend enum Role { GUEST }\nextend union SearchResult = Team\nextend input UserInput { nick: String  age: Int! = 0 }", nil,
		},
		{"optional argument added", "user(id: ID!, filter: String)", "user(id: ID!, filter: String, limit: Int = 10, after: String)", nil},
		{"field becomes non-null", "name: String  role", "name: String!  role", nil},
		{"argument becomes nullable", "user(id: ID!,", "user(id: ID,", nil},
		{"input field becomes nullable", "role: Role! }\ntype Mutation", "role: Role }\ntype Mutation", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			require.Contains(t, base, c.from)
			changed := strings.Replace(base, c.from, c.to, 1)
			got := breakingChanges(loadSDL(t, "old", base), loadSDL(t, "new", changed))
			var texts []string
			for _, g := range got {
				texts = append(texts, g.String())
			}
			require.Equal(t, c.want, texts)
		})
	}
}

func TestChangelogListing(t *testing.T) {
	t.Parallel()
	changes := []schemaChange{{"Query.old", "removed"}, {"Role.GUEST", "removed"}}
	const changelog = `# Changelog

## Unreleased
- ` + "`Role.GUEST`" + ` removed (not a version heading)

## 2.0.0 (unreleased)

### Breaking API changes
- ` + "`Query.old`" + ` removed: use Query.new

## 1.4.0
- ` + "`Role.GUEST`" + ` removed (a minor version)
`
	require.Equal(t, []schemaChange{{"Role.GUEST", "removed"}}, unlisted(t, changes, changelog, 1))
	require.Equal(t, changes, unlisted(t, changes, changelog, 2), "2.0.0 is not new after 2.x")
	require.Empty(t, unlisted(t, changes[:1], changelog, 0))
}
