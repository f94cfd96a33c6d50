package totp_test

import (
	"context"
	"encoding/base64"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/fakeclock"
	"github.com/gatehouse-id/gatehouse/internal/racetest"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/mfa/totp"
	"github.com/gatehouse-id/gatehouse/seal"
)

func TestKeyURL(t *testing.T) {
	t.Parallel()
	k, err := totp.NewKey(8)
	require.NoError(t, err)
	require.Len(t, k.Secret, 32, "160 bits in base32")
	other, err := totp.NewKey(6)
	require.NoError(t, err)
	require.NotEqual(t, k.Secret, other.Secret)

	uri := k.URL("Acme & Co", "grace hopper")
	require.Contains(t, uri, "otpauth://totp/Acme%20%26%20Co:grace%20hopper?")
	parsed, err := otp.NewKeyFromURL(uri)
	require.NoError(t, err)
	require.Equal(t, "totp", parsed.Type())
	require.Equal(t, "Acme & Co", parsed.Issuer())
	require.Equal(t, "grace hopper", parsed.AccountName())
	require.Equal(t, k.Secret, parsed.Secret())
	require.Equal(t, otp.DigitsEight, parsed.Digits())
	require.Equal(t, uint64(30), parsed.Period())

	_, err = totp.NewKey(7)
	require.Error(t, err)
}

func TestQRCode(t *testing.T) {
	t.Parallel()
	uri := "otpauth://totp/Acme:grace?secret=JBSWY3DPEHPK3PXP&issuer=Acme"
	img, err := totp.QRCode(uri)
	require.NoError(t, err)
	b64, ok := strings.CutPrefix(img, "data:image/svg+xml;base64,")
	require.True(t, ok)
	svg, err := base64.StdEncoding.DecodeString(b64)
	require.NoError(t, err)
	var doc struct {
		XMLName xml.Name `xml:"svg"`
		ViewBox string   `xml:"viewBox,attr"`
		Path    struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
	}
	require.NoError(t, xml.Unmarshal(svg, &doc))
	// 65 characters need version 4 at level M: 33 modules plus the quiet zone.
	require.Equal(t, "0 0 41 41", doc.ViewBox)
	// The top-left finder pattern: a 7-module dark row at the quiet zone's corner.
	require.True(t, strings.HasPrefix(doc.Path.D, "M4 4h7v1h-7z"), doc.Path.D[:40])
	require.NotContains(t, string(svg), "style", "no inline styles")
}

// bundle is a device store over a fresh database with a fake clock.
type bundle struct {
	ctx     context.Context
	client  *ent.Client
	clock   *fakeclock.Clock
	devices *totp.Devices
	user    *ent.User
}

func setup(t *testing.T, d string) bundle {
	t.Helper()
	db := servicetest.Database(t, d)
	ctx := viewer.SystemContext(t.Context())
	box, err := seal.New("test secret key", totp.Purpose)
	require.NoError(t, err)
	clock := fakeclock.New(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	u := db.Ent.User.Create().SetUsername("grace").SaveX(ctx)
	return bundle{ctx: ctx, client: db.Ent, clock: clock, devices: totp.NewDevices(db.Ent, box, clock.Now), user: u}
}

// confirmed saves a device for b's user, confirmed with the current code.
func confirmed(t *testing.T, b bundle) (*ent.TOTPDevice, totp.Key) {
	t.Helper()
	k, err := totp.NewKey(6)
	require.NoError(t, err)
	code := codeAt(t, k, b.clock.Now())
	dev, err := b.devices.Confirm(b.ctx, b.user.ID, "phone", k, code)
	require.NoError(t, err)
	return dev, k
}

func codeAt(t *testing.T, k totp.Key, at time.Time) string {
	t.Helper()
	code, err := k.Code(totp.Step(at))
	require.NoError(t, err)
	return code
}

func reload(t *testing.T, b bundle, dev *ent.TOTPDevice) *ent.TOTPDevice {
	t.Helper()
	return b.client.TOTPDevice.GetX(b.ctx, dev.ID)
}

func TestDevices(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			t.Run("confirm stores the secret sealed and uses up the step", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				k, err := totp.NewKey(8)
				require.NoError(t, err)
				_, err = b.devices.Confirm(b.ctx, b.user.ID, "phone", k, "00000000")
				require.ErrorIs(t, err, totp.ErrInvalidCode)
				require.Zero(t, b.client.TOTPDevice.Query().CountX(b.ctx), "no device without a valid code")

				code := codeAt(t, k, b.clock.Now())
				dev, err := b.devices.Confirm(b.ctx, b.user.ID, "phone", k, code)
				require.NoError(t, err)
				dev = reload(t, b, dev)
				require.True(t, dev.Confirmed)
				require.Equal(t, 8, dev.Digits)
				require.Equal(t, totp.Step(b.clock.Now()), dev.LastStep)
				require.NotContains(t, string(dev.Secret), k.Secret)
				secret, err := b.devices.Open(b.user.ID, dev.Secret)
				require.NoError(t, err)
				require.Equal(t, k.Secret, secret)
				_, err = b.devices.Open(b.user.ID+1, dev.Secret)
				require.Error(t, err, "sealed for its user only")

				require.ErrorIs(t, b.devices.Verify(b.ctx, dev, code), totp.ErrInvalidCode, "the setup code cannot log in")
			})
			t.Run("one step of drift either way", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				dev, k := confirmed(t, b)
				b.clock.Advance(10 * time.Minute)
				now := b.clock.Now()
				for _, off := range []time.Duration{-2 * totp.Period, 2 * totp.Period} {
					require.ErrorIs(t, b.devices.Verify(b.ctx, reload(t, b, dev), codeAt(t, k, now.Add(off))), totp.ErrInvalidCode, "%v", off)
				}
				require.NoError(t, b.devices.Verify(b.ctx, reload(t, b, dev), codeAt(t, k, now.Add(-totp.Period))), "one step late")
				require.NoError(t, b.devices.Verify(b.ctx, reload(t, b, dev), codeAt(t, k, now)), "now")
				require.NoError(t, b.devices.Verify(b.ctx, reload(t, b, dev), codeAt(t, k, now.Add(totp.Period))), "one step early")
				require.Equal(t, totp.Step(now)+1, reload(t, b, dev).LastStep)
				require.Equal(t, now, reload(t, b, dev).LastUsedAt.UTC())
			})
			t.Run("an accepted step and every earlier one are refused", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				dev, k := confirmed(t, b)
				b.clock.Advance(10 * time.Minute)
				now := b.clock.Now()
				require.NoError(t, b.devices.Verify(b.ctx, reload(t, b, dev), codeAt(t, k, now)))
				require.ErrorIs(t, b.devices.Verify(b.ctx, reload(t, b, dev), codeAt(t, k, now)), totp.ErrInvalidCode, "replay")
				require.ErrorIs(t, b.devices.Verify(b.ctx, reload(t, b, dev), codeAt(t, k, now.Add(-totp.Period))), totp.ErrInvalidCode, "an earlier step")
				require.ErrorIs(t, b.devices.Verify(b.ctx, dev, codeAt(t, k, now)), totp.ErrInvalidCode,
					"a stale copy of the device cannot replay: the database compares")
				b.clock.Advance(totp.Period)
				require.NoError(t, b.devices.Verify(b.ctx, reload(t, b, dev), codeAt(t, k, b.clock.Now())), "the next step works")
				require.ErrorIs(t, b.devices.Verify(b.ctx, reload(t, b, dev), "12345"), totp.ErrInvalidCode, "wrong length")
			})
			t.Run("concurrent uses of one code: exactly one succeeds", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				dev, k := confirmed(t, b)
				b.clock.Advance(10 * time.Minute)
				code := codeAt(t, k, b.clock.Now())
				dev = reload(t, b, dev)
				racetest.RequireOneWinner(t, 20, totp.ErrInvalidCode, func(int) error {
					return b.devices.Verify(b.ctx, dev, code)
				})
			})
		})
	}
}
