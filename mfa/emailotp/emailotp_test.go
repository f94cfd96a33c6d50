package emailotp_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/emaildevice"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/internal/fakeclock"
	"github.com/gatehouse-id/gatehouse/internal/racetest"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
	"github.com/gatehouse-id/gatehouse/mfa/emailotp"
	"github.com/gatehouse-id/gatehouse/seal"
)

func TestNewCodeAndNormalize(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 200 {
		c, err := emailotp.NewCode()
		require.NoError(t, err)
		require.Regexp(t, `^[0-9]{6}$`, c)
		seen[c] = true
	}
	require.Greater(t, len(seen), 190, "codes are random")
	for _, c := range []struct{ in, want string }{
		{"123456", "123456"},
		{" 123 456 ", "123456"},
		{"123-456", "123456"},
		{"12345", ""},
		{"1234567", ""},
		{"12345a", ""},
		{"", ""},
		{"１２３４５６", ""},
	} {
		require.Equal(t, c.want, emailotp.Normalize(c.in), c.in)
	}
}

type bundle struct {
	ctx    context.Context
	db     *ent.Client
	clock  *fakeclock.Clock
	codes  *emailotp.Codes
	mailer *stagetest.Mailer
	user   *ent.User
	other  *ent.User
}

func setup(t *testing.T, d string) bundle {
	t.Helper()
	db := servicetest.Database(t, d)
	ctx := viewer.SystemContext(t.Context())
	key, err := seal.NewKeys("test secret key").Derive(emailotp.Purpose)
	require.NoError(t, err)
	clock := fakeclock.New(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	return bundle{
		ctx: ctx, db: db.Ent, clock: clock, codes: emailotp.New(db.Ent, key, clock.Now), mailer: &stagetest.Mailer{},
		user:  db.Ent.User.Create().SetUsername("grace").SetEmail("grace@example.com").SaveX(ctx),
		other: db.Ent.User.Create().SetUsername("ada").SaveX(ctx),
	}
}

// begin starts a setup of b.user's and returns the code mailed.
func (b bundle) begin(t *testing.T, address string) emailotp.Code {
	t.Helper()
	code, err := b.codes.Send(b.ctx, b.mailer, emailotp.Letter{Brand: "Gatehouse", Username: b.user.Username},
		func(ctx context.Context, tx *ent.Tx) (emailotp.Code, error) {
			return b.codes.Begin(ctx, tx, b.user.ID, "Email", address, emailotp.DefaultValidity)
		})
	require.NoError(t, err)
	return code
}

// confirmed sets up a confirmed device of b.user's.
func (b bundle) confirmed(t *testing.T) *ent.EmailDevice {
	t.Helper()
	code := b.begin(t, "grace@example.com")
	dev, err := b.codes.Confirm(b.ctx, b.user.ID, code.Device.ID, code.Digits)
	require.NoError(t, err)
	return dev
}

// issue sends a new code to dev.
func (b bundle) issue(t *testing.T, dev *ent.EmailDevice) emailotp.Code {
	t.Helper()
	code, err := b.codes.Send(b.ctx, b.mailer, emailotp.Letter{Brand: "Gatehouse", Username: b.user.Username},
		func(ctx context.Context, tx *ent.Tx) (emailotp.Code, error) {
			return b.codes.Issue(ctx, tx, dev.UserID, dev.ID, emailotp.DefaultValidity)
		})
	require.NoError(t, err)
	return code
}

type failingMailer struct{}

func (failingMailer) EnqueueTx(context.Context, *ent.Tx, jobargs.SendMail, map[string]string) error {
	return errors.New("queue is down")
}

func TestCodes(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			t.Run("a setup mails a code, stores only its keyed hash and confirms once", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				code := b.begin(t, "grace@example.com")
				mails := b.mailer.Mails()
				require.Len(t, mails, 1)
				require.Equal(t, "grace@example.com", mails[0].Args.To)
				require.Equal(t, jobargs.TemplateEmailOTP, mails[0].Args.Template)
				require.Equal(t, code.Digits, mails[0].Data["code"])
				require.Equal(t, jobargs.Validity{Kind: jobargs.ValidityEmailCode, Ref: code.Hash}, mails[0].Args.Validity)
				dev := b.db.EmailDevice.GetX(b.ctx, code.Device.ID)
				require.False(t, dev.Confirmed)
				require.NotContains(t, *dev.CodeHash, code.Digits)
				require.NotEqual(t, b.codes.Hash(b.user.ID, code.Digits), b.codes.Hash(b.other.ID, code.Digits), "bound to the user")

				_, err := b.codes.Confirm(b.ctx, b.other.ID, dev.ID, code.Digits)
				require.ErrorIs(t, err, emailotp.ErrInvalidCode, "another user")
				require.ErrorIs(t, b.codes.Redeem(b.ctx, b.user.ID, code.Digits), emailotp.ErrInvalidCode, "an unconfirmed device does not log in")
				got, err := b.codes.Confirm(b.ctx, b.user.ID, dev.ID, code.Digits)
				require.NoError(t, err)
				require.True(t, got.Confirmed)
				require.Nil(t, got.CodeHash)
				_, err = b.codes.Confirm(b.ctx, b.user.ID, dev.ID, code.Digits)
				require.ErrorIs(t, err, emailotp.ErrInvalidCode, "used")
				ok, err := emailotp.Outstanding(b.ctx, b.db, code.Hash, b.clock.Now())
				require.NoError(t, err)
				require.False(t, ok, "a used code's mail is no longer valid")
			})
			t.Run("a new setup replaces an abandoned one", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				first := b.begin(t, "grace@example.com")
				second := b.begin(t, "grace@example.org")
				require.Equal(t, 1, b.db.EmailDevice.Query().Where(emaildevice.UserID(b.user.ID)).CountX(b.ctx))
				_, err := b.codes.Confirm(b.ctx, b.user.ID, first.Device.ID, first.Digits)
				require.ErrorIs(t, err, emailotp.ErrInvalidCode)
				_, err = b.codes.Confirm(b.ctx, b.user.ID, second.Device.ID, second.Digits)
				require.NoError(t, err)
			})
			t.Run("login codes redeem once, before they expire, and a new one replaces the old", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				dev := b.confirmed(t)
				old := b.issue(t, dev)
				code := b.issue(t, dev)
				require.Len(t, b.mailer.Mails(), 3)
				if old.Digits != code.Digits {
					require.ErrorIs(t, b.codes.Redeem(b.ctx, b.user.ID, old.Digits), emailotp.ErrInvalidCode, "replaced")
				}
				require.ErrorIs(t, b.codes.Redeem(b.ctx, b.other.ID, code.Digits), emailotp.ErrInvalidCode, "another user")
				require.ErrorIs(t, b.codes.Redeem(b.ctx, b.user.ID, "nonsense"), emailotp.ErrInvalidCode, "malformed")
				require.NoError(t, b.codes.Redeem(b.ctx, b.user.ID, " "+code.Digits[:3]+" "+code.Digits[3:]))
				require.ErrorIs(t, b.codes.Redeem(b.ctx, b.user.ID, code.Digits), emailotp.ErrInvalidCode, "used")
				require.Equal(t, b.clock.Now(), b.db.EmailDevice.GetX(b.ctx, dev.ID).LastUsedAt.UTC())

				late := b.issue(t, dev)
				b.clock.Advance(emailotp.DefaultValidity)
				ok, err := emailotp.Outstanding(b.ctx, b.db, late.Hash, b.clock.Now())
				require.NoError(t, err)
				require.False(t, ok)
				require.ErrorIs(t, b.codes.Redeem(b.ctx, b.user.ID, late.Digits), emailotp.ErrInvalidCode, "expired")
			})
			t.Run("a code is not stored when its mail cannot be queued", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				dev := b.confirmed(t)
				_, err := b.codes.Send(b.ctx, failingMailer{}, emailotp.Letter{}, func(ctx context.Context, tx *ent.Tx) (emailotp.Code, error) {
					return b.codes.Issue(ctx, tx, dev.UserID, dev.ID, emailotp.DefaultValidity)
				})
				require.Error(t, err)
				require.Nil(t, b.db.EmailDevice.GetX(b.ctx, dev.ID).CodeHash)
				_, err = b.codes.Send(b.ctx, b.mailer, emailotp.Letter{}, func(ctx context.Context, tx *ent.Tx) (emailotp.Code, error) {
					return b.codes.Issue(ctx, tx, b.other.ID, dev.ID, emailotp.DefaultValidity)
				})
				require.True(t, ent.IsNotFound(errors.Unwrap(err)) || ent.IsNotFound(err), "another user's device: %v", err)
			})
			t.Run("20 concurrent uses of one code: exactly one succeeds", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				code := b.issue(t, b.confirmed(t))
				racetest.RequireOneWinner(t, 20, emailotp.ErrInvalidCode, func(int) error {
					return b.codes.Redeem(b.ctx, b.user.ID, code.Digits)
				})
			})
		})
	}
}
