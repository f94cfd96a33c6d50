package expression_test

import (
	"go/parser"
	"go/token"
	"net/netip"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/policy/expression"
)

// packageDoc returns the package documentation (config.go's comment).
func packageDoc(t *testing.T) string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "config.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	require.NoError(t, err)
	require.NotNil(t, f.Doc, "config.go carries the package documentation")
	return f.Doc.Text()
}

// keyList matches a table cell that lists keys ("id, username, …").
var keyList = regexp.MustCompile(`^[a-z_]+(, [a-z_]+)*$`)

// documentedVariables reads the package documentation's table of
// variables: each variable with the keys it lists, none for a variable
// described in words.
func documentedVariables(t *testing.T) map[string][]string {
	t.Helper()
	_, table, ok := strings.Cut(packageDoc(t), "An expression sees these variables")
	require.True(t, ok, "the package documentation lists the variables")
	vars := map[string][]string{}
	started := false
	for line := range strings.Lines(table) {
		row, ok := strings.CutPrefix(line, "\t")
		if !ok {
			if started {
				break
			}
			continue
		}
		started = true
		name, rest, _ := strings.Cut(strings.TrimSpace(row), " ")
		rest = strings.TrimSpace(rest)
		vars[name] = nil
		if keyList.MatchString(rest) {
			vars[name] = strings.Split(rest, ", ")
		}
	}
	return vars
}

// evaluate runs source on req and requires that it evaluates.
func evaluate(t *testing.T, source string, req *policy.Request) policy.Outcome {
	t.Helper()
	ev, err := expression.New(&expression.Config{Expression: source})
	require.NoError(t, err, source)
	out, err := ev.Evaluate(t.Context(), req)
	require.NoError(t, err, source)
	return out
}

// superuserRequest is request() about a superuser.
func superuserRequest() *policy.Request {
	req := request()
	req.Superuser = true
	return req
}

// TestDocumentedVariables evaluates every variable, and every key of a
// variable, that the package documentation lists, for a signed-in user in
// a flow: each must be there.
func TestDocumentedVariables(t *testing.T) {
	t.Parallel()
	vars := documentedVariables(t)
	names := make([]string, 0, len(vars))
	for name := range vars {
		names = append(names, name)
	}
	require.ElementsMatch(t, expression.Variables, names, "the table lists exactly the variables")
	require.Contains(t, vars["user"], "is_superuser")

	for name, keys := range vars {
		require.True(t, evaluate(t, "size("+name+") >= 0", superuserRequest()).Passing, name)
		for _, key := range keys {
			require.True(t, evaluate(t, "has("+name+"."+key+")", superuserRequest()).Passing, "%s.%s", name, key)
		}
	}
}

func TestIsSuperuser(t *testing.T) {
	t.Parallel()
	require.True(t, evaluate(t, `user.is_superuser`, superuserRequest()).Passing)
	require.False(t, evaluate(t, `user.is_superuser`, request()).Passing)
	require.False(t, evaluate(t, `has(user.is_superuser)`, &policy.Request{}).Passing, "anonymous: user is empty")
}

// TestDocumentedExamples evaluates the examples the documentation gives:
// the package documentation's and the GraphQL schema's (which the admin
// console shows).
func TestDocumentedExamples(t *testing.T) {
	t.Parallel()
	_, example, ok := strings.Cut(packageDoc(t), "Example: ")
	require.True(t, ok, "the package documentation has an example")
	examples := []string{strings.TrimSpace(example)}

	b, err := os.ReadFile("expression.graphqls")
	require.NoError(t, err)
	description := regexp.MustCompile(`"""((?:[^"]|"[^"]|""[^"])*)"""\s*type ExpressionPolicy\b`) // the block string before the type
	code := regexp.MustCompile("e\\.g\\.\\s*`([^`]+)`")
	m := description.FindSubmatch(b)
	require.NotNil(t, m, "the GraphQL schema (expression.graphqls) describes ExpressionPolicy")
	for _, c := range code.FindAllSubmatch(m[1], -1) {
		examples = append(examples, string(c[1]))
	}
	require.Len(t, examples, 2, "one example in each place")

	// CEL's || and && absorb an error in one operand when the other
	// decides, so every example runs with each operand deciding. (For an
	// anonymous request, user is empty: the examples are about users.)
	outside := request()
	outside.Client.IP = netip.MustParseAddr("192.0.2.1")
	for _, source := range examples {
		for _, req := range []*policy.Request{superuserRequest(), request(), outside} {
			evaluate(t, source, req)
		}
	}
}
