package devices_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/mfa/devices"
	"github.com/gatehouse-id/gatehouse/session"
)

func TestFresh(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name    string
		session *session.Session
		want    bool
	}{
		{"no session (an API token)", nil, false},
		{"password only", &session.Session{CreatedAt: now, Methods: []string{"password"}}, false},
		{"password and an authenticator app", &session.Session{CreatedAt: now.Add(-time.Minute), Methods: []string{"password", "totp"}}, true},
		{"a recovery code", &session.Session{CreatedAt: now, Methods: []string{"password", "static"}}, true},
		{"a security key", &session.Session{CreatedAt: now, Methods: []string{"password", "webauthn"}}, true},
		{"a passkey login", &session.Session{CreatedAt: now, Methods: []string{"passkey"}}, true},
		{"exactly the window ago", &session.Session{CreatedAt: now.Add(-devices.FreshWindow), Methods: []string{"totp"}}, true},
		{"stale: eleven minutes ago", &session.Session{CreatedAt: now.Add(-11 * time.Minute), Methods: []string{"password", "totp"}}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, c.want, devices.Fresh(c.session, now))
		})
	}
}
