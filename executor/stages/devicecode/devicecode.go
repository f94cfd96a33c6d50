// Package devicecode is the stage where a signed-in user types the code a
// device shows (the OAuth 2.0 device authorization grant, RFC 8628; see
// package oidc/device). A valid code binds the device's authorization to
// the user and ends the flow at the provider, which checks the
// application's policies and runs its authorization flow (consent). The
// brand's device-code flow holds this stage.
//
// User codes are short, so guessing is throttled: every attempt is counted
// per user and per client address before any lookup, and past the limits
// the stage answers "rate_limited" without looking.
package devicecode

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"time"

	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/oidc/device"
)

// Kind is the stage kind's persisted name.
const Kind = "device_code"

// Field is the challenge's one field.
const Field = "code"

// Limits on code attempts: per user and per client address, each in a
// fixed window from the first attempt.
const (
	PerUser = 10
	PerIP   = 30
	Window  = 15 * time.Minute
)

// Messages and codes of the field errors.
const (
	messageInvalid = "This code is not valid or has expired. Check the code your device shows."
	messageLimited = "Too many attempts. Try again later."
	messageSignIn  = "Sign in before you connect a device."
)

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, func() *Config { return &Config{} }, New)
}

// Config configures a device code stage; it has no settings.
type Config struct{ executor.EmptyConfig }

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// Challenge asks for the code the device shows.
type Challenge struct {
	executor.ChallengeBase

	// Code is the code the verification URI carried (empty when the user
	// opened the plain URI), to be confirmed.
	Code string `json:"code"`
}

// Response answers the challenge.
type Response struct {
	// Code is the code as typed; case, spaces and dashes do not matter.
	Code string `json:"code"`
}

// ResponseKind implements executor.Response.
func (Response) ResponseKind() string { return Kind }

// Stage reads a device's user code.
type Stage struct{ deps executor.Deps }

// New builds a device code stage.
func New(_ *Config, deps executor.Deps) (executor.Stage, error) {
	return &Stage{deps: deps}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }

// Challenge implements executor.Interactive.
func (s *Stage) Challenge(_ context.Context, req *executor.Request) (executor.Challenge, error) {
	ch := &Challenge{}
	if q, err := url.ParseQuery(req.Execution.Query); err == nil {
		if code := device.Normalize(q.Get(device.UserCodeParam)); len(code) <= 32 {
			ch.Code = format(code)
		}
	}
	return ch, nil
}

// format shows a code in groups of four, as the provider issues it.
func format(code string) string {
	if len(code) != 8 {
		return code
	}
	return code[:4] + "-" + code[4:]
}

// Submit implements executor.Interactive.
func (s *Stage) Submit(ctx context.Context, req *executor.Request, resp executor.Response) (executor.Result, error) {
	r, ok := resp.(*Response)
	if !ok {
		return executor.Retry(executor.FieldError{Field: Field, Message: "expected a device code response", Code: "invalid"}), nil
	}
	if req.User == nil {
		return executor.Deny(messageSignIn), nil
	}
	if device.Normalize(r.Code) == "" {
		return executor.Retry(executor.FieldError{Field: Field, Message: "Enter the code your device shows.", Code: "required"}), nil
	}
	limited, err := s.count(ctx, req)
	if err != nil {
		return executor.Result{}, err
	}
	if limited {
		return executor.Retry(executor.FieldError{Field: Field, Message: messageLimited, Code: "rate_limited"}), nil
	}
	id, err := device.Claim(ctx, s.deps.Client, r.Code, req.User.ID, req.Now)
	if errors.Is(err, device.ErrInvalidCode) {
		return executor.Retry(executor.FieldError{Field: Field, Message: messageInvalid, Code: "invalid"}), nil
	}
	if err != nil {
		return executor.Result{}, err
	}
	return executor.RedirectTo(device.ContinueURL(id)), nil
}

// count counts an attempt per user and per client address and reports
// whether either is past its limit.
func (s *Stage) count(ctx context.Context, req *executor.Request) (bool, error) {
	n, err := s.deps.Counters.Add(ctx, userKey(req.User.ID), 1, Window, counter.Fixed)
	if err != nil {
		return false, fmt.Errorf("count device code attempt: %w", err)
	}
	if n > PerUser {
		return true, nil
	}
	if !req.Client.IP.IsValid() {
		return false, nil
	}
	n, err = s.deps.Counters.Add(ctx, ipKey(req.Client.IP), 1, Window, counter.Fixed)
	if err != nil {
		return false, fmt.Errorf("count device code attempt: %w", err)
	}
	return n > PerIP, nil
}

func userKey(id int) string { return "device_codes:user:" + strconv.Itoa(id) }

func ipKey(ip netip.Addr) string { return "device_codes:ip:" + ip.Unmap().WithZone("").String() }
