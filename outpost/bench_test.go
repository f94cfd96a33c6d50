package outpost

import (
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// BenchmarkForwardAuthNginx measures nginx auth_request checks of a valid,
// cached session over real HTTP (keep-alive connections, as nginx keeps
// to an upstream), and proves the hot path makes no Core call.
func BenchmarkForwardAuthNginx(b *testing.B) {
	tb := setup(b, setupOpts{})
	tb.login(b, "app.test", "sid-bench", "http://app.test/")
	cookie := tb.cookieHeader(b, "http://app.test/")
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	b.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr}
	url := tb.srv.URL + PathAuthNginx
	calls := tb.core.calls.Load()

	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU(b)
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, err := http.NewRequestWithContext(b.Context(), http.MethodGet, url, nil)
			if err != nil {
				b.Error(err)
				return
			}
			req.Header.Set("X-Original-Url", "http://app.test/private/page?x=1")
			req.Header.Set("Cookie", cookie)
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.Header.Get(HeaderUsername) != "alice" {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	elapsed := time.Since(start)
	cpu := processCPU(b) - cpu0
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "checks/s")
	// The process's CPU (outpost and its HTTP clients alike) per check.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/check")
	require.Equal(b, calls, tb.core.calls.Load(), "no Core call on the hot path")
}

// BenchmarkCheck is the outpost's own cost of one check (no HTTP).
func BenchmarkCheck(b *testing.B) {
	tb := setup(b, setupOpts{})
	tb.login(b, "app.test", "sid-bench", "http://app.test/")
	cookie := tb.cookieHeader(b, "http://app.test/")
	p := tb.provider(b, provApp)
	calls := tb.core.calls.Load()
	req, err := http.NewRequestWithContext(b.Context(), http.MethodGet, "http://app.test/private", nil)
	require.NoError(b, err)
	req.Header.Set("Cookie", cookie)

	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if res := tb.outpost.check(req, p, "/private"); res.verdict != verdictAllow {
				b.Errorf("verdict %d", res.verdict)
				return
			}
		}
	})
	b.StopTimer()
	require.Equal(b, calls, tb.core.calls.Load(), "no Core call on the hot path")
}

// processCPU is the CPU time (user and system) this process has used.
func processCPU(tb testing.TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	require.NoError(tb, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
