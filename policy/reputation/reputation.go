// Package reputation is the policy kind that reacts to a bad reputation
// of the client's IP address and/or the identifier being logged in as. It
// only reads scores; stages record them through the top-level reputation
// package, which owns the keys, the score changes and their TTL.
//
// As in authentik, the policy PASSES when the summed score is at or below
// threshold (-5 by default): it detects bad reputation, so a flow binds it
// to a captcha or deny stage, not to a stage everyone must get through.
package reputation

import (
	"context"
	"errors"

	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/problem"
	scores "github.com/gatehouse-id/gatehouse/reputation"
)

// Kind is the policy kind's persisted name.
const Kind = "reputation"

// Definition describes the kind for the policy registry.
func Definition() policy.Kind {
	return policy.Define(Kind, func() *Config { return &Config{CheckIP: true, CheckUsername: true, Threshold: -5} },
		func(c *Config, deps policy.Deps) (policy.Evaluator, error) { return New(c, deps.Counters) })
}

// Config configures a reputation policy.
type Config struct {
	// CheckIP adds the client IP's score.
	CheckIP bool `json:"check_ip"`
	// CheckUsername adds the identifier's score.
	CheckUsername bool `json:"check_username"`
	// Threshold is the score at or below which the policy passes.
	Threshold int64 `json:"threshold"`
}

// PolicyKind implements policy.Config.
func (*Config) PolicyKind() string { return Kind }

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	if !c.CheckIP && !c.CheckUsername {
		return problem.Invalid("check_ip", "check_ip, check_username or both must be set")
	}
	return nil
}

// Evaluator is a reputation policy's evaluator; safe for concurrent use.
type Evaluator struct {
	cfg   Config
	store counter.Store
}

// New returns the evaluator of a validated cfg reading scores from store;
// it fails when store is nil.
func New(cfg *Config, store counter.Store) (*Evaluator, error) {
	if store == nil {
		return nil, errors.New("reputation policy needs a counter store")
	}
	return &Evaluator{cfg: *cfg, store: store}, nil
}

// Evaluate implements policy.Evaluator: it passes when the sum of the
// client IP's score (check_ip; skipped when the IP is unknown) and the
// identifier's score (check_username; the context's
// pending_user_identifier, else the user's username; skipped when neither)
// is at or below the threshold. A request with nothing to score sums to 0.
// Errors are the counter store's.
func (e *Evaluator) Evaluate(ctx context.Context, req *policy.Request) (policy.Outcome, error) {
	var sum int64
	if e.cfg.CheckIP {
		v, err := scores.IPScore(ctx, e.store, req.Client.IP)
		if err != nil {
			return policy.Outcome{}, err
		}
		sum += v
	}
	if e.cfg.CheckUsername {
		identifier, _ := req.Context["pending_user_identifier"].(string)
		if identifier == "" && req.User != nil {
			identifier = req.User.Username
		}
		v, err := scores.IdentifierScore(ctx, e.store, identifier)
		if err != nil {
			return policy.Outcome{}, err
		}
		sum += v
	}
	return policy.Outcome{Passing: sum <= e.cfg.Threshold}, nil
}
