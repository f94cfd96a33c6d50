package main

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/blueprints"
	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

// The benchmarks drive the server wired as `serve` wires it, over real
// HTTP on loopback, with production password hashing
// (credential.DefaultParams). BENCHMARKS.md records their figures.

// clientsPerCPU is how many concurrent clients each benchmark runs per
// CPU: enough to keep every core busy while requests wait on I/O.
const clientsPerCPU = 4

// bound measures argon2id verifications with every CPU verifying: the
// bound no password login can beat, since each login verifies exactly one
// password.
type bound struct {
	hasher *credential.Hasher
	hash   string
	// verifies and elapsed add up every window measured.
	verifies int64
	elapsed  time.Duration
}

func newBound(b *testing.B) *bound {
	b.Helper()
	h := credential.NewHasher(credential.DefaultParams(), 0)
	hash, err := h.Hash(context.Background(), adminPassword)
	require.NoError(b, err)
	return &bound{hasher: h, hash: hash}
}

// measure verifies on every CPU for d.
func (m *bound) measure(b *testing.B, d time.Duration) {
	var n atomic.Int64
	began := time.Now()
	deadline := began.Add(d)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				ok, _, err := m.hasher.Verify(context.Background(), adminPassword, m.hash)
				if err != nil || !ok {
					b.Error("verify failed")
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	m.verifies += n.Load()
	m.elapsed += time.Since(began)
}

// rate is verifications per second over every window measured.
func (m *bound) rate() float64 { return float64(m.verifies) / m.elapsed.Seconds() }

// interleaveBound runs while a benchmark's parallel ops run: every
// opsWindow it closes gate (in-flight ops finish, new ones wait), stops
// the benchmark timer, measures the bound for boundWindow, and opens gate
// again. The machine's speed drifts (other tenants, memory bandwidth); op
// rate and bound measured in alternating windows see the same drift. The
// caller holds gate locked and the timer stopped; interleaveBound measures
// a first window, then starts the timer and opens the gate. Closing stop
// ends it; done closes when it has.
func interleaveBound(b *testing.B, m *bound, gate *sync.RWMutex, opsWindow, boundWindow time.Duration, stop <-chan struct{}) (done <-chan struct{}) {
	m.measure(b, boundWindow)
	b.StartTimer()
	gate.Unlock()
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-stop:
				return
			case <-time.After(opsWindow):
			}
			gate.Lock()
			b.StopTimer()
			m.measure(b, boundWindow)
			b.StartTimer()
			gate.Unlock()
		}
	}()
	return finished
}

// BenchmarkArgon2idVerify is the bound: verifications per second, all CPUs.
func BenchmarkArgon2idVerify(b *testing.B) {
	h := credential.NewHasher(credential.DefaultParams(), 0)
	hash, err := h.Hash(context.Background(), adminPassword)
	require.NoError(b, err)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if ok, _, err := h.Verify(context.Background(), adminPassword, hash); err != nil || !ok {
				b.Error("verify failed")
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifies/s")
}

// BenchmarkLogin runs default-authentication-flow (identification →
// password → login: three GraphQL requests, one argon2id verification, an
// anonymous session created and rotated at login) for new visitors, over
// 64 accounts, from concurrent headless clients, and reports logins per
// second and their ratio to the argon2id bound. The bound is measured in
// one-second windows between two-second windows of logins (the timer, and
// so ns/op and logins/s, counts only the login windows), so both see the
// same machine.
func BenchmarkLogin(b *testing.B) {
	for _, backend := range backends {
		b.Run(backend, func(b *testing.B) {
			s := newTestServerHashing(b, benchEnv(b, backend), credential.DefaultParams())
			users := benchUsers(b, s, 64)
			var next atomic.Int64
			runAgainstBound(b, "logins/s", func() (func() error, error) {
				return func() error {
					// Each login is a new visitor: a new anonymous session,
					// rotated at login.
					username := users[int(next.Add(1))%len(users)]
					if v := s.headless().login(username, adminPassword); !v.Completed {
						return fmt.Errorf("login did not complete: %+v", v.Challenge)
					}
					return nil
				}, nil
			})
		})
	}
}

// runAgainstBound runs ops from clientsPerCPU clients per CPU (each
// client's op made by newClient, when the client starts), with the
// argon2id bound measured in one-second windows
// between two-second windows of ops (the timer, and so ns/op, counts only
// the op windows), and reports ops per second as unit, the bound, the ops'
// rate as a share of the bound (%bound) and the CPU one op costs as a share
// of one verification's (%verify: every op and every verification use all
// CPUs).
func runAgainstBound(b *testing.B, unit string, newClient func() (func() error, error)) {
	b.Helper()
	m := newBound(b)
	var gate sync.RWMutex
	stop := make(chan struct{})
	b.SetParallelism(clientsPerCPU)
	b.StopTimer()
	b.ResetTimer()
	gate.Lock()
	done := interleaveBound(b, m, &gate, 2*time.Second, time.Second, stop)
	b.RunParallel(func(pb *testing.PB) {
		gate.RLock()
		op, err := newClient()
		gate.RUnlock()
		if err != nil {
			b.Error(err)
			return
		}
		for pb.Next() {
			gate.RLock()
			err := op()
			gate.RUnlock()
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	close(stop)
	<-done
	b.StopTimer()
	// The timer ran only while ops could run: while the gate was closed
	// for a bound window, it was stopped.
	rate := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, unit)
	b.ReportMetric(m.rate(), "verifies/s")
	b.ReportMetric(100*rate/m.rate(), "%bound")
	b.ReportMetric(100*m.rate()/rate, "%verify")
}

// benchUsers creates n users whose password is adminPassword: logins
// spread over many accounts, as real traffic does (the attempt limits are
// per account).
func benchUsers(tb testing.TB, s *testServer, n int) []string {
	tb.Helper()
	ctx := viewer.SystemContext(context.Background())
	hash, err := credential.NewHasher(credential.DefaultParams(), 0).Hash(ctx, adminPassword)
	require.NoError(tb, err)
	names := make([]string, n)
	builders := make([]*ent.UserCreate, n)
	for i := range names {
		names[i] = fmt.Sprintf("bench-%03d", i)
		builders[i] = s.app.db.Ent.User.Create().SetUsername(names[i]).SetPasswordHash(hash)
	}
	require.NoError(tb, s.app.db.Ent.User.CreateBulk(builders...).Exec(ctx))
	return names
}

// stepsFlow has three dummy stages: every step is a challenge and a
// response, with no password to verify.
const stepsFlow = `version: 1
flow:
  slug: bench-steps
  name: Bench steps
  title: Bench steps
  designation: authentication
  stages:
    - {stage: bench-step-1, order: 1}
    - {stage: bench-step-2, order: 2}
    - {stage: bench-step-3, order: 3}
stages:
  - {name: bench-step-1, kind: dummy}
  - {name: bench-step-2, kind: dummy}
  - {name: bench-step-3, kind: dummy}
`

// BenchmarkSteps reports challenge/response steps per second: each op is
// one GraphQL request that starts an execution (and renders its first
// challenge) or answers a challenge (and renders the next).
func BenchmarkSteps(b *testing.B) {
	for _, backend := range backends {
		b.Run(backend, func(b *testing.B) {
			s := newTestServer(b, benchEnv(b, backend))
			importFlow(b, s, stepsFlow)
			b.SetParallelism(clientsPerCPU)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				c := s.headless()
				var v view
				for pb.Next() {
					if v.ID == "" || v.Completed {
						v = c.start("bench-steps")
						continue
					}
					v = c.submit(v.ID, map[string]any{"dummy": map[string]any{"continue": true}})
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
		})
	}
}

// importFlow applies a blueprint to s's database.
func importFlow(tb testing.TB, s *testServer, doc string) {
	tb.Helper()
	ctx := viewer.SystemContext(context.Background())
	tx, err := s.app.db.Ent.Tx(ctx)
	require.NoError(tb, err)
	_, err = blueprints.Import(ent.NewTxContext(ctx, tx), tx.Client(), s.app.kinds, []byte(doc))
	require.NoError(tb, err)
	require.NoError(tb, tx.Commit())
}

// benchEnv is newServerEnv without the limit on flow starts per address:
// every benchmark client comes from one.
func benchEnv(b *testing.B, backend string) serverEnv {
	b.Helper()
	env := newServerEnv(b, backend)
	env["GATEHOUSE_FLOW_STARTS_PER_IP"] = "0"
	env["GATEHOUSE_FLOW_STARTS_PER_SESSION"] = "0"
	return env
}
