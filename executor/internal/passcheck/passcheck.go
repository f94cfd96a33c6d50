// Package passcheck verifies a password for a login attempt, for the
// password stage and the identification stage's embedded password field
// (stages never import each other; both use this).
//
// Every attempt is counted, before it is checked, in a counter per
// account (per typed identifier when it names no one) and one per client
// address, in a fixed window; a success
// gives its count back. Past either limit the attempt is refused as
// Throttled — whatever the password, and without spending a hash on it.
// The failure that uses up an account's budget also locks it for the
// window in a durable store (Lockouts), so that losing the counters
// (a Redis restored from an old snapshot) does not reopen it.
// An unknown identifier or an inactive user costs exactly what a real
// check costs (a dummy argon2id verification), so neither existence
// nor state shows in the response or its timing. Failures also lower the
// reputation of the address and the identifier.
package passcheck

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/token"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/reputation"
)

// Backend names of password sources.
const (
	BackendInbuilt     = "inbuilt"
	BackendAppPassword = "app_password"
)

// Auth methods recorded in the execution context.
const (
	MethodPassword    = "password"
	MethodAppPassword = "app_password"
)

// Limits bound failed attempts.
type Limits struct {
	// PerAccount failures per account (or per identifier that names no
	// account) within Window.
	PerAccount int64
	// PerIP failures per client address within Window.
	PerIP int64
	// Window is the fixed window, from the first failure.
	Window time.Duration
}

// DefaultLimits allow 10 failures per identifier and 50 per address in 15 minutes.
var DefaultLimits = Limits{PerAccount: 10, PerIP: 50, Window: 15 * time.Minute}

// Verdict is the outcome of a check.
type Verdict int

// Verdicts.
const (
	// Rejected: the password does not match (or the user cannot log in).
	Rejected Verdict = iota
	// Accepted: the password matches an active user's credential.
	Accepted
	// Throttled: too many failures; the password was not checked.
	Throttled
)

// Checker checks passwords. It is safe for concurrent use.
type Checker struct {
	Client   *ent.Client
	Hasher   *credential.Hasher
	Counters counter.Store
	// Lockouts keep the locks of accounts (and unknown identifiers) that
	// used up their budget, for Window from the failure that used it up.
	// They live where losing Counters' backend cannot take them: a Redis
	// restored from an old snapshot forgets the counts, never the locks.
	// Nil keeps them in Counters (the embedded mode, whose counters are
	// durable already).
	Lockouts counter.Store
	Limits   Limits
	// NowFunc is the clock app passwords' expiry is checked against; nil
	// means time.Now.
	NowFunc func() time.Time
}

// Attempt is one try at a password.
type Attempt struct {
	// User is the identified user; nil when the identifier matched no one.
	User *ent.User
	// Identifier is what the user typed to identify.
	Identifier string
	Password   string
	IP         netip.Addr
	// Backends are tried in order (BackendInbuilt, BackendAppPassword).
	Backends []string
}

// Check verifies a. method says which credential matched when Accepted.
// err is an infrastructure failure only.
//
// The attempt is counted before it is checked: each attempt takes its slot
// in the counters atomically, so a burst of concurrent requests (or
// aliased fields) gets no more tries than the limits allow. A success gives
// its slots back: the identifier's count is reset, the address's reduced.
func (c *Checker) Check(ctx context.Context, a Attempt) (v Verdict, method string, err error) {
	return c.Guard(ctx, a, func(ctx context.Context) (string, error) { return c.verify(ctx, a) })
}

// Guard runs verify as one attempt of a's account (or identifier) from
// a's address, counted against the same budgets and the same lockout as
// passwords: other credentials of a login (one-time codes of a second
// factor) use it so that guessing them spends the account's password
// budget. verify returns the method that accepted the credential, or ""
// when it did not; it is not called when the attempt is Throttled.
// a.Password and a.Backends are not used.
func (c *Checker) Guard(ctx context.Context, a Attempt, verify func(context.Context) (string, error)) (v Verdict, method string, err error) {
	limits := c.Limits
	if limits.Window <= 0 {
		limits = DefaultLimits
	}
	idKey, ipKey := identifierKey(a), "attempts:ip:"+a.IP.Unmap().WithZone("").String()
	idCount, err := c.Counters.Add(ctx, idKey, 1, limits.Window, counter.Fixed)
	if err != nil {
		return Rejected, "", fmt.Errorf("count attempt: %w", err)
	}
	ipCount, err := c.Counters.Add(ctx, ipKey, 1, limits.Window, counter.Fixed)
	if err != nil {
		return Rejected, "", fmt.Errorf("count attempt: %w", err)
	}
	locked, err := c.lockouts().Get(ctx, lockKey(a))
	if err != nil {
		return Rejected, "", fmt.Errorf("read lockout: %w", err)
	}
	if idCount > limits.PerAccount || ipCount > limits.PerIP || locked > 0 {
		return Throttled, "", c.failed(ctx, a)
	}
	method, err = verify(ctx)
	if err != nil {
		return Rejected, "", err
	}
	if method == "" {
		if idCount == limits.PerAccount { // the budget is used up: lock, durably
			if _, err := c.lockouts().Add(ctx, lockKey(a), 1, limits.Window, counter.Fixed); err != nil {
				return Rejected, "", fmt.Errorf("record lockout: %w", err)
			}
		}
		return Rejected, "", c.failed(ctx, a)
	}
	if err := c.Counters.Delete(ctx, idKey); err != nil {
		return Rejected, "", fmt.Errorf("reset attempts: %w", err)
	}
	if _, err := c.Counters.Add(ctx, ipKey, -1, limits.Window, counter.Fixed); err != nil {
		return Rejected, "", fmt.Errorf("return attempt: %w", err)
	}
	return Accepted, method, nil
}

// Lock locks a's account (or identifier) for the window, as a used-up
// password budget does: every attempt of any credential Guard checks is
// Throttled until it ends. For budgets of their own that a correct
// password does not reset (second-factor codes).
func (c *Checker) Lock(ctx context.Context, a Attempt) error {
	limits := c.Limits
	if limits.Window <= 0 {
		limits = DefaultLimits
	}
	if _, err := c.lockouts().Add(ctx, lockKey(a), 1, limits.Window, counter.Fixed); err != nil {
		return fmt.Errorf("record lockout: %w", err)
	}
	return nil
}

func (c *Checker) now() time.Time {
	if c.NowFunc != nil {
		return c.NowFunc()
	}
	return time.Now()
}

// verify returns the method that accepted the password, or "".
func (c *Checker) verify(ctx context.Context, a Attempt) (string, error) {
	if a.User == nil || !a.User.IsActive {
		if err := c.Hasher.DummyVerify(ctx, a.Password); err != nil && !errors.Is(err, credential.ErrPasswordTooLong) {
			return "", err
		}
		return "", nil
	}
	for _, b := range a.Backends {
		switch b {
		case BackendInbuilt:
			ok, rehash, err := c.Hasher.Verify(ctx, a.Password, a.User.PasswordHash)
			if errors.Is(err, credential.ErrPasswordTooLong) || errors.Is(err, credential.ErrMalformedHash) {
				continue
			}
			if err != nil {
				return "", err
			}
			if ok {
				if rehash {
					c.upgrade(ctx, a)
				}
				return MethodPassword, nil
			}
		case BackendAppPassword:
			ok, err := c.appPassword(ctx, a)
			if err != nil {
				return "", err
			}
			if ok {
				return MethodAppPassword, nil
			}
		}
	}
	return "", nil
}

// appPassword reports whether the password is one of the user's unexpired
// app-password tokens.
func (c *Checker) appPassword(ctx context.Context, a Attempt) (bool, error) {
	want := credential.HashTokenSecret(a.Password)
	hashes, err := c.Client.Token.Query().
		Where(
			token.UserID(a.User.ID),
			token.IntentEQ(enum.TokenIntentAppPassword),
			token.Or(token.Expiring(false), token.ExpiresGT(c.now())),
		).
		Select(token.FieldKeyHash).
		Strings(ctx)
	if err != nil {
		return false, fmt.Errorf("load app passwords: %w", err)
	}
	match := false
	for _, h := range hashes {
		if subtle.ConstantTimeCompare([]byte(h), []byte(want)) == 1 {
			match = true
		}
	}
	return match, nil
}

// upgrade replaces a hash made with old parameters; failure is harmless.
func (c *Checker) upgrade(ctx context.Context, a Attempt) {
	hash, err := c.Hasher.Hash(ctx, a.Password)
	if err != nil {
		return
	}
	_ = c.Client.User.UpdateOneID(a.User.ID).SetPasswordHash(hash).Exec(ctx)
}

// failed lowers the reputation of the address and the identifier.
func (c *Checker) failed(ctx context.Context, a Attempt) error {
	return reputation.Record(ctx, c.Counters, a.IP, a.Identifier, reputation.Failure)
}

func (c *Checker) lockouts() counter.Store {
	if c.Lockouts != nil {
		return c.Lockouts
	}
	return c.Counters
}

// lockKey is the lock of the account (or unknown identifier) a counts
// against.
func lockKey(a Attempt) string {
	return "lockout:" + strings.TrimPrefix(identifierKey(a), "attempts:")
}

// identifierKey is the counter of a's failures: per resolved account when
// the identifier matched a user, so that every spelling of one account
// (its username, its email address, in any case) shares one budget; per
// typed identifier, case-insensitively, when it matched no one, so that
// unknown identifiers are limited exactly as known ones are.
func identifierKey(a Attempt) string {
	if a.User != nil {
		return "attempts:user:" + strconv.Itoa(a.User.ID)
	}
	return "attempts:identifier:" + strings.ToLower(strings.TrimSpace(a.Identifier))
}

// Settings are a password stage's settings, as the identification stage's
// embedded password field uses them.
type Settings struct {
	Backends                   []string
	FailedAttemptsBeforeCancel int
	AllowShowPassword          bool
}

// Configured is a password stage's config: it states its Settings. (The
// identification stage cannot import the password stage; both import
// this package.)
type Configured interface {
	executor.StageConfig
	PasswordSettings() Settings
}

// StageSettings reads the settings of the password stage id, decoded and
// validated by the stage registry like any stored config.
func StageSettings(ctx context.Context, deps executor.Deps, id int) (Settings, error) {
	cfg, err := deps.StageConfig(ctx, id)
	if err != nil {
		return Settings{}, fmt.Errorf("read password stage %d: %w", id, err)
	}
	c, ok := cfg.(Configured)
	if !ok {
		return Settings{}, fmt.Errorf("read password stage %d: a stage of kind %s", id, cfg.StageKind())
	}
	return c.PasswordSettings(), nil
}

// Failures is the per-execution failure count a stage keeps in its state.
type Failures struct {
	Count int `json:"failures"`
}

// Messages shown for password outcomes; the same for every user, known or
// not, so responses do not reveal which accounts exist.
const (
	MessageInvalid   = "Invalid username or password."
	MessageThrottled = "Too many failed attempts. Try again later."
	MessageCancelled = "Too many failed attempts."
)

// Judge turns a password verdict into the stage's result: it records the
// auth method on success, counts failures in the stage's state, audits
// them (about u, the account identifier named, when there is one), and
// ends the flow after maxFailures. field names the response field errors
// belong to.
func Judge(ctx context.Context, deps executor.Deps, req *executor.Request, u *ent.User, v Verdict, method, identifier string,
	maxFailures int, field string,
) (executor.Result, error) {
	switch v {
	case Rejected: // counted below
	case Accepted:
		if err := req.Execution.Context.Set(executor.KeyAuthMethod, method); err != nil {
			return executor.Result{}, err
		}
		return executor.Next(), nil
	case Throttled:
		deps.Record(ctx, enum.EventActionLoginFailed, audit.Subject(map[string]any{"username": identifier, "reason": "throttled", "flow": req.Flow.Slug}, u))
		return executor.Retry(executor.FieldError{Field: field, Message: MessageThrottled, Code: "rate_limited"}), nil
	}
	deps.Record(ctx, enum.EventActionLoginFailed, audit.Subject(map[string]any{"username": identifier, "flow": req.Flow.Slug}, u))
	var f Failures
	if _, err := req.LoadState(&f); err != nil {
		return executor.Result{}, err
	}
	f.Count++
	if err := req.SaveState(f); err != nil {
		return executor.Result{}, err
	}
	if f.Count >= maxFailures {
		return executor.Deny(MessageCancelled), nil
	}
	return executor.Retry(executor.FieldError{Field: field, Message: MessageInvalid, Code: "invalid"}), nil
}
