// Package emailotp is the second factor by mail: one-time codes sent to
// an address of the user's (ent EmailDevice).
//
// A code is six random digits. Only a keyed hash is stored (HMAC-SHA256 of
// the user's ID and the code, under a key derived from the server's secret
// key), so a database dump reveals no code and a hash cannot be moved to
// another user. A device has at most one outstanding code: issuing a new
// one replaces it. A code expires (code_expires_at, checked when it is
// used) and is single use: using it clears it by compare-and-set (UPDATE …
// WHERE code_hash = ? AND code_expires_at > now), so of concurrent uses of
// one code exactly one succeeds.
//
// A device starts unconfirmed, with a code sent to its address (Begin);
// Confirm saves it once that code comes back, which proves the address. At
// login Issue sends a new code to a confirmed device and Redeem uses it.
//
//	Begin ──mail──▶ Confirm (setup: the address is proven)
//	Issue ──mail──▶ Redeem  (login: the second factor)
//
// The mail itself is queued by Send in the transaction that stores the
// code, so a rolled-back write sends nothing; the send-mail job re-checks
// that the code is still outstanding (ValidityEmailCode) just before it
// sends.
package emailotp

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/emaildevice"
)

// Purpose names the key (derived from the server's secret key) that codes
// are hashed under.
const Purpose = "gatehouse email codes v1"

// Digits is the length of a code.
const Digits = 6

// DefaultValidity is how long a code is accepted unless configured
// otherwise; MinValidity and MaxValidity bound the configured value.
const (
	DefaultValidity = 10 * time.Minute
	MinValidity     = time.Minute
	MaxValidity     = 24 * time.Hour
)

// Limits on mail: at most PerUserMails codes are mailed to one user in a
// fixed MailWindow, counted by CountMail in every stage that sends them.
const (
	PerUserMails = 5
	MailWindow   = 15 * time.Minute
)

// mailKey is the counter of codes mailed to userID.
func mailKey(userID int) string { return "email_codes_mailed:user:" + strconv.Itoa(userID) }

// CountMail counts a code about to be mailed to userID in counters, and
// reports whether that is past PerUserMails in MailWindow (then no mail
// must be sent).
func CountMail(ctx context.Context, counters counter.Store, userID int) (limited bool, err error) {
	n, err := counters.Add(ctx, mailKey(userID), 1, MailWindow, counter.Fixed)
	if err != nil {
		return false, fmt.Errorf("emailotp: count mail: %w", err)
	}
	return n > PerUserMails, nil
}

// ErrInvalidCode is returned for a code that is wrong, expired or used.
var ErrInvalidCode = errors.New("emailotp: invalid code")

// NewCode returns a random code of Digits digits, uniformly distributed.
func NewCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("emailotp: read random: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// Normalize returns code without spaces and dashes; "" when it is not
// Digits digits.
func Normalize(code string) string {
	var b strings.Builder
	for _, r := range code {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			continue
		case r < '0' || r > '9':
			return ""
		}
		b.WriteRune(r)
	}
	if b.Len() != Digits {
		return ""
	}
	return b.String()
}

// Code is a code just issued: the only time its digits are seen.
type Code struct {
	// Device is the device the code was issued to.
	Device *ent.EmailDevice
	// Digits is the code to mail.
	Digits string
	// Hash is its stored form (the device's code_hash).
	Hash string
}

// Secrets derives keys from the server's secret key (seal.Keys).
type Secrets interface {
	Derive(purpose string) ([]byte, error)
}

// ForServer returns Codes over client hashing under the key secrets
// derives for Purpose, telling time with now (nil: time.Now).
func ForServer(client *ent.Client, secrets Secrets, now func() time.Time) (*Codes, error) {
	key, err := secrets.Derive(Purpose)
	if err != nil {
		return nil, fmt.Errorf("emailotp: %w", err)
	}
	return New(client, key, now), nil
}

// Codes issues and checks codes by mail.
type Codes struct {
	client *ent.Client
	key    []byte
	now    func() time.Time
}

// New returns Codes over client, hashing under key (derived for Purpose),
// telling time with now (nil: time.Now).
func New(client *ent.Client, key []byte, now func() time.Time) *Codes {
	if now == nil {
		now = time.Now
	}
	return &Codes{client: client, key: key, now: now}
}

// Hash returns the stored form of userID's code; "" when code cannot be a
// code.
func (c *Codes) Hash(userID int, code string) string {
	n := Normalize(code)
	if n == "" {
		return ""
	}
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("email:user:" + strconv.Itoa(userID) + ":" + n))
	return hex.EncodeToString(m.Sum(nil))
}

// newCode makes a code for userID.
func (c *Codes) newCode(userID int) (digits, hash string, err error) {
	digits, err = NewCode()
	if err != nil {
		return "", "", err
	}
	return digits, c.Hash(userID, digits), nil
}

// Begin saves, in tx, an unconfirmed device of userID's named name for
// address, with a new code valid for validity; the user's other
// unconfirmed devices (abandoned setups) are deleted.
func (c *Codes) Begin(ctx context.Context, tx *ent.Tx, userID int, name, address string, validity time.Duration) (Code, error) {
	digits, hash, err := c.newCode(userID)
	if err != nil {
		return Code{}, err
	}
	if _, err := tx.EmailDevice.Delete().Where(emaildevice.UserID(userID), emaildevice.Confirmed(false)).Exec(ctx); err != nil {
		return Code{}, fmt.Errorf("emailotp: delete abandoned setups: %w", err)
	}
	now := c.now()
	dev, err := tx.EmailDevice.Create().
		SetUserID(userID).SetName(name).SetEmail(address).
		SetCodeHash(hash).SetCodeExpiresAt(now.Add(validity)).
		SetCreatedAt(now).SetUpdatedAt(now).
		Save(ctx)
	if err != nil {
		return Code{}, fmt.Errorf("emailotp: save device: %w", err)
	}
	return Code{Device: dev, Digits: digits, Hash: hash}, nil
}

// Issue gives userID's device deviceID a new code valid for validity, in
// tx, replacing its outstanding one. ent's NotFound error when the device
// is not the user's.
func (c *Codes) Issue(ctx context.Context, tx *ent.Tx, userID, deviceID int, validity time.Duration) (Code, error) {
	digits, hash, err := c.newCode(userID)
	if err != nil {
		return Code{}, err
	}
	now := c.now()
	dev, err := tx.EmailDevice.UpdateOneID(deviceID).
		Where(emaildevice.UserID(userID)).
		SetCodeHash(hash).SetCodeExpiresAt(now.Add(validity)).SetUpdatedAt(now).
		Save(ctx)
	if err != nil {
		return Code{}, fmt.Errorf("emailotp: issue code: %w", err)
	}
	return Code{Device: dev, Digits: digits, Hash: hash}, nil
}

// use clears the outstanding code of userID's devices matching where if
// it is code and has not expired, recording the use: a compare-and-set.
// It reports how many devices it changed.
func (c *Codes) use(ctx context.Context, userID int, code string, update *ent.EmailDeviceUpdate) (int, error) {
	hash := c.Hash(userID, code)
	if hash == "" {
		return 0, nil
	}
	now := c.now()
	n, err := update.
		Where(emaildevice.UserID(userID), emaildevice.CodeHash(hash), emaildevice.CodeExpiresAtGT(now)).
		ClearCodeHash().ClearCodeExpiresAt().SetLastUsedAt(now).SetUpdatedAt(now).
		Save(ctx)
	if err != nil {
		return 0, fmt.Errorf("emailotp: use code: %w", err)
	}
	return n, nil
}

// Confirm confirms userID's unconfirmed device deviceID if code is its
// outstanding code; ErrInvalidCode otherwise.
func (c *Codes) Confirm(ctx context.Context, userID, deviceID int, code string) (*ent.EmailDevice, error) {
	n, err := c.use(ctx, userID, code,
		c.client.EmailDevice.Update().Where(emaildevice.ID(deviceID), emaildevice.Confirmed(false)).SetConfirmed(true))
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, ErrInvalidCode
	}
	dev, err := c.client.EmailDevice.Get(ctx, deviceID)
	if err != nil {
		return nil, fmt.Errorf("emailotp: load device: %w", err)
	}
	return dev, nil
}

// Redeem uses up code if it is the outstanding code of one of userID's
// confirmed devices; ErrInvalidCode otherwise.
func (c *Codes) Redeem(ctx context.Context, userID int, code string) error {
	n, err := c.use(ctx, userID, code, c.client.EmailDevice.Update().Where(emaildevice.Confirmed(true)))
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrInvalidCode
	}
	return nil
}

// Confirmed returns userID's confirmed devices, oldest first.
func (c *Codes) Confirmed(ctx context.Context, userID int) ([]*ent.EmailDevice, error) {
	devs, err := c.client.EmailDevice.Query().
		Where(emaildevice.UserID(userID), emaildevice.Confirmed(true)).
		Order(emaildevice.ByID()).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("emailotp: load devices: %w", err)
	}
	return devs, nil
}

// Outstanding reports whether hash is the outstanding, unexpired code of
// a device: what the send-mail job checks before it sends the code.
func Outstanding(ctx context.Context, client *ent.Client, hash string, now time.Time) (bool, error) {
	n, err := client.EmailDevice.Query().Where(emaildevice.CodeHash(hash), emaildevice.CodeExpiresAtGT(now)).Count(ctx)
	if err != nil {
		return false, fmt.Errorf("emailotp: check code: %w", err)
	}
	return n > 0, nil
}
