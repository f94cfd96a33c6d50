package outpost

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

// TestNginxSnippet runs README.md's nginx configuration, as written,
// in a real nginx in front of the outpost and a tiny upstream.
func TestNginxSnippet(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		bin = "/usr/sbin/nginx"
		if _, err := os.Stat(bin); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("nginx is not installed")
			}
			t.Skip("nginx is not installed")
		}
	}
	b := setup(t, setupOpts{})
	dir := t.TempDir()
	addr := startNginx(t, bin, dir, strings.NewReplacer(
		"app.example.com", "app.test",
		"http://gatehouse.example.internal:9000", b.srv.URL,
		"http://127.0.0.1:3000", b.upstreamURL,
	).Replace(servicetest.DocBlock(t, "../README.md", "nginx")))
	throughProxy(t, b, addr, func(rd string) string { return PathStart + "?rd=" + rd })
}

// startNginx runs nginx with snippet (its "listen 80;" moved to a free
// port) in dir until the test ends, and returns its address.
func startNginx(t *testing.T, bin, dir, snippet string) string {
	t.Helper()
	return startProxy(t, dir, func(addr string) *exec.Cmd {
		var conf strings.Builder
		conf.WriteString("daemon off;\nmaster_process off;\npid " + filepath.Join(dir, "nginx.pid") + ";\n" +
			"error_log " + filepath.Join(dir, "error.log") + " warn;\nevents { worker_connections 64; }\nhttp {\n" +
			"access_log off;\n")
		for _, tmp := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
			conf.WriteString(tmp + "_temp_path " + filepath.Join(dir, tmp) + ";\n")
		}
		conf.WriteString(strings.Replace(snippet, "listen 80;", "listen "+addr+";", 1) + "}\n")
		confPath := filepath.Join(dir, "nginx.conf")
		require.NoError(t, os.WriteFile(confPath, []byte(conf.String()), 0o600))
		return exec.CommandContext(context.Background(), bin, "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", confPath)
	})
}
