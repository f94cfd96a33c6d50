package servicetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// PrivateRedis is a redis-server of one test's own, listening on a unix
// socket in the test's temporary directory, so that the test may stop it,
// start it again or roll it back to a snapshot without touching the shared
// server other tests use. It keeps nothing on disk but what Snapshot saves.
type PrivateRedis struct {
	dir  string
	sock string

	mu  sync.Mutex
	cmd *exec.Cmd
}

// StartPrivateRedis starts a private redis-server and stops it when the test
// ends. Without a redis-server binary the test is skipped, or fails when
// CI=true (make test installs it).
func StartPrivateRedis(tb testing.TB) *PrivateRedis {
	tb.Helper()
	skipShort(tb, "a private redis-server")
	if _, err := exec.LookPath("redis-server"); err != nil {
		Unavailable(tb, "redis-server", err)
	}
	// Unix socket paths are limited to about 100 bytes: t.TempDir() may be
	// longer, so the socket lives in a short directory of its own.
	dir, err := os.MkdirTemp("", "ghr") //nolint:usetesting // tb.TempDir() paths can be too long for a unix socket
	if err != nil {
		tb.Fatalf("private redis: %v", err)
	}
	r := &PrivateRedis{dir: dir, sock: filepath.Join(dir, "redis.sock")}
	tb.Cleanup(func() {
		r.stop()
		_ = os.RemoveAll(dir)
	})
	r.Start(tb)
	return r
}

// unixNetwork is go-redis's network name for unix sockets.
const unixNetwork = "unix"

// URL is the server's address for redis.ParseURL and GATEHOUSE_REDIS_URL.
func (r *PrivateRedis) URL() string { return "unix://" + r.sock }

// Client returns a new client of the server, closed when the test ends.
func (r *PrivateRedis) Client(tb testing.TB) *redis.Client {
	tb.Helper()
	c := redis.NewClient(&redis.Options{Network: unixNetwork, Addr: r.sock})
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// OutageClient returns a new client of the server for tests that stop it:
// while the server is down each command fails at once (one dial, no
// retries), and enough failures never start go-redis's background
// re-dialer, which outlives Close by up to a second (goleak would see it).
// It is closed when the test ends.
func (r *PrivateRedis) OutageClient(tb testing.TB) *redis.Client {
	tb.Helper()
	opts, err := redis.ParseURL(r.URL())
	if err != nil {
		tb.Fatalf("private redis: %v", err)
	}
	opts.MaxRetries, opts.DialerRetries = -1, 1
	opts.PoolSize = 1000 // the re-dialer starts after PoolSize failed dials
	c := redis.NewClient(opts)
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// Start starts the server (loading the dump file if one was restored) and
// returns once it answers PING. It fails the test if it is running already.
func (r *PrivateRedis) Start(tb testing.TB) {
	tb.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cmd != nil {
		tb.Fatal("private redis: already running")
	}
	// Not tied to a context: the server outlives the call, until Stop or
	// the test's cleanup.
	cmd := exec.Command("redis-server", //nolint:gosec,noctx // fixed program, arguments of the test's own
		"--port", "0", "--unixsocket", r.sock, "--unixsocketperm", "700",
		"--dir", r.dir, "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no",
		"--logfile", filepath.Join(r.dir, "redis.log"))
	if err := cmd.Start(); err != nil {
		tb.Fatalf("private redis: start: %v", err)
	}
	r.cmd = cmd
	c := redis.NewClient(&redis.Options{Network: unixNetwork, Addr: r.sock, MaxRetries: -1})
	defer func() { _ = c.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for backoff := time.Millisecond; ; backoff = min(2*backoff, 100*time.Millisecond) {
		if err := c.Ping(ctx).Err(); err == nil {
			return
		}
		select {
		case <-ctx.Done():
			log, _ := os.ReadFile(filepath.Join(r.dir, "redis.log"))
			tb.Fatalf("private redis: no answer within 10s; log:\n%s", log)
		case <-time.After(backoff): // polling for readiness, not timing a result
		}
	}
}

// Stop stops the server at once, saving nothing; clients get connection
// errors until Start.
func (r *PrivateRedis) Stop(tb testing.TB) {
	tb.Helper()
	if !r.stop() {
		tb.Fatal("private redis: not running")
	}
}

func (r *PrivateRedis) stop() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cmd == nil {
		return false
	}
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	r.cmd = nil
	_ = os.Remove(r.sock)
	return true
}

// Snapshot saves the server's data now (SAVE) and returns a name for
// Restore.
func (r *PrivateRedis) Snapshot(tb testing.TB) string {
	tb.Helper()
	c := redis.NewClient(&redis.Options{Network: unixNetwork, Addr: r.sock})
	defer func() { _ = c.Close() }()
	if err := c.Save(context.Background()).Err(); err != nil {
		tb.Fatalf("private redis: SAVE: %v", err)
	}
	f, err := os.CreateTemp(r.dir, "snapshot-*.rdb")
	if err != nil {
		tb.Fatalf("private redis: %v", err)
	}
	_ = f.Close()
	if err := copyFile(filepath.Join(r.dir, "dump.rdb"), f.Name()); err != nil {
		tb.Fatalf("private redis: keep snapshot: %v", err)
	}
	return f.Name()
}

// Restore stops the server and starts it again from snapshot: everything
// written since the snapshot is lost, as after a restore from backup or a
// failover to a lagging replica.
func (r *PrivateRedis) Restore(tb testing.TB, snapshot string) {
	tb.Helper()
	r.stop()
	if err := copyFile(snapshot, filepath.Join(r.dir, "dump.rdb")); err != nil {
		tb.Fatalf("private redis: restore snapshot: %v", err)
	}
	r.Start(tb)
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from) //nolint:gosec // a path of the test's own
	if err != nil {
		return err
	}
	if len(b) == 0 {
		return errors.New("empty dump file")
	}
	if err := os.WriteFile(to, b, 0o600); err != nil { //nolint:gosec // paths of the test's own directory
		return fmt.Errorf("write %s: %w", to, err)
	}
	return nil
}
