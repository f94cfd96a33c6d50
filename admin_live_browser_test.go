package main

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"
)

// followLive makes failed logins for admin from inside 10.0.0.0/8, each
// from an address of its own (10.0.0.1, 10.0.0.2, …), until the live
// audit log's rows show one: the sign that its subscription is up (a
// failed login made before is missed). It returns the addresses used.
func followLive(t *testing.T, srv *testServer, rows playwright.Locator) []string {
	t.Helper()
	var ips []string
	require.Eventually(t, func() bool {
		ip := fmt.Sprintf("10.0.0.%d", len(ips)+1)
		c := srv.headless()
		c.header.Set("X-Forwarded-For", ip)
		if c.login("admin", "not-the-password").Completed {
			return false
		}
		ips = append(ips, ip)
		n, err := rows.Count()
		return err == nil && n > 0
	}, 30*time.Second, 500*time.Millisecond, "a failed login shows in the live audit log")
	return ips
}

// expectFailedLogins waits until the dashboard's failed-logins counter
// shows n and checks that the hourly chart's table (failed logins in its
// third column) adds up to the same.
func expectFailedLogins(t *testing.T, u *ui, n int) {
	t.Helper()
	require.NoError(t, u.expect.Locator(u.GetByTestId("failed-logins-24h")).ToHaveText(strconv.Itoa(n)))
	v, err := u.GetByTestId("chart-hourly-data").Evaluate(`(t) => [...t.tBodies[0].rows].reduce((s, r) => s + Number(r.cells[2].textContent), 0)`, nil)
	require.NoError(t, err)
	require.Equal(t, n, toInt(v), "the hourly chart's failed logins")
}
