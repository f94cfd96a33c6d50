package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestNodeClients runs clients/ (node --test): real, unmodified
// third-party GraphQL clients (graphql-request, graphql-ws, graphql-sse,
// urql, Apollo Client, graphql-codegen + tsc) against the binary, each with its documented
// configuration only — what docs/clients.md tells integrators to write
// (issue 13). It needs Node.js 20+ and npm: skipped without them, failed
// when CI=true.
func TestNodeClients(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("-short: skipping the Node.js client tests")
	}
	node := nodeTooling(t)
	dir, err := filepath.Abs("clients")
	require.NoError(t, err)
	installClients(t, dir)

	token := "gth_" + randomSecret(t)
	p := start(t, map[string]string{"GATEHOUSE_DATA_DIR": t.TempDir(), "GATEHOUSE_BOOTSTRAP_TOKEN": token})
	password := regexp.MustCompile(`Created superuser "admin" with password: (\S+)`).FindStringSubmatch(p.banner)[1]

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=spec", "--test-concurrency=1")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GATEHOUSE_URL="+p.url,
		"GATEHOUSE_TOKEN="+token,
		"GATEHOUSE_USERNAME=admin",
		"GATEHOUSE_PASSWORD="+password,
		"NO_COLOR=1",
	)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "node --test in clients/:\n%s\nserver log:\n%s", out, p.stderr.String())
	t.Logf("node --test in clients/:\n%s", out)
	// Every client's file ran: a test file that node skipped or did not
	// find would otherwise pass silently.
	for _, name := range []string{"graphql-request", "graphql-ws", "graphql-sse", "urql", "Apollo Client", "introspection", "graphql-codegen"} {
		require.Contains(t, string(out), name, "the %s tests ran", name)
	}
	require.Regexp(t, `(?m)^ℹ fail 0$`, string(out))
}

// nodeTooling returns the path of node, skipping (failing when CI=true)
// when node or npm is missing.
func nodeTooling(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = exec.LookPath("npm")
	}
	if err != nil {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatalf("Node.js and npm are needed for the client tests and CI=true: %v", err)
		}
		t.Skipf("Node.js and npm are needed for the client tests: %v (set CI=true to fail instead)", err)
	}
	return node
}

// installClients runs `npm ci` in dir unless its node_modules was
// installed from this very lock file (compared by content, as scripts/web
// does for web/).
func installClients(t *testing.T, dir string) {
	t.Helper()
	lock, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	require.NoError(t, err)
	sum := sha256.Sum256(lock)
	want := hex.EncodeToString(sum[:])
	marker := filepath.Join(dir, "node_modules", ".gatehouse-lock.sha256")
	got, err := os.ReadFile(marker)
	if err == nil && string(bytes.TrimSpace(got)) == want {
		return
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		require.NoError(t, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "npm ci in clients/:\n%s", out)
	require.NoError(t, os.WriteFile(marker, []byte(want+"\n"), 0o600))
}
