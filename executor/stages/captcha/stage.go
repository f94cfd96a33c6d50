package captcha

import (
	"context"
	"strings"

	"github.com/gatehouse-id/gatehouse/executor"
)

// Challenge asks the client to pass the check.
type Challenge struct {
	executor.ChallengeBase

	// Provider sets the check.
	Provider Provider `json:"provider"`
	// SiteKey is the third-party widget's public key; empty for POW.
	SiteKey string `json:"site_key"`
	// Challenge is the proof of work's string (POW); empty otherwise.
	Challenge string `json:"challenge"`
	// Difficulty is the leading zero bits the proof of work needs (POW);
	// 0 otherwise.
	Difficulty int `json:"difficulty"`
	// ScriptURL is the third-party widget's script; empty for POW.
	ScriptURL string `json:"script_url"`
}

// Response carries the answer: the proof of work's nonce, or the
// third-party widget's token.
type Response struct {
	Token string `json:"token"`
}

// ResponseKind implements executor.Response.
func (Response) ResponseKind() string { return Kind }

// Field errors of the stage's answers.
var (
	// ErrRequired answers an empty or oversized token.
	ErrRequired = executor.FieldError{Field: "token", Message: "Complete the check to continue.", Code: "required"}
	// ErrFailed answers a token that does not pass.
	ErrFailed = executor.FieldError{Field: "token", Message: "The check did not pass. Try again.", Code: "invalid"}
)

// state is the stage's private state in the execution.
type state struct {
	// Attempt counts the submits so far; the proof of work's challenge
	// is derived from it.
	Attempt int `json:"attempt"`
}

// Stage runs a captcha.
type Stage struct {
	cfg *Config
}

// New builds a captcha stage.
func New(cfg *Config, _ executor.Deps) (executor.Stage, error) {
	return &Stage{cfg: cfg}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }

// attempt reads how many submits the stage has had in req's execution.
func attempt(req *executor.Request) (int, error) {
	var st state
	if _, err := req.LoadState(&st); err != nil {
		return 0, err
	}
	return st.Attempt, nil
}

// Challenge implements executor.Interactive. It only reads the execution.
func (s *Stage) Challenge(_ context.Context, req *executor.Request) (executor.Challenge, error) {
	if s.cfg.Provider.thirdParty() {
		return &Challenge{Provider: s.cfg.Provider, SiteKey: s.cfg.SiteKey, ScriptURL: s.cfg.scriptURL()}, nil
	}
	n, err := attempt(req)
	if err != nil {
		return nil, err
	}
	ch, err := powChallenge(req.Execution.ID, req.Entry.Position, n)
	if err != nil {
		return nil, err
	}
	return &Challenge{Provider: ProviderPOW, Challenge: ch, Difficulty: s.cfg.Difficulty}, nil
}

// Submit implements executor.Interactive. A proof of work's challenge is
// used up by every submit, right or wrong, so a wrong answer is shown a
// new one. A third-party token is checked with the provider; an endpoint
// that does not answer is a problem.Unavailable error.
func (s *Stage) Submit(ctx context.Context, req *executor.Request, resp executor.Response) (executor.Result, error) {
	r, ok := resp.(*Response)
	if s.cfg.Provider.thirdParty() {
		if !ok || r.Token == "" || len(r.Token) > MaxTokenBytes {
			return executor.Retry(ErrRequired), nil
		}
		return s.judge(ctx, req, r.Token)
	}
	n, err := attempt(req)
	if err != nil {
		return executor.Result{}, err
	}
	ch, err := powChallenge(req.Execution.ID, req.Entry.Position, n)
	if err != nil {
		return executor.Result{}, err
	}
	if err := req.SaveState(state{Attempt: n + 1}); err != nil {
		return executor.Result{}, err
	}
	switch {
	case !ok || r.Token == "" || len(r.Token) > MaxNonceBytes:
		return executor.Retry(ErrRequired), nil
	case !Solves(ch, r.Token, s.cfg.Difficulty):
		return executor.Retry(ErrFailed), nil
	default:
		return executor.Next(), nil
	}
}

// judge checks a third-party token. reCAPTCHA v3 must also give at least
// MinScore for the action the frontend names, the flow's designation.
func (s *Stage) judge(ctx context.Context, req *executor.Request, token string) (executor.Result, error) {
	v, err := s.cfg.verify(ctx, token, req.Client.IP)
	if err != nil {
		return executor.Result{}, err
	}
	if !v.Success {
		return executor.Retry(ErrFailed), nil
	}
	if s.cfg.Provider == ProviderRecaptchaV3 {
		if v.Score == nil || *v.Score < s.cfg.MinScore {
			return executor.Retry(ErrFailed), nil
		}
		if want := Action(req.Flow); v.Action != want {
			return executor.Retry(ErrFailed), nil
		}
	}
	return executor.Next(), nil
}

// Action is the reCAPTCHA v3 action a client executes with in flow: the
// flow's designation in lower case ("enrollment"), which reCAPTCHA's
// console reports separately.
func Action(flow executor.FlowInfo) string {
	return strings.ToLower(string(flow.Designation))
}
