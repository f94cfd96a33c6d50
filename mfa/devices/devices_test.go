package devices_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/totpdevice"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/mfa/devices"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/session"
)

func TestFresh(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name    string
		session *session.Session
		want    bool
	}{
		{"no session (an API token)", nil, false},
		{"password only", &session.Session{CreatedAt: now, Methods: []string{"password"}}, false},
		{"password and an authenticator app", &session.Session{CreatedAt: now.Add(-time.Minute), Methods: []string{"password", "totp"}}, true},
		{"a recovery code", &session.Session{CreatedAt: now, Methods: []string{"password", "static"}}, true},
		{"a security key", &session.Session{CreatedAt: now, Methods: []string{"password", "webauthn"}}, true},
		{"a passkey login", &session.Session{CreatedAt: now, Methods: []string{"passkey"}}, true},
		{"exactly the window ago", &session.Session{CreatedAt: now.Add(-devices.FreshWindow), Methods: []string{"totp"}}, true},
		{"stale: eleven minutes ago", &session.Session{CreatedAt: now.Add(-11 * time.Minute), Methods: []string{"password", "totp"}}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, c.want, devices.Fresh(c.session, now))
		})
	}
}

type bundle struct {
	ctx    context.Context
	client *ent.Client
	grace  *ent.User
	now    time.Time
	d      *devices.Devices
}

func setup(t *testing.T, dialect string) *bundle {
	t.Helper()
	db := servicetest.Database(t, dialect)
	ctx := viewer.SystemContext(t.Context())
	now := time.Now()
	grace := db.Ent.User.Create().SetUsername("grace").SaveX(ctx)
	return &bundle{ctx: ctx, client: db.Ent, grace: grace, now: now, d: &devices.Devices{NowFunc: func() time.Time { return now }}}
}

func (b *bundle) totp(t *testing.T, confirmed bool) *ent.TOTPDevice {
	t.Helper()
	return b.client.TOTPDevice.Create().SetUserID(b.grace.ID).SetName("app").SetSecret([]byte("sealed")).SetConfirmed(confirmed).SaveX(b.ctx)
}

// codes makes a set of recovery codes, used ones first.
func (b *bundle) codes(t *testing.T, used, unused int) *ent.StaticDevice {
	t.Helper()
	set := b.client.StaticDevice.Create().SetUserID(b.grace.ID).SetName("codes").SaveX(b.ctx)
	for i := range used + unused {
		c := b.client.StaticToken.Create().SetDeviceID(set.ID).SetCodeHash([]byte{byte(set.ID), byte(i)})
		if i < used {
			c.SetUsedAt(b.now)
		}
		c.ExecX(b.ctx)
	}
	return set
}

func TestDelete(t *testing.T) {
	t.Parallel()
	stagetest.Dialects(t, setup, map[string]func(t *testing.T, b *bundle){
		"the last second factor needs a fresh session, and stays without one": func(t *testing.T, b *bundle) {
			app := b.totp(t, true)
			b.totp(t, false) // never confirmed: no second factor
			b.codes(t, 3, 0) // every code used: no second factor either
			left, err := b.d.Remaining(b.ctx, b.client, b.grace.ID)
			require.NoError(t, err)
			require.Equal(t, 1, left)
			stale := &session.Session{CreatedAt: b.now.Add(-devices.FreshWindow - time.Second), Methods: []string{"password", "totp"}}
			err = b.d.Delete(b.ctx, b.client, devices.DeleteParams{ID: app.ID, Owner: &b.grace.ID, Session: stale})
			require.ErrorIs(t, err, problem.ErrMFARequired)
			require.True(t, b.client.TOTPDevice.Query().Where(totpdevice.ID(app.ID)).ExistX(b.ctx), "the device stays")

			fresh := &session.Session{CreatedAt: b.now.Add(-time.Minute), Methods: []string{"password", "totp"}}
			require.NoError(t, b.d.Delete(b.ctx, b.client, devices.DeleteParams{ID: app.ID, Owner: &b.grace.ID, Session: fresh}))
			require.False(t, b.client.TOTPDevice.Query().Where(totpdevice.ID(app.ID)).ExistX(b.ctx))
		},
		"another factor left: no fresh session needed": func(t *testing.T, b *bundle) {
			app := b.totp(t, true)
			b.codes(t, 9, 1)
			require.NoError(t, b.d.Delete(b.ctx, b.client, devices.DeleteParams{ID: app.ID, Owner: &b.grace.ID}))
			list, err := b.d.List(b.ctx, b.client, b.grace.ID)
			require.NoError(t, err)
			require.Len(t, list, 1)
			require.Equal(t, devices.ClassStatic, list[0].Class)
			require.Equal(t, 1, *list[0].RemainingCodes)
		},
		"codes by email count once their address is proven, and are listed, renamed and deleted": func(t *testing.T, b *bundle) {
			mail := func(confirmed bool) *ent.EmailDevice {
				return b.client.EmailDevice.Create().SetUserID(b.grace.ID).SetName("mail").SetEmail("grace@example.com").SetConfirmed(confirmed).SaveX(b.ctx)
			}
			pending := mail(false)
			dev := mail(true)
			app := b.totp(t, true)
			left, err := b.d.Remaining(b.ctx, b.client, b.grace.ID)
			require.NoError(t, err)
			require.Equal(t, 2, left, "an unproven address is no second factor")
			list, err := b.d.List(b.ctx, b.client, b.grace.ID)
			require.NoError(t, err)
			require.Len(t, list, 2)
			require.Equal(t, devices.ClassEmail, list[1].Class)
			renamed, err := b.d.Rename(b.ctx, b.client, b.grace.ID, dev.ID, "Work mail")
			require.NoError(t, err)
			require.Equal(t, "Work mail", renamed.Name)
			_, err = b.d.Rename(b.ctx, b.client, b.grace.ID, pending.ID, "x")
			require.ErrorIs(t, err, problem.ErrNotFound)
			require.NoError(t, b.d.Delete(b.ctx, b.client, devices.DeleteParams{ID: app.ID, Owner: &b.grace.ID}), "codes by email are left")
			stale := &session.Session{CreatedAt: b.now.Add(-devices.FreshWindow - time.Second), Methods: []string{"password", "email"}}
			require.ErrorIs(t, b.d.Delete(b.ctx, b.client, devices.DeleteParams{ID: dev.ID, Owner: &b.grace.ID, Session: stale}), problem.ErrMFARequired)
			fresh := &session.Session{CreatedAt: b.now.Add(-time.Minute), Methods: []string{"password", "email"}}
			require.NoError(t, b.d.Delete(b.ctx, b.client, devices.DeleteParams{ID: dev.ID, Owner: &b.grace.ID, Session: fresh}))
		},
		"deletions at once cannot remove the last factor without a fresh session": func(t *testing.T, b *bundle) {
			const n = 10
			ids := make([]int, n)
			for i := range ids {
				ids[i] = b.totp(t, true).ID
			}
			stale := &session.Session{CreatedAt: b.now.Add(-devices.FreshWindow - time.Second), Methods: []string{"password", "totp"}}
			errs := make(chan error, n)
			var wg sync.WaitGroup
			for _, id := range ids {
				wg.Go(func() {
					// As deleteAuthenticatorDevice does: in the mutation's transaction.
					tx, err := b.client.Tx(b.ctx)
					if err != nil {
						errs <- err
						return
					}
					err = b.d.Delete(b.ctx, tx.Client(), devices.DeleteParams{ID: id, Owner: &b.grace.ID, Session: stale})
					if err != nil {
						_ = tx.Rollback()
						errs <- err
						return
					}
					errs <- tx.Commit()
				})
			}
			wg.Wait()
			close(errs)
			deleted, refused := 0, 0
			for err := range errs {
				switch {
				case err == nil:
					deleted++
				case errors.Is(err, problem.ErrMFARequired):
					refused++
				default:
					t.Errorf("unexpected error: %v", err)
				}
			}
			require.Equal(t, n-1, deleted)
			require.Equal(t, 1, refused, "the last one asks for a fresh second factor")
			left, err := b.d.Remaining(b.ctx, b.client, b.grace.ID)
			require.NoError(t, err)
			require.Equal(t, 1, left)
		},
		"an administrator's deletion is not checked; another owner's device is not found": func(t *testing.T, b *bundle) {
			set := b.codes(t, 0, 2)
			other := b.client.User.Create().SetUsername("ada").SaveX(b.ctx)
			err := b.d.Delete(b.ctx, b.client, devices.DeleteParams{ID: set.ID, Owner: &other.ID})
			require.ErrorIs(t, err, problem.ErrNotFound)
			require.NoError(t, b.d.Delete(b.ctx, b.client, devices.DeleteParams{ID: set.ID}))
			require.Zero(t, b.client.StaticToken.Query().CountX(b.ctx), "the codes went with their set")
			require.ErrorIs(t, b.d.Delete(b.ctx, b.client, devices.DeleteParams{ID: set.ID}), problem.ErrNotFound)
		},
	})
}
