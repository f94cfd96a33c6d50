package servicetest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Nginx is a private nginx of one test, from Debian's package (make test
// installs it: scripts/services --nginx).
type Nginx struct {
	// Addr is the host:port it listens on (127.0.0.1).
	Addr string
}

// nginxBinary is where Debian installs nginx (not on a normal user's PATH).
const nginxBinary = "/usr/sbin/nginx"

// StartNginx starts nginx with servers — the server blocks (and anything
// else that belongs in nginx's http block) of the configuration, in which
// every "{{LISTEN}}" is replaced by the address it listens on — and stops
// it when the test ends. Without nginx the test is skipped, or fails when
// CI=true.
func StartNginx(tb testing.TB, servers string) *Nginx {
	tb.Helper()
	skipShort(tb, "nginx")
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if _, statErr := os.Stat(nginxBinary); statErr != nil {
			Unavailable(tb, "nginx", err)
		}
		bin = nginxBinary
	}
	dir := tb.TempDir()
	for _, sub := range []string{"logs", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			tb.Fatalf("nginx: %v", err)
		}
	}
	addr := freeAddr(tb)
	conf := fmt.Sprintf(`worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/logs/error.log notice;
events { worker_connections 256; }
http {
  access_log %[1]s/logs/access.log;
  client_body_temp_path %[1]s/tmp/body;
  proxy_temp_path %[1]s/tmp/proxy;
  fastcgi_temp_path %[1]s/tmp/fastcgi;
  uwsgi_temp_path %[1]s/tmp/uwsgi;
  scgi_temp_path %[1]s/tmp/scgi;
%[2]s
}
`, dir, strings.ReplaceAll(servers, "{{LISTEN}}", addr))
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		tb.Fatalf("nginx: %v", err)
	}
	// Not tied to a context: nginx outlives this call, until the cleanup.
	cmd := exec.Command(bin, "-p", dir, "-c", path, "-g", "daemon off;") //nolint:gosec,noctx // fixed program, the test's own configuration
	if err := cmd.Start(); err != nil {
		tb.Fatalf("nginx: start: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	tb.Cleanup(func() {
		// SIGTERM: a fast shutdown that takes the worker with it (SIGKILL
		// would leave the worker behind, holding the port).
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			_ = err // its exit status says nothing after SIGTERM
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
		if tb.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "logs", "error.log")) //nolint:gosec // the test's own temporary directory
			tb.Logf("nginx error log:\n%s", log)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for backoff := time.Millisecond; ; backoff = min(2*backoff, 100*time.Millisecond) {
		if c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr); err == nil {
			_ = c.Close()
			return &Nginx{Addr: addr}
		}
		select {
		case err := <-exited:
			log, _ := os.ReadFile(filepath.Join(dir, "logs", "error.log")) //nolint:gosec // the test's own temporary directory
			tb.Fatalf("nginx exited: %v\n%s", err, log)
		case <-ctx.Done():
			tb.Fatalf("nginx: not listening on %s within 10s", addr)
		case <-time.After(backoff): // polling for readiness, not timing a result
		}
	}
}

// freeAddr returns a loopback address with a port nothing listens on now.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("free port: %v", err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}
