// Package recovery makes and redeems a user's recovery codes (static
// one-time codes, ent StaticDevice and StaticToken): the second factor a
// person keeps on paper for when their authenticator is lost.
//
// A code is 10 characters of Crockford's base32 alphabet (50 random bits),
// shown grouped as "abcde-fghij"; case, spaces, dashes and the look-alikes
// o/0 and i/l/1 do not matter when it is typed. Only a keyed hash is stored
// (HMAC-SHA256 of the user's ID and the code, under a key derived from the
// server's secret key), so a database dump reveals no code and a hash
// cannot be moved to another user. Each code is single use: redeeming is a
// compare-and-set on used_at (UPDATE … WHERE used_at IS NULL), so of
// concurrent redemptions of one code exactly one succeeds. A user has one
// set: issuing new codes replaces the device and every code of it in one
// transaction.
package recovery

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/staticdevice"
	"github.com/gatehouse-id/gatehouse/ent/statictoken"
)

// Purpose names the key (derived from the server's secret key) that
// recovery codes are hashed under.
const Purpose = "gatehouse recovery codes v1"

// DefaultCount is how many codes a set has unless configured otherwise.
const DefaultCount = 10

// MaxCount bounds the codes of one set.
const MaxCount = 50

// Length is the number of characters of a code (5 bits each).
const Length = 10

// alphabet is Crockford's base32 alphabet in lower case: no i, l, o, u.
const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// ErrInvalidCode is returned for a code that is not one of the user's, or
// was used already.
var ErrInvalidCode = errors.New("recovery: invalid code")

// Generate returns n new random codes, formatted "abcde-fghij".
func Generate(n int) ([]string, error) {
	if n < 1 || n > MaxCount {
		return nil, fmt.Errorf("recovery: %d codes: must be 1 to %d", n, MaxCount)
	}
	codes := make([]string, 0, n)
	buf := make([]byte, Length)
	for range n {
		if _, err := rand.Read(buf); err != nil {
			return nil, fmt.Errorf("recovery: read random: %w", err)
		}
		var b strings.Builder
		for i, c := range buf {
			if i == Length/2 {
				b.WriteByte('-')
			}
			b.WriteByte(alphabet[c&31]) // 32 divides 256: uniform
		}
		codes = append(codes, b.String())
	}
	return codes, nil
}

// Normalize returns code as it is hashed: lower case, without spaces and
// dashes, with o read as 0 and i and l as 1; "" when it cannot be a code.
func Normalize(code string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(code) {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			continue
		case r == 'o':
			r = '0'
		case r == 'i' || r == 'l':
			r = '1'
		case !strings.ContainsRune(alphabet, r):
			return ""
		}
		b.WriteRune(r)
	}
	if b.Len() != Length {
		return ""
	}
	return b.String()
}

// Codes stores and redeems recovery codes.
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

// Hash returns the stored form of userID's code; nil when code cannot be a
// code.
func (c *Codes) Hash(userID int, code string) []byte {
	n := Normalize(code)
	if n == "" {
		return nil
	}
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("recovery:user:" + strconv.Itoa(userID) + ":" + n))
	return m.Sum(nil)
}

// Replace saves codes as userID's set of recovery codes named name,
// replacing any set the user had, in one transaction. replaced reports
// whether there was one.
func (c *Codes) Replace(ctx context.Context, userID int, name string, codes []string) (dev *ent.StaticDevice, replaced bool, err error) {
	if len(codes) == 0 || len(codes) > MaxCount {
		return nil, false, fmt.Errorf("recovery: %d codes: must be 1 to %d", len(codes), MaxCount)
	}
	hashes := make([][]byte, len(codes))
	for i, code := range codes {
		if hashes[i] = c.Hash(userID, code); hashes[i] == nil {
			return nil, false, fmt.Errorf("recovery: code %d is malformed", i)
		}
	}
	tx, err := c.client.Tx(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("recovery: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	n, err := tx.StaticDevice.Delete().Where(staticdevice.UserID(userID)).Exec(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("recovery: delete old codes: %w", err)
	}
	now := c.now()
	dev, err = tx.StaticDevice.Create().SetUserID(userID).SetName(name).SetCreatedAt(now).SetUpdatedAt(now).Save(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("recovery: save device: %w", err)
	}
	creates := make([]*ent.StaticTokenCreate, len(hashes))
	for i, h := range hashes {
		creates[i] = tx.StaticToken.Create().SetDeviceID(dev.ID).SetCodeHash(h)
	}
	if err := tx.StaticToken.CreateBulk(creates...).Exec(ctx); err != nil {
		return nil, false, fmt.Errorf("recovery: save codes: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, false, fmt.Errorf("recovery: commit: %w", err)
	}
	return dev.Unwrap(), n > 0, nil
}

// Regenerate makes count new codes for userID and saves them as Replace
// does; it returns them (the only time they are seen).
func (c *Codes) Regenerate(ctx context.Context, userID int, name string, count int) ([]string, error) {
	codes, err := Generate(count)
	if err != nil {
		return nil, err
	}
	if _, _, err := c.Replace(ctx, userID, name, codes); err != nil {
		return nil, err
	}
	return codes, nil
}

// Redeem uses up code if it is an unused code of userID's: a
// compare-and-set, so of concurrent redemptions of one code exactly one
// succeeds. ErrInvalidCode otherwise.
func (c *Codes) Redeem(ctx context.Context, userID int, code string) error {
	h := c.Hash(userID, code)
	if h == nil {
		return ErrInvalidCode
	}
	now := c.now()
	n, err := c.client.StaticToken.Update().
		Where(statictoken.CodeHash(h), statictoken.UsedAtIsNil(),
			statictoken.HasDeviceWith(staticdevice.UserID(userID))).
		SetUsedAt(now).
		Save(ctx)
	if err != nil {
		return fmt.Errorf("recovery: redeem: %w", err)
	}
	if n == 0 {
		return ErrInvalidCode
	}
	if err := c.client.StaticDevice.Update().Where(staticdevice.UserID(userID)).SetLastUsedAt(now).Exec(ctx); err != nil {
		return fmt.Errorf("recovery: record use: %w", err)
	}
	return nil
}

// Remaining returns how many unused codes userID has.
func (c *Codes) Remaining(ctx context.Context, userID int) (int, error) {
	n, err := c.client.StaticToken.Query().
		Where(statictoken.UsedAtIsNil(), statictoken.HasDeviceWith(staticdevice.UserID(userID))).
		Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("recovery: count codes: %w", err)
	}
	return n, nil
}
