package notify

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
)

// Notifiable reports whether ev may be notified at all. What the
// notification system itself causes is not: the EMAIL_SENT event of a
// notification mail. With the rest of the design (matching records no
// policy events, failing transports are shown on the transport, not in
// the audit log) nothing a delivery does can match a rule: no loops.
func Notifiable(ev *ent.Event) bool {
	if !notifiableAction(ev.Action) {
		return false
	}
	if ev.Action == enum.EventActionEmailSent {
		if t, _ := ev.Context["template"].(string); t == jobargs.TemplateNotification {
			return false
		}
	}
	return true
}

// notifiableAction is the cheap part of Notifiable, decided on the action
// alone. Every action may be notified today; the notification mails'
// EMAIL_SENT events are told apart by their context.
func notifiableAction(enum.EventAction) bool { return true }

// sensitiveKeys are parts of context keys that are never sent, at any
// depth. Events do not store secrets; this is the second line.
var sensitiveKeys = []string{"password", "secret", "token", "otp", "code", "key"}

// scrub returns a copy of m without keys that name secrets.
func scrub(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		lower := strings.ToLower(k)
		drop := false
		for _, s := range sensitiveKeys {
			if strings.Contains(lower, s) {
				drop = true
				break
			}
		}
		if drop {
			continue
		}
		if inner, ok := v.(map[string]any); ok {
			v = scrub(inner)
		}
		out[k] = v
	}
	return out
}

// Username is who an event is about: the acting user, or for an event
// without one (a failed login) the identifier that was typed.
func Username(ev *ent.Event) string {
	if ev.Username != "" {
		return ev.Username
	}
	s, _ := ev.Context["username"].(string)
	return s
}

// Event is the event as notifications show it: the fields of the
// webhook body's "event", with the action and severity in their GraphQL
// spelling. The context is the event's stored context, scrubbed.
func Event(ev *ent.Event) map[string]any {
	return map[string]any{
		"id":        strconv.Itoa(ev.ID),
		"action":    strings.ToUpper(string(ev.Action)),
		"username":  Username(ev),
		"clientIp":  ev.ClientIP,
		"app":       ev.App,
		"context":   scrub(ev.Context),
		"createdAt": ev.CreatedAt.UTC().Format(time.RFC3339Nano),
	}
}

// Body is the JSON document a webhook receives for ev matched by rule:
// {"event": Event(ev), "rule": name, "severity": "WARNING"}, plus
// "recipient" {username, email} when the delivery is for one member of
// the rule's group.
func Body(ev *ent.Event, rule *ent.NotificationRule, recipient *ent.User) map[string]any {
	body := map[string]any{
		"event":    Event(ev),
		"rule":     rule.Name,
		"severity": strings.ToUpper(string(rule.Severity)),
	}
	if recipient != nil {
		body["recipient"] = map[string]any{"username": recipient.Username, "email": recipient.Email}
	}
	return body
}

// Summary is a one-line description of ev for mail subjects and stored
// notifications.
func Summary(ev *ent.Event) string {
	s := strings.ToUpper(string(ev.Action))
	if u := Username(ev); u != "" {
		s += " by " + u
	}
	if ev.ClientIP != "" {
		s += " from " + ev.ClientIP
	}
	return s
}

// Details is the event's context as "key: value" lines (scrubbed), for
// mails.
func Details(ev *ent.Event) string {
	ctx := scrub(ev.Context)
	keys := make([]string, 0, len(ctx))
	for k := range ctx {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "time: %s\n", ev.CreatedAt.UTC().Format(time.RFC3339))
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %v\n", k, ctx[k])
	}
	return b.String()
}
