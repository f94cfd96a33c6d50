package eventmatcher_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/policy/eventmatcher"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

func TestEvaluate(t *testing.T) {
	t.Parallel()
	failed := &ent.Event{
		Action: enum.EventActionLoginFailed, ClientIP: "192.0.2.7", App: "executor",
		Context: map[string]any{"username": "alice"},
	}
	inside := &ent.Event{Action: enum.EventActionLoginFailed, ClientIP: "10.1.2.3", App: "executor"}
	v6 := &ent.Event{Action: enum.EventActionLogin, ClientIP: "2001:db8::1"}
	mapped := &ent.Event{Action: enum.EventActionLogin, ClientIP: "::ffff:10.0.0.1"}
	noIP := &ent.Event{Action: enum.EventActionLoginFailed}
	modelEvent := &ent.Event{Action: enum.EventActionModelCreated, App: "graph", Context: map[string]any{"model": "notification_rule", "id": "1"}}
	tests := []struct {
		name string
		cfg  eventmatcher.Config
		ev   *ent.Event
		want bool
	}{
		{"empty config matches any event", eventmatcher.Config{}, failed, true},
		{"action matches", eventmatcher.Config{Action: new(enum.EventActionLoginFailed)}, failed, true},
		{"action differs", eventmatcher.Config{Action: new(enum.EventActionLogin)}, failed, false},
		{"inside the range", eventmatcher.Config{ClientIP: "10.0.0.0/8"}, inside, true},
		{"outside the range", eventmatcher.Config{ClientIP: "10.0.0.0/8"}, failed, false},
		{"a single address", eventmatcher.Config{ClientIP: "192.0.2.7"}, failed, true},
		{"another single address", eventmatcher.Config{ClientIP: "192.0.2.8"}, failed, false},
		{"IPv6 range", eventmatcher.Config{ClientIP: "2001:db8::/32"}, v6, true},
		{"IPv4-mapped address in an IPv4 range", eventmatcher.Config{ClientIP: "10.0.0.0/8"}, mapped, true},
		{"no client address never matches a range", eventmatcher.Config{ClientIP: "0.0.0.0/0"}, noIP, false},
		{"app matches", eventmatcher.Config{App: "executor"}, failed, true},
		{"app differs", eventmatcher.Config{App: "graph"}, failed, false},
		{"model matches", eventmatcher.Config{Model: "notification_rule"}, modelEvent, true},
		{"model differs", eventmatcher.Config{Model: "user"}, modelEvent, false},
		{"model on an event without one", eventmatcher.Config{Model: "user"}, failed, false},
		{"every condition holds", eventmatcher.Config{Action: new(enum.EventActionLoginFailed), ClientIP: "192.0.2.0/24", App: "executor"}, failed, true},
		{"one condition fails", eventmatcher.Config{Action: new(enum.EventActionLoginFailed), ClientIP: "10.0.0.0/8", App: "executor"}, failed, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := eventmatcher.New(&tt.cfg).Evaluate(t.Context(), &policy.Request{Event: tt.ev})
			require.NoError(t, err)
			require.Equal(t, tt.want, out.Passing)
		})
	}
}

func TestWithoutAnEventItFails(t *testing.T) {
	t.Parallel()
	out, err := eventmatcher.New(&eventmatcher.Config{}).Evaluate(t.Context(), &policy.Request{})
	require.NoError(t, err)
	require.False(t, out.Passing, "bound to a flow by mistake, it denies")
	require.Equal(t, []string{"No event to match."}, out.Messages)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	typedconfigtest.RunValidation(t, policy.NewKinds(eventmatcher.Definition()), eventmatcher.Kind, []typedconfigtest.Case{
		{Name: "defaults", Want: &eventmatcher.Config{}},
		{Name: "everything", Config: `{"action": "login_failed", "client_ip": "10.0.0.0/8", "app": "executor", "model": "user"}`},
		{Name: "single address", Config: `{"client_ip": "192.0.2.1"}`},
		{Name: "IPv6", Config: `{"client_ip": "2001:db8::/32"}`},
		{Name: "unknown action", Config: `{"action": "exploded"}`, Field: "action"},
		{Name: "GraphQL spelling is not the stored one", Config: `{"action": "LOGIN_FAILED"}`, Field: "action"},
		{Name: "not a CIDR", Config: `{"client_ip": "10.0.0.0/33"}`, Field: "client_ip"},
		{Name: "a host name", Config: `{"client_ip": "example.com"}`, Field: "client_ip"},
		{Name: "model in another case", Config: `{"model": "NotificationRule"}`, Field: "model"},
	})
}
