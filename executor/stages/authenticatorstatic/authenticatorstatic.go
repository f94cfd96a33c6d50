// Package authenticatorstatic is the stage where a user gets recovery
// codes (package mfa/recovery): it shows a new set of codes once and
// saves them, hashed, when the user confirms they have kept them,
// replacing any set the user had. The pending codes live sealed in the
// stage's state in the execution (a reload shows the same codes); once
// saved they are never shown again.
//
// The user is the signed-in user, or the pending user an
// authenticator_validate stage sent here to set up a missing second
// factor at login (executor.Request.DeviceUser).
package authenticatorstatic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/mfa/recovery"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the stage kind's persisted name.
const Kind = "authenticator_static"

// Field is the response's one field.
const Field = "confirm"

// DefaultFriendlyName is the default name of a set of codes.
const DefaultFriendlyName = "Recovery codes"

// PendingPurpose names the key that seals pending codes in the execution.
const PendingPurpose = "gatehouse recovery codes pending v1"

// Messages of the field errors and denials.
const (
	messageConfirm = "Confirm that you have saved your recovery codes."
	messageSignIn  = "Sign in before you set up recovery codes."
)

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, func() *Config {
		return &Config{TokenCount: recovery.DefaultCount, FriendlyName: DefaultFriendlyName}
	}, New)
}

// Config configures an authenticator_static stage.
type Config struct {
	// TokenCount is how many codes a set has.
	TokenCount int `json:"token_count"`
	// FriendlyName is the name a new set is saved with.
	FriendlyName string `json:"friendly_name"`
}

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	if c.TokenCount < 1 || c.TokenCount > recovery.MaxCount {
		return problem.Invalid("token_count", "must be between 1 and %d", recovery.MaxCount)
	}
	if n := len([]rune(strings.TrimSpace(c.FriendlyName))); n == 0 || n > 100 {
		return problem.Invalid("friendly_name", "must be 1 to 100 characters")
	}
	return nil
}

// Challenge shows the new codes.
type Challenge struct {
	executor.ChallengeBase

	// Codes are the recovery codes, formatted "abcde-fghij".
	Codes []string `json:"codes"`
}

// Response answers the challenge.
type Response struct {
	// Confirm says the user has kept the codes; false is asked again.
	Confirm bool `json:"confirm"`
}

// ResponseKind implements executor.Response.
func (Response) ResponseKind() string { return Kind }

// state is the stage's private state: the pending codes, sealed for
// their user.
type state struct {
	UserID int    `json:"user_id"`
	Sealed []byte `json:"sealed_codes"`
}

// Stage issues recovery codes.
type Stage struct {
	cfg  *Config
	deps executor.Deps
}

// New builds an authenticator_static stage.
func New(cfg *Config, deps executor.Deps) (executor.Stage, error) {
	return &Stage{cfg: cfg, deps: deps}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }

func sealedFor(userID int) []byte { return []byte("recovery:pending:user:" + strconv.Itoa(userID)) }

// Skip implements executor.Skipper. It never skips: it denies a flow
// without a user, and otherwise makes the pending codes (once: a later
// visit keeps them) before the challenge is shown.
func (s *Stage) Skip(ctx context.Context, req *executor.Request) (executor.Result, bool, error) {
	u, err := req.DeviceUser(ctx, s.deps.Client)
	if err != nil {
		return executor.Result{}, false, err
	}
	if u == nil {
		return executor.Deny(messageSignIn), true, nil
	}
	var st state
	ok, err := req.LoadState(&st)
	if err != nil {
		return executor.Result{}, false, err
	}
	if ok && st.UserID == u.ID && st.Sealed != nil {
		return executor.Result{}, false, nil
	}
	codes, err := recovery.Generate(s.cfg.TokenCount)
	if err != nil {
		return executor.Result{}, false, err
	}
	plain, err := json.Marshal(codes)
	if err != nil {
		return executor.Result{}, false, fmt.Errorf("authenticator_static: %w", err)
	}
	box, err := s.deps.Secrets.Box(PendingPurpose)
	if err != nil {
		return executor.Result{}, false, fmt.Errorf("authenticator_static: %w", err)
	}
	sealed, err := box.Seal(plain, sealedFor(u.ID))
	if err != nil {
		return executor.Result{}, false, err
	}
	return executor.Result{}, false, req.SaveState(state{UserID: u.ID, Sealed: sealed})
}

// pending returns the pending codes of userID.
func (s *Stage) pending(req *executor.Request, userID int) ([]string, error) {
	var st state
	ok, err := req.LoadState(&st)
	if err != nil {
		return nil, err
	}
	if !ok || st.UserID != userID || st.Sealed == nil {
		return nil, errors.New("authenticator_static: no pending codes for this user")
	}
	box, err := s.deps.Secrets.Box(PendingPurpose)
	if err != nil {
		return nil, fmt.Errorf("authenticator_static: %w", err)
	}
	plain, err := box.Open(st.Sealed, sealedFor(userID))
	if err != nil {
		return nil, fmt.Errorf("authenticator_static: %w", err)
	}
	var codes []string
	if err := json.Unmarshal(plain, &codes); err != nil {
		return nil, fmt.Errorf("authenticator_static: %w", err)
	}
	return codes, nil
}

// Challenge implements executor.Interactive.
func (s *Stage) Challenge(ctx context.Context, req *executor.Request) (executor.Challenge, error) {
	u, err := req.DeviceUser(ctx, s.deps.Client)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, errors.New("authenticator_static: no user")
	}
	codes, err := s.pending(req, u.ID)
	if err != nil {
		return nil, err
	}
	return &Challenge{Codes: codes}, nil
}

// Submit implements executor.Interactive: a confirmation saves the codes,
// replacing the user's earlier set.
func (s *Stage) Submit(ctx context.Context, req *executor.Request, resp executor.Response) (executor.Result, error) {
	r, ok := resp.(*Response)
	if !ok || !r.Confirm {
		return executor.Retry(executor.FieldError{Field: Field, Message: messageConfirm, Code: "required"}), nil
	}
	u, err := req.DeviceUser(ctx, s.deps.Client)
	if err != nil {
		return executor.Result{}, err
	}
	if u == nil {
		return executor.Deny(messageSignIn), nil
	}
	codes, err := s.pending(req, u.ID)
	if err != nil {
		return executor.Result{}, err
	}
	key, err := s.deps.Secrets.Derive(recovery.Purpose)
	if err != nil {
		return executor.Result{}, fmt.Errorf("authenticator_static: %w", err)
	}
	dev, replaced, err := recovery.New(s.deps.Client, key, s.deps.Now).
		Replace(ctx, u.ID, strings.TrimSpace(s.cfg.FriendlyName), codes)
	if err != nil {
		return executor.Result{}, err
	}
	if err := req.SaveState(state{UserID: u.ID}); err != nil { // the codes are never shown again
		return executor.Result{}, err
	}
	record(ctx, s.deps, u, dev, replaced)
	return executor.Next(), nil
}

// record audits the new set (and the one it replaced).
func record(ctx context.Context, deps executor.Deps, u *ent.User, dev *ent.StaticDevice, replaced bool) {
	data := map[string]any{
		"user_id": strconv.Itoa(u.ID), "username": u.Username,
		"device_class": "static", "device_id": strconv.Itoa(dev.ID), "name": dev.Name,
	}
	if replaced {
		deps.RecordAs(ctx, u, enum.EventActionMFADeviceRemoved, map[string]any{
			"user_id": strconv.Itoa(u.ID), "username": u.Username, "device_class": "static", "reason": "replaced",
		})
	}
	deps.RecordAs(ctx, u, enum.EventActionMFADeviceAdded, data)
}
