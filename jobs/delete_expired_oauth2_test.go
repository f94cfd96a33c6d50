package jobs_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/oauth2token"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/jobs"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
)

// Expired OAuth2 tokens go; an authorization request goes once it has
// expired and no token of its family is left.
func TestDeleteExpiredOAuth2(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			ctx := systemContext(t)
			c := b.db.Ent
			flow := c.Flow.Create().SetSlug("authz").SetName("authz").SetTitle("authz").
				SetDesignation(enum.FlowDesignationAuthorization).SaveX(ctx)
			p := c.OAuth2Provider.Create().SetName("app").SetClientID("app").SetAuthorizationFlow(flow).SaveX(ctx)
			request := func(id string, expires time.Time) {
				c.OAuth2AuthRequest.Create().SetID(id).SetCreatedAt(b.now.Add(-time.Hour)).SetExpiresAt(expires).
					SetProviderID(p.ID).SetClientID("app").SetRedirectURI("https://app.example.com/cb").
					SetScopes([]string{"openid"}).SetResponseType("code").ExecX(ctx)
			}
			token := func(id, family string, expires time.Time) {
				c.OAuth2Token.Create().SetID(id).SetKind(oauth2token.KindAccess).SetFamily(family).
					SetProviderID(p.ID).SetClientID("app").SetScopes([]string{"openid"}).
					SetCreatedAt(b.now.Add(-time.Hour)).SetExpiresAt(expires).ExecX(ctx)
			}
			past, future := b.now.Add(-time.Minute), b.now.Add(time.Hour)
			request("abandoned", past)    // never redeemed, expired: goes
			request("pending", future)    // still in flight: stays
			request("with-live", past)    // its family has a live token: stays
			request("with-expired", past) // its only token expired: both go
			token("live", "with-live", future)
			token("expired", "with-expired", past)

			newWorker := func(c *ent.Client) river.Worker[jobargs.DeleteExpiredTokens] {
				return jobs.NewDeleteExpiredTokensWorker(jobs.Deps{Ent: c, Logger: slog.New(slog.DiscardHandler), NowFunc: b.clock()})
			}
			work(t, b, newWorker, jobargs.DeleteExpiredTokens{})
			requests, err := c.OAuth2AuthRequest.Query().IDs(ctx)
			require.NoError(t, err)
			require.ElementsMatch(t, []string{"pending", "with-live"}, requests)
			tokens, err := c.OAuth2Token.Query().IDs(ctx)
			require.NoError(t, err)
			require.Equal(t, []string{"live"}, tokens)
		})
	}
}
