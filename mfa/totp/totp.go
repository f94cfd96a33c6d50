// Package totp makes and checks time-based one-time passwords (RFC 6238)
// for a user's authenticator app: it generates secrets and their
// otpauth:// URIs (github.com/pquerna/otp) and QR codes, stores devices
// (ent TOTPDevice) with the secret sealed (package seal), and validates
// codes against an injected clock.
//
// A code is accepted for the current time step and one step either way
// (clock drift). Every code is single use: once a step has been accepted
// for a device, that step and every earlier one are refused. Acceptance is
// a compare-and-set on the device's last_step (UPDATE … WHERE last_step <
// step), so of two concurrent uses of one code exactly one succeeds.
package totp

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	libtotp "github.com/pquerna/otp/totp"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/totpdevice"
	"github.com/gatehouse-id/gatehouse/seal"
)

// Period is the length of a time step.
const Period = 30 * time.Second

// Drift is how many steps a code may be early or late.
const Drift = 1

// Purpose names the key (derived from the server's secret key) that seals
// TOTP secrets, in devices and in pending setups.
const Purpose = "gatehouse totp v1"

// ErrInvalidCode is returned for a code that is wrong, too old or too new,
// or already used.
var ErrInvalidCode = errors.New("totp: invalid code")

// ValidDigits reports whether d is a supported code length (6 or 8).
func ValidDigits(d int) bool { return d == 6 || d == 8 }

// Key is a secret with what an authenticator app needs to know of it.
type Key struct {
	// Secret is the shared secret, base32 without padding (what a person
	// types into the app for manual entry).
	Secret string
	// Digits is the code length.
	Digits int
}

// NewKey returns a key with a random 160-bit secret (RFC 4226's
// recommended length).
func NewKey(digits int) (Key, error) {
	if !ValidDigits(digits) {
		return Key{}, fmt.Errorf("totp: %d digits: must be 6 or 8", digits)
	}
	k, err := libtotp.Generate(libtotp.GenerateOpts{Issuer: "x", AccountName: "x", Digits: otp.Digits(digits)})
	if err != nil {
		return Key{}, fmt.Errorf("totp: generate secret: %w", err)
	}
	return Key{Secret: k.Secret(), Digits: digits}, nil
}

// URL returns the otpauth:// URI of k for account at issuer (Key URI
// Format: SHA1, 30-second period). It is written here, not by
// pquerna/otp's Generate, which leaves "&" and "=" unescaped in the issuer
// parameter ("Acme & Co" would read as "Acme "); spaces are %20, as
// authenticator apps expect.
func (k Key) URL(issuer, account string) string {
	esc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	return "otpauth://totp/" + esc(issuer) + ":" + esc(account) +
		"?algorithm=SHA1&digits=" + strconv.Itoa(k.Digits) + "&issuer=" + esc(issuer) +
		"&period=" + strconv.Itoa(int(Period/time.Second)) + "&secret=" + k.Secret
}

// Step returns the time step t falls in.
func Step(t time.Time) int64 { return t.Unix() / int64(Period/time.Second) }

// Code returns k's code for a time step (for tests and clients).
func (k Key) Code(step int64) (string, error) {
	code, err := libtotp.GenerateCodeCustom(k.Secret, time.Unix(step*int64(Period/time.Second), 0),
		libtotp.ValidateOpts{Period: uint(Period / time.Second), Digits: otp.Digits(k.Digits), Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", fmt.Errorf("totp: code: %w", err)
	}
	return code, nil
}

// Match returns the latest step within Drift of now, and later than after,
// whose code is code; false when there is none. Spaces in code are
// ignored. Every candidate is compared, in constant time.
func (k Key) Match(code string, now time.Time, after int64) (int64, bool, error) {
	code = strings.ReplaceAll(code, " ", "")
	if len(code) != k.Digits {
		return 0, false, nil
	}
	current := Step(now)
	var matched int64
	found := false
	for step := current - Drift; step <= current+Drift; step++ {
		want, err := k.Code(step)
		if err != nil {
			return 0, false, err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && step > after {
			matched, found = step, true
		}
	}
	return matched, found, nil
}

// Devices stores and checks users' TOTP devices.
type Devices struct {
	client *ent.Client
	box    *seal.Box
	now    func() time.Time
}

// NewDevices returns Devices over client, sealing secrets with box (made
// for Purpose), telling time with now (nil: time.Now).
func NewDevices(client *ent.Client, box *seal.Box, now func() time.Time) *Devices {
	if now == nil {
		now = time.Now
	}
	return &Devices{client: client, box: box, now: now}
}

// sealedFor is the additional data a user's secret is sealed with.
func sealedFor(userID int) []byte { return []byte("totp:user:" + strconv.Itoa(userID)) }

// Seal seals a secret of userID's, for a device or a pending setup.
func (d *Devices) Seal(userID int, secret string) ([]byte, error) {
	b, err := d.box.Seal([]byte(secret), sealedFor(userID))
	if err != nil {
		return nil, fmt.Errorf("totp: %w", err)
	}
	return b, nil
}

// Open opens what Seal returned for userID.
func (d *Devices) Open(userID int, sealed []byte) (string, error) {
	b, err := d.box.Open(sealed, sealedFor(userID))
	if err != nil {
		return "", fmt.Errorf("totp: %w", err)
	}
	return string(b), nil
}

// Confirm saves a confirmed device of userID's with key if code is one of
// its codes now; the code's step is used up at once (the same code cannot
// then log in). ErrInvalidCode when it is not.
func (d *Devices) Confirm(ctx context.Context, userID int, name string, key Key, code string) (*ent.TOTPDevice, error) {
	now := d.now()
	step, ok, err := key.Match(code, now, 0)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrInvalidCode
	}
	sealed, err := d.Seal(userID, key.Secret)
	if err != nil {
		return nil, err
	}
	dev, err := d.client.TOTPDevice.Create().
		SetUserID(userID).SetName(name).SetDigits(key.Digits).SetPeriod(int(Period / time.Second)).
		SetSecret(sealed).SetConfirmed(true).SetLastStep(step).SetLastUsedAt(now).
		SetCreatedAt(now).SetUpdatedAt(now).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("totp: save device: %w", err)
	}
	return dev, nil
}

// Verify accepts code for dev if it is a code of the device's within
// Drift of now, of a step later than the last accepted one, and records
// that step by compare-and-set: of concurrent calls with one code exactly
// one succeeds. ErrInvalidCode otherwise.
func (d *Devices) Verify(ctx context.Context, dev *ent.TOTPDevice, code string) error {
	secret, err := d.Open(dev.UserID, dev.Secret)
	if err != nil {
		return err
	}
	now := d.now()
	step, ok, err := Key{Secret: secret, Digits: dev.Digits}.Match(code, now, dev.LastStep)
	if err != nil {
		return err
	}
	if !ok {
		return ErrInvalidCode
	}
	n, err := d.client.TOTPDevice.Update().
		Where(totpdevice.ID(dev.ID), totpdevice.LastStepLT(step), totpdevice.Confirmed(true)).
		SetLastStep(step).SetLastUsedAt(now).
		Save(ctx)
	if err != nil {
		return fmt.Errorf("totp: record step: %w", err)
	}
	if n == 0 {
		return ErrInvalidCode
	}
	return nil
}
