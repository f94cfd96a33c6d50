// Package eventmatcher is the policy kind that decides whether an audit
// event matches: what a notification rule's bindings are made of. It reads
// the event the policy request carries (policy.Request.Event); evaluated
// for anything else (a flow, an application) it fails, so binding it there
// by mistake denies rather than lets everyone through.
//
// Every condition that is set must hold; an unset condition matches every
// event, and a config with none set matches every event.
//
//	action     the event's action (an EventAction, e.g. login_failed)
//	client_ip  a CIDR (10.0.0.0/8) or a single address the event's client
//	           address must be in; an event without one does not match
//	app        the component that recorded the event (graph, executor, …)
//	model      the model a model_created/updated/deleted event names
//	           (snake_case: user, notification_rule, …)
//
// "Outside a range" is the binding's negate over a matcher with only
// client_ip; combine it with an action matcher under the rule's
// policy_engine_mode ALL.
package eventmatcher

import (
	"context"
	"net/netip"
	"slices"
	"strings"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the policy kind's persisted name.
const Kind = "event_matcher"

// Definition describes the kind for the policy registry.
func Definition() policy.Kind {
	return policy.Define(Kind, func() *Config { return &Config{} },
		func(c *Config, _ policy.Deps) (policy.Evaluator, error) { return New(c), nil })
}

// Config configures an event matcher; every field is optional.
type Config struct {
	// Action is the event's action; nil matches every action.
	Action *enum.EventAction `json:"action,omitempty"`
	// ClientIP is a CIDR prefix, or one address, the event's client
	// address must be in; empty matches every address.
	ClientIP string `json:"client_ip"`
	// App is the component that recorded the event; empty matches every one.
	App string `json:"app"`
	// Model is the snake_case model a model event names; empty matches
	// every event.
	Model string `json:"model"`
}

// PolicyKind implements policy.Config.
func (*Config) PolicyKind() string { return Kind }

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	if c.Action != nil && !slices.Contains(enum.EventActions, *c.Action) {
		return problem.Invalid("action", "unknown event action %q", string(*c.Action))
	}
	if c.ClientIP != "" {
		if _, err := parsePrefix(c.ClientIP); err != nil {
			return problem.Invalid("client_ip", "must be a CIDR range (10.0.0.0/8) or an IP address")
		}
	}
	if len(c.App) > 200 {
		return problem.Invalid("app", "must be at most 200 characters")
	}
	if len(c.Model) > 200 || strings.ToLower(c.Model) != c.Model {
		return problem.Invalid("model", "must be a snake_case model name (user, notification_rule), at most 200 characters")
	}
	return nil
}

// parsePrefix reads a CIDR range or a single address (a /32 or /128).
func parsePrefix(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, err //nolint:wrapcheck // replaced by Validate's message
		}
		return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, err //nolint:wrapcheck // replaced by Validate's message
	}
	return p.Masked(), nil
}

// Evaluator is an event matcher's evaluator; safe for concurrent use.
type Evaluator struct {
	cfg    Config
	prefix netip.Prefix
}

// New returns the evaluator of a validated cfg.
func New(cfg *Config) *Evaluator {
	e := &Evaluator{cfg: *cfg}
	if cfg.ClientIP != "" {
		e.prefix, _ = parsePrefix(cfg.ClientIP) // validated
	}
	return e
}

// contains reports whether ip (an event's client address; empty when
// unknown) is in the matcher's range.
func (e *Evaluator) contains(ip string) bool {
	addr, err := netip.ParseAddr(ip)
	return err == nil && e.prefix.Contains(addr.Unmap())
}

// Evaluate implements policy.Evaluator: it passes when the request's
// event meets every set condition. A request without an event fails. It
// never returns an error.
func (e *Evaluator) Evaluate(_ context.Context, req *policy.Request) (policy.Outcome, error) {
	ev := req.Event
	if ev == nil {
		return policy.Outcome{Messages: []string{"No event to match."}}, nil
	}
	if e.cfg.Action != nil && ev.Action != *e.cfg.Action {
		return policy.Outcome{}, nil
	}
	if e.prefix.IsValid() && !e.contains(ev.ClientIP) {
		return policy.Outcome{}, nil
	}
	if e.cfg.App != "" && ev.App != e.cfg.App {
		return policy.Outcome{}, nil
	}
	if e.cfg.Model != "" {
		if m, _ := ev.Context[audit.KeyModel].(string); m != e.cfg.Model {
			return policy.Outcome{}, nil
		}
	}
	return policy.Outcome{Passing: true}, nil
}
