package applications

import (
	"context"
	"fmt"
	"time"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/application"
	"github.com/gatehouse-id/gatehouse/ent/oauth2authrequest"
	"github.com/gatehouse-id/gatehouse/ent/oauth2token"
	"github.com/gatehouse-id/gatehouse/ent/userconsent"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Connection is an application a user has consented to: a remembered
// consent (a consent stage in permanent or expiring mode) that has not
// lapsed.
type Connection struct {
	Application *ent.Application
	// Scopes are the scopes consented to.
	Scopes []string
	// ConsentedAt is when the user last consented (the consent was
	// remembered or widened).
	ConsentedAt time.Time
	// ExpiresAt is when the consent lapses; nil: never.
	ExpiresAt *time.Time
}

// Connected returns the applications user userID has consented to and
// whose consent has not lapsed, by application name. Consents are
// admin-only data: this reads them with the system's rights, strictly
// for userID.
func Connected(ctx context.Context, client *ent.Client, userID int) ([]Connection, error) {
	consents, err := client.UserConsent.Query().
		Where(
			userconsent.UserID(userID),
			userconsent.Or(userconsent.ExpiresAtIsNil(), userconsent.ExpiresAtGT(time.Now())),
		).
		WithApplication().
		Order(userconsent.ByApplicationField(application.FieldName), userconsent.ByID()).
		All(viewer.SystemContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("read the consents of user %d: %w", userID, err)
	}
	out := make([]Connection, len(consents))
	for i, c := range consents {
		out[i] = Connection{Application: c.Edges.Application, Scopes: c.Scopes, ConsentedAt: c.UpdatedAt, ExpiresAt: c.ExpiresAt}
	}
	return out, nil
}

// RevokeAccess forgets user userID's consent to the application slug and
// revokes every token (access and refresh) its provider issued to the
// user, so the application loses access at once and the next sign-in
// asks for consent again. A code issued to the application for the user
// and not yet exchanged stops working too (its request expires now), so
// no token is issued after the revocation. problem.ErrNotFound when the user has no
// consent for slug (lapsed or not). Run it in a transaction: the consent
// and the tokens go together.
func RevokeAccess(ctx context.Context, client *ent.Client, userID int, slug string) error {
	sys := viewer.SystemContext(ctx)
	app, err := client.Application.Query().Where(application.Slug(slug)).WithProvider().Only(sys)
	if ent.IsNotFound(err) {
		return fmt.Errorf("application %q: %w", slug, problem.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("read application %q: %w", slug, err)
	}
	n, err := client.UserConsent.Delete().
		Where(userconsent.UserID(userID), userconsent.ApplicationID(app.ID)).
		Exec(sys)
	if err != nil {
		return fmt.Errorf("forget the consent of user %d to %q: %w", userID, slug, err)
	}
	if n == 0 {
		return fmt.Errorf("consent to application %q: %w", slug, problem.ErrNotFound)
	}
	p := app.Edges.Provider
	if p == nil {
		return nil // no provider: nothing was issued
	}
	now := time.Now()
	err = client.OAuth2Token.Update().
		Where(
			oauth2token.ClientID(p.ClientID),
			oauth2token.UserID(userID),
			oauth2token.RevokedAtIsNil(),
		).
		SetRevokedAt(now).
		Exec(sys)
	if err != nil {
		return fmt.Errorf("revoke the tokens of user %d at %q: %w", userID, slug, err)
	}
	err = client.OAuth2AuthRequest.Update().
		Where(
			oauth2authrequest.ClientID(p.ClientID),
			oauth2authrequest.UserID(userID),
			oauth2authrequest.RedeemedAtIsNil(),
			oauth2authrequest.ExpiresAtGT(now),
		).
		SetExpiresAt(now).
		Exec(sys)
	if err != nil {
		return fmt.Errorf("expire the pending codes of user %d at %q: %w", userID, slug, err)
	}
	return nil
}
