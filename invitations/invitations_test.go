package invitations_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/racetest"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/invitations"
	"github.com/gatehouse-id/gatehouse/problem"
)

type bundle struct {
	ctx    context.Context
	client *ent.Client
	signup *ent.Flow
	other  *ent.Flow
	now    time.Time
}

func setup(t *testing.T, d string) *bundle {
	t.Helper()
	db := servicetest.Database(t, d)
	ctx := viewer.SystemContext(t.Context())
	flow := func(slug string, designation enum.FlowDesignation) *ent.Flow {
		return db.Ent.Flow.Create().SetSlug(slug).SetName(slug).SetTitle(slug).SetDesignation(designation).SaveX(ctx)
	}
	return &bundle{
		ctx: ctx, client: db.Ent, now: time.Now().Truncate(time.Second),
		signup: flow("signup", enum.FlowDesignationEnrollment), other: flow("other-signup", enum.FlowDesignationEnrollment),
	}
}

func (b *bundle) create(t *testing.T, name string, singleUse bool, expires *time.Time) (*ent.Invitation, string) {
	t.Helper()
	inv, token, err := invitations.Create(b.ctx, b.client, invitations.Params{
		Name: name, FlowID: b.signup.ID, Expires: expires, SingleUse: singleUse, FixedData: map[string]any{"email": "new@example.com"},
	}, b.now)
	require.NoError(t, err)
	return inv, token
}

func TestCreate(t *testing.T) {
	t.Parallel()
	stagetestDialects(t, func(t *testing.T, b *bundle) {
		inv, token := b.create(t, "welcome", true, nil)
		require.GreaterOrEqual(t, len(token), 32)
		require.NotContains(t, inv.KeyHash, token, "only a hash is stored")
		require.Equal(t, map[string]any{"email": "new@example.com"}, inv.FixedData)
		require.Equal(t, "https://login.example.com/if/flow/signup/?itoken="+token, invitations.Link("https://login.example.com", "signup", token))

		login := b.client.Flow.Create().SetSlug("login").SetName("l").SetTitle("l").SetDesignation(enum.FlowDesignationAuthentication).SaveX(b.ctx)
		_, _, err := invitations.Create(b.ctx, b.client, invitations.Params{Name: "x", FlowID: login.ID}, b.now)
		var fe *problem.FieldError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, "flow_id", fe.Field)
		past := b.now.Add(-time.Minute)
		_, _, err = invitations.Create(b.ctx, b.client, invitations.Params{Name: "y", FlowID: b.signup.ID, Expires: &past}, b.now)
		require.ErrorAs(t, err, &fe)
		require.Equal(t, "expires", fe.Field)
		_, _, err = invitations.Create(b.ctx, b.client, invitations.Params{Name: "z", FlowID: 999999}, b.now)
		require.ErrorAs(t, err, &fe)
		n, err := b.client.Invitation.Query().Count(b.ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n, "refused invitations are not stored")
	})
}

func TestRedeem(t *testing.T) {
	t.Parallel()
	stagetestDialects(t, func(t *testing.T, b *bundle) {
		in := b.now.Add(time.Hour)
		single, singleToken := b.create(t, "single", true, &in)
		_, multiToken := b.create(t, "multi", false, nil)

		_, err := invitations.Redeem(b.ctx, b.client, singleToken, b.other.ID, b.now)
		require.ErrorIs(t, err, invitations.ErrInvalid, "another flow's invitation")
		_, err = invitations.Redeem(b.ctx, b.client, singleToken, b.signup.ID, in)
		require.ErrorIs(t, err, invitations.ErrInvalid, "expired at use")
		_, err = invitations.Redeem(b.ctx, b.client, "not-a-token", b.signup.ID, b.now)
		require.ErrorIs(t, err, invitations.ErrInvalid)
		_, err = invitations.Redeem(b.ctx, b.client, "", b.signup.ID, b.now)
		require.ErrorIs(t, err, invitations.ErrInvalid)

		got, err := invitations.Redeem(b.ctx, b.client, singleToken, b.signup.ID, b.now)
		require.NoError(t, err)
		require.Equal(t, single.ID, got.ID)
		require.Equal(t, 1, got.Uses)
		_, err = invitations.Redeem(b.ctx, b.client, singleToken, b.signup.ID, b.now)
		require.ErrorIs(t, err, invitations.ErrInvalid, "a single-use invitation is spent")

		for range 3 {
			_, err = invitations.Redeem(b.ctx, b.client, multiToken, b.signup.ID, b.now)
			require.NoError(t, err)
		}
		multi, err := b.client.Invitation.Query().Where().All(b.ctx)
		require.NoError(t, err)
		uses := map[string]int{}
		for _, i := range multi {
			uses[i.Name] = i.Uses
		}
		require.Equal(t, map[string]int{"single": 1, "multi": 3}, uses)
	})
}

func TestConcurrentRedemptionsOfASingleUseInvitation(t *testing.T) {
	t.Parallel()
	stagetestDialects(t, func(t *testing.T, b *bundle) {
		_, token := b.create(t, "race", true, nil)
		racetest.RequireOneWinner(t, 20, invitations.ErrInvalid, func(int) error {
			_, err := invitations.Redeem(b.ctx, b.client, token, b.signup.ID, b.now)
			return err
		})
	})
}

// stagetestDialects runs test on a fresh bundle of every dialect.
func stagetestDialects(t *testing.T, test func(t *testing.T, b *bundle)) {
	t.Helper()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			test(t, setup(t, d))
		})
	}
}
