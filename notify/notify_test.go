package notify_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/notify"
)

func TestPublic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ip   string
		want bool
	}{
		{"203.0.113.9", true},
		{"8.8.8.8", true},
		{"2001:4860:4860::8888", true},
		{"127.0.0.1", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"fe80::1", false},
		{"fc00::1", false},
		{"0.0.0.0", false},
		{"::", false},
		{"100.64.0.1", false},
		{"224.0.0.1", false},
		{"::ffff:127.0.0.1", false}, // IPv4-mapped loopback
		{"::ffff:10.0.0.1", false},
		{"64:ff9b::a00:1", false}, // NAT64 of 10.0.0.1
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, notify.Public(netip.MustParseAddr(tt.ip)))
		})
	}
}

func TestSign(t *testing.T) {
	t.Parallel()
	// HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), a published vector.
	require.Equal(t, "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
		notify.Sign("key", []byte("The quick brown fox jumps over the lazy dog")))
}

func TestBody(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	ev := &ent.Event{
		ID: 7, Action: enum.EventActionLoginFailed, ClientIP: "203.0.113.9", App: "executor", CreatedAt: at,
		Context: map[string]any{
			"username": "mallory", "flow": "login", "password": "hunter2", "api_token": "t",
			"nested": map[string]any{"otp_code": "123456", "ok": "yes"},
		},
	}
	rule := &ent.NotificationRule{Name: "failed logins", Severity: enum.NotificationSeverityWarning}
	require.Equal(t, map[string]any{
		"event": map[string]any{
			"id": "7", "action": "LOGIN_FAILED", "username": "mallory", "clientIp": "203.0.113.9", "app": "executor",
			"context":   map[string]any{"username": "mallory", "flow": "login", "nested": map[string]any{"ok": "yes"}},
			"createdAt": "2026-12-03T08:00:00Z",
		},
		"rule":     "failed logins",
		"severity": "WARNING",
	}, notify.Body(ev, rule, nil))
	withUser := notify.Body(ev, rule, &ent.User{Username: "ann", Email: "ann@example.com"})
	require.Equal(t, map[string]any{"username": "ann", "email": "ann@example.com"}, withUser["recipient"])

	ev.Username = "alice"
	require.Equal(t, "alice", notify.Username(ev), "the acting user comes first")
	require.Equal(t, "LOGIN_FAILED by alice from 203.0.113.9", notify.Summary(ev))
}

func TestMapping(t *testing.T) {
	t.Parallel()
	_, err := notify.Mapping(`{"text": body.rule}`)
	require.NoError(t, err)
	_, err = notify.Mapping(`"just a string"`)
	require.ErrorContains(t, err, "must produce a map")
	_, err = notify.Mapping(`{"text": `)
	require.Error(t, err)
}

func TestDeliveryID(t *testing.T) {
	t.Parallel()
	id := notify.DeliveryID(1, 2, 3)
	require.Len(t, id, 32)
	require.Equal(t, id, notify.DeliveryID(1, 2, 3), "stable")
	require.NotEqual(t, id, notify.DeliveryID(1, 2, 0))
	require.NotEqual(t, id, notify.DeliveryID(1, 3, 3))
}
