package outpost

import (
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

// TestCaddySnippet runs README.md's Caddyfile, as written (its site
// address made plain http on a free port), in a real Caddy (Debian's
// package; make test installs it: scripts/services --caddy). Without it
// the test is skipped, or fails when CI=true.
func TestCaddySnippet(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("caddy")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("caddy is not installed (scripts/services --caddy)")
		}
		t.Skip("caddy is not installed (scripts/services --caddy)")
	}
	b := setup(t, setupOpts{})
	dir := t.TempDir()
	block := strings.NewReplacer(
		"http://gatehouse.example.internal:9000", b.srv.URL,
		"http://127.0.0.1:3000", b.upstreamURL,
	).Replace(servicetest.DocBlock(t, "../README.md", "caddyfile"))
	addr := startProxy(t, dir, func(addr string) *exec.Cmd {
		_, port, err := net.SplitHostPort(addr)
		require.NoError(t, err)
		conf := "{\n\tadmin off\n\tauto_https off\n}\n" +
			strings.Replace(block, "app.example.com {", "http://app.test:"+port+" {", 1)
		confPath := filepath.Join(dir, "Caddyfile")
		require.NoError(t, os.WriteFile(confPath, []byte(conf), 0o600))
		cmd := exec.CommandContext(t.Context(), bin, "run", "--config", confPath, "--adapter", "caddyfile")
		cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
		return cmd
	})
	throughProxy(t, b, addr, func(rd string) string { return "http://app.test" + PathStart + "?rd=" + url.QueryEscape(rd) })
}
