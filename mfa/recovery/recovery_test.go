package recovery_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/staticdevice"
	"github.com/gatehouse-id/gatehouse/ent/statictoken"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/fakeclock"
	"github.com/gatehouse-id/gatehouse/internal/racetest"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/mfa/recovery"
	"github.com/gatehouse-id/gatehouse/seal"
)

func TestGenerate(t *testing.T) {
	t.Parallel()
	codes, err := recovery.Generate(recovery.DefaultCount)
	require.NoError(t, err)
	require.Len(t, codes, 10)
	shape := regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$`)
	seen := map[string]bool{}
	for _, c := range codes {
		require.Regexp(t, shape, c)
		require.False(t, seen[c])
		seen[c] = true
	}
	_, err = recovery.Generate(0)
	require.Error(t, err)
	_, err = recovery.Generate(recovery.MaxCount + 1)
	require.Error(t, err)
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	require.Equal(t, "abcde0123x", recovery.Normalize("abcde-0123x"))
	require.Equal(t, "abcde01z1x", recovery.Normalize(" ABCDE oIzLx "), "case, spaces and look-alikes")
	require.Empty(t, recovery.Normalize("abcde-0123"), "too short")
	require.Empty(t, recovery.Normalize("abcde-0123xy"), "too long")
	require.Empty(t, recovery.Normalize("abcde-0123u"), "u is not in the alphabet")
	require.Empty(t, recovery.Normalize("abcde-012é3"))
}

type bundle struct {
	ctx   context.Context
	db    *ent.Client
	clock *fakeclock.Clock
	codes *recovery.Codes
	user  *ent.User
	other *ent.User
}

func setup(t *testing.T, d string) bundle {
	t.Helper()
	db := servicetest.Database(t, d)
	ctx := viewer.SystemContext(t.Context())
	key, err := seal.NewKeys("test secret key").Derive(recovery.Purpose)
	require.NoError(t, err)
	clock := fakeclock.New(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	return bundle{
		ctx: ctx, db: db.Ent, clock: clock, codes: recovery.New(db.Ent, key, clock.Now),
		user:  db.Ent.User.Create().SetUsername("grace").SaveX(ctx),
		other: db.Ent.User.Create().SetUsername("ada").SaveX(ctx),
	}
}

func TestCodes(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			t.Run("codes are stored as keyed hashes only", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				codes, err := b.codes.Regenerate(b.ctx, b.user.ID, "Recovery codes", 10)
				require.NoError(t, err)
				dev := b.db.StaticDevice.Query().Where(staticdevice.UserID(b.user.ID)).OnlyX(b.ctx)
				require.Equal(t, "Recovery codes", dev.Name)
				tokens := b.db.StaticToken.Query().Where(statictoken.DeviceID(dev.ID)).AllX(b.ctx)
				require.Len(t, tokens, 10)
				for _, tok := range tokens {
					require.Len(t, tok.CodeHash, 32)
					for _, c := range codes {
						require.NotContains(t, string(tok.CodeHash), recovery.Normalize(c))
					}
				}
				require.NotEqual(t, b.codes.Hash(b.user.ID, codes[0]), b.codes.Hash(b.other.ID, codes[0]), "bound to the user")
				otherKey, err := seal.NewKeys("another key").Derive(recovery.Purpose)
				require.NoError(t, err)
				require.NotEqual(t, b.codes.Hash(b.user.ID, codes[0]), recovery.New(b.db, otherKey, nil).Hash(b.user.ID, codes[0]), "keyed")
			})
			t.Run("each code redeems once, for its user only", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				codes, err := b.codes.Regenerate(b.ctx, b.user.ID, "Recovery codes", 3)
				require.NoError(t, err)
				require.ErrorIs(t, b.codes.Redeem(b.ctx, b.other.ID, codes[0]), recovery.ErrInvalidCode, "another user")
				require.ErrorIs(t, b.codes.Redeem(b.ctx, b.user.ID, "00000-00000"), recovery.ErrInvalidCode, "wrong")
				require.ErrorIs(t, b.codes.Redeem(b.ctx, b.user.ID, "nonsense"), recovery.ErrInvalidCode, "malformed")
				require.NoError(t, b.codes.Redeem(b.ctx, b.user.ID, strings.ToUpper(strings.ReplaceAll(codes[0], "-", " "))))
				require.ErrorIs(t, b.codes.Redeem(b.ctx, b.user.ID, codes[0]), recovery.ErrInvalidCode, "used")
				n, err := b.codes.Remaining(b.ctx, b.user.ID)
				require.NoError(t, err)
				require.Equal(t, 2, n)
				dev := b.db.StaticDevice.Query().Where(staticdevice.UserID(b.user.ID)).OnlyX(b.ctx)
				require.Equal(t, b.clock.Now(), dev.LastUsedAt.UTC())
			})
			t.Run("regenerating replaces every code", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				old, err := b.codes.Regenerate(b.ctx, b.user.ID, "Recovery codes", 5)
				require.NoError(t, err)
				_, err = b.codes.Regenerate(b.ctx, b.other.ID, "Recovery codes", 5)
				require.NoError(t, err)
				fresh, err := recovery.Generate(4)
				require.NoError(t, err)
				_, replaced, err := b.codes.Replace(b.ctx, b.user.ID, "New codes", fresh)
				require.NoError(t, err)
				require.True(t, replaced)
				for _, c := range old {
					require.ErrorIs(t, b.codes.Redeem(b.ctx, b.user.ID, c), recovery.ErrInvalidCode)
				}
				require.Equal(t, 1, b.db.StaticDevice.Query().Where(staticdevice.UserID(b.user.ID)).CountX(b.ctx))
				require.Equal(t, 4+5, b.db.StaticToken.Query().CountX(b.ctx), "old tokens are gone, the other user's stay")
				require.NoError(t, b.codes.Redeem(b.ctx, b.user.ID, fresh[3]))
				_, _, err = b.codes.Replace(b.ctx, b.user.ID, "x", []string{"bad"})
				require.Error(t, err)
				n, err := b.codes.Remaining(b.ctx, b.user.ID)
				require.NoError(t, err)
				require.Equal(t, 3, n, "a failed replace changes nothing")
			})
			t.Run("20 concurrent redemptions of one code: exactly one succeeds", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				codes, err := b.codes.Regenerate(b.ctx, b.user.ID, "Recovery codes", 10)
				require.NoError(t, err)
				racetest.RequireOneWinner(t, 20, recovery.ErrInvalidCode, func(int) error {
					return b.codes.Redeem(b.ctx, b.user.ID, codes[4])
				})
				left, err := b.codes.Remaining(b.ctx, b.user.ID)
				require.NoError(t, err)
				require.Equal(t, 9, left)
			})
		})
	}
}
