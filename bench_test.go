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

// argon2idRate measures argon2id verifications per second with every CPU
// verifying, the bound no password login can beat: each login verifies
// exactly one password.
func argon2idRate(b *testing.B, d time.Duration) float64 {
	b.Helper()
	h := credential.NewHasher(credential.DefaultParams(), 0)
	hash, err := h.Hash(context.Background(), adminPassword)
	require.NoError(b, err)
	var n atomic.Int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	began := time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				ok, _, err := h.Verify(context.Background(), adminPassword, hash)
				if err != nil || !ok {
					b.Error("verify failed")
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(n.Load()) / time.Since(began).Seconds()
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
// second and their ratio to the argon2id bound measured in the same run.
func BenchmarkLogin(b *testing.B) {
	for _, backend := range backends {
		b.Run(backend, func(b *testing.B) {
			s := newTestServerHashing(b, newServerEnv(b, backend), credential.DefaultParams())
			users := benchUsers(b, s, 64)
			var next atomic.Int64
			// The bound is measured before and after the logins and the
			// higher figure kept: the ratio errs against us.
			bound := argon2idRate(b, 3*time.Second)
			b.SetParallelism(clientsPerCPU)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					// Each login is a new visitor: a new anonymous session,
					// rotated at login.
					username := users[int(next.Add(1))%len(users)]
					if v := s.headless().login(username, adminPassword); !v.Completed {
						b.Errorf("login did not complete: %+v", v.Challenge)
						return
					}
				}
			})
			rate := float64(b.N) / b.Elapsed().Seconds()
			b.StopTimer()
			bound = max(bound, argon2idRate(b, 3*time.Second))
			b.ReportMetric(rate, "logins/s")
			b.ReportMetric(bound, "verifies/s")
			b.ReportMetric(100*rate/bound, "%bound")
		})
	}
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
			s := newTestServer(b, newServerEnv(b, backend))
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
