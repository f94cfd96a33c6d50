package servicetest

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// DocBlock returns the first fenced code block of language lang in the
// Markdown file at path (a README's nginx or Caddyfile snippet), so that a
// test runs the documentation as written.
func DocBlock(tb testing.TB, path, lang string) string {
	tb.Helper()
	doc, err := os.ReadFile(path) //nolint:gosec // a test's own documentation file
	require.NoError(tb, err)
	_, rest, ok := strings.Cut(string(doc), "```"+lang+"\n")
	require.True(tb, ok, "%s has a %s block", path, lang)
	block, _, ok := strings.Cut(rest, "```")
	require.True(tb, ok, "%s's %s block ends", path, lang)
	return block
}
