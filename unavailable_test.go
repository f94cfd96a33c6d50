package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/authn"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

// TestRedisOutage runs the binary on PostgreSQL and a Redis of the test's
// own, and stops that Redis: requests that need it answer 503 UNAVAILABLE
// with Retry-After — a session that cannot be read is never served as
// anonymous — and the server reports itself not ready. Once Redis is back
// (from a snapshot taken before the outage) the same session works again.
func TestRedisOutage(t *testing.T) {
	t.Parallel()
	redis := servicetest.StartPrivateRedis(t)
	p := start(t, map[string]string{
		"GATEHOUSE_DATABASE_URL":       servicetest.DatabaseURL(t, dialect.Postgres).URL,
		"GATEHOUSE_REDIS_URL":          redis.URL(),
		"GATEHOUSE_SECRET_KEY":         randomSecret(t),
		"GATEHOUSE_DATA_DIR":           t.TempDir(),
		"GATEHOUSE_BOOTSTRAP_PASSWORD": adminPassword,
		"GATEHOUSE_WORKER":             "false",
	})
	user := p.headless()
	require.True(t, user.login("admin", adminPassword).Completed)
	require.Equal(t, "admin", user.viewer())
	browser := p.headless() // the same session, as a cookie
	browser.header.Set("Cookie", authn.CookieName+"="+user.session)
	require.Equal(t, "admin", browser.viewer())
	snapshot := redis.Snapshot(t)

	redis.Stop(t)
	requireUnavailable := func(what string, res gqlResult) {
		t.Helper()
		require.Equal(t, "UNAVAILABLE", res.code(), "%s: errors: %+v", what, res.Errors)
		require.Equal(t, http.StatusServiceUnavailable, res.status, what)
		require.Equal(t, authn.RetryAfter, res.header.Get("Retry-After"), what)
		require.Contains(t, []string{"", "null"}, string(res.Data), "%s: no data, in particular no anonymous viewer", what)
	}
	const viewerQuery = `{ viewer { user { username } } }`
	requireUnavailable("session header", user.do(viewerQuery, nil))
	requireUnavailable("session cookie", browser.do(viewerQuery, nil))
	requireUnavailable("startFlow", p.headless().startRaw("default-authentication-flow", ""))
	status, body := p.get("/-/health/ready")
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.JSONEq(t, `{"status":"unavailable","checks":{"database":"ok","redis":"unavailable"}}`, body)
	require.NotContains(t, p.stderr.String(), "INTERNAL_SERVER_ERROR")
	require.NotContains(t, p.stderr.String(), "graphql resolver error", "an outage is not an internal error")

	redis.Restore(t, snapshot)
	p.waitReady(t)
	require.Equal(t, "admin", user.viewer(), "the session outlived the outage")
	require.Equal(t, "admin", browser.viewer())
}

// TestRedisDataLoss runs the binary on PostgreSQL and a Redis of the
// test's own, and rolls that Redis back to a snapshot (a restore from
// backup, a failover to a lagging replica): what it lost is gone, but
// nothing a user was refused comes back — a session logged out after the
// snapshot stays logged out, an account locked after it stays locked.
func TestRedisDataLoss(t *testing.T) {
	t.Parallel()
	redis := servicetest.StartPrivateRedis(t)
	p := start(t, map[string]string{
		"GATEHOUSE_DATABASE_URL":       servicetest.DatabaseURL(t, dialect.Postgres).URL,
		"GATEHOUSE_REDIS_URL":          redis.URL(),
		"GATEHOUSE_SECRET_KEY":         randomSecret(t),
		"GATEHOUSE_DATA_DIR":           t.TempDir(),
		"GATEHOUSE_BOOTSTRAP_PASSWORD": adminPassword,
		"GATEHOUSE_WORKER":             "false",
	})
	// The binary queues no mail here (no mailer): erin is made by admin.
	admin := p.headless()
	require.True(t, admin.login("admin", adminPassword).Completed)
	admin.must(`mutation($p: String!) { createUser(input: {username: "erin", email: "erin@example.com"}, password: $p) { id } }`,
		map[string]any{"p": enrolPassword}, nil)
	loggedOut, kept := p.headless(), p.headless()
	require.True(t, loggedOut.login("admin", adminPassword).Completed)
	require.True(t, kept.login("admin", adminPassword).Completed)
	snapshot := redis.Snapshot(t)

	stolen := *loggedOut // a copy of the session ID, as a thief would keep it
	require.True(t, loggedOut.logout().Completed)
	require.Empty(t, stolen.viewer())
	for i := range 10 {
		v := p.headless().login("erin", "not her password")
		require.Equal(t, "invalid", v.Challenge.Errors[0].Code, "failure %d", i+1)
	}
	locked := p.headless().login("erin", enrolPassword)
	require.Equal(t, "rate_limited", locked.Challenge.Errors[0].Code)

	redis.Restore(t, snapshot)
	p.waitReady(t)
	res := stolen.do(`{ viewer { user { username } } }`, nil)
	require.Empty(t, res.Errors)
	require.Equal(t, http.StatusOK, res.status)
	require.Empty(t, stolen.viewer(), "the session logged out after the snapshot came back with it: refused")
	require.Equal(t, "admin", kept.viewer(), "a session live in the snapshot still works")
	again := p.headless().login("erin", enrolPassword)
	require.False(t, again.Completed)
	require.Equal(t, "rate_limited", again.Challenge.Errors[0].Code, "the lock outlived the counts")
}

// waitReady waits until the server says it is ready again (after its Redis
// came back).
func (p *process) waitReady(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	for backoff := 10 * time.Millisecond; ; backoff = min(2*backoff, 500*time.Millisecond) {
		if status, _ := p.get("/-/health/ready"); status == http.StatusOK {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("not ready again after Redis came back:\n%s", p.stderr.String())
		case <-time.After(backoff): // polling for readiness, not timing a result
		}
	}
}
