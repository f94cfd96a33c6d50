package graph

import (
	"context"
	"errors"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/notify"
)

// The admin's writes of notification transports: the webhook secret
// given in the input is sealed (notify.Secrets, bound to the row's
// secret_binding) before the row is written, so the database never holds
// it readable; the webhook mapping is compiled first, so a mapping that
// cannot work is a field error now rather than a failed delivery later.

// createNotificationTransport creates a transport from input.
func (r *Resolver) createNotificationTransport(ctx context.Context, input ent.CreateNotificationTransportInput) (*ent.NotificationTransport, error) {
	if input.WebhookMapping != nil {
		if err := notify.CheckMapping(*input.WebhookMapping); err != nil {
			return nil, err
		}
	}
	create := ent.FromContext(ctx).NotificationTransport.Create()
	if input.WebhookSecret != nil && *input.WebhookSecret != "" {
		binding := notify.NewSecretBinding()
		sealed, err := r.sealWebhookSecret(binding, *input.WebhookSecret)
		if err != nil {
			return nil, err
		}
		input.WebhookSecret = &sealed
		create.SetSecretBinding(binding)
	}
	return create.SetInput(input).Save(ctx)
}

// updateNotificationTransport updates transport id from input; an empty
// webhookSecret clears the secret (stored as is: there is nothing to seal).
func (r *Resolver) updateNotificationTransport(ctx context.Context, id string, input ent.UpdateNotificationTransportInput) (*ent.NotificationTransport, error) {
	nid, err := parseID(id)
	if err != nil {
		return nil, err
	}
	if input.WebhookMapping != nil {
		if err := notify.CheckMapping(*input.WebhookMapping); err != nil {
			return nil, err
		}
	}
	c := ent.FromContext(ctx)
	if input.WebhookSecret != nil && *input.WebhookSecret != "" {
		t, err := c.NotificationTransport.Get(ctx, nid)
		if err != nil {
			return nil, err
		}
		sealed, err := r.sealWebhookSecret(t.SecretBinding, *input.WebhookSecret)
		if err != nil {
			return nil, err
		}
		input.WebhookSecret = &sealed
	}
	return c.NotificationTransport.UpdateOneID(nid).SetInput(input).Save(ctx)
}

// sealWebhookSecret seals secret for the transport whose secret_binding is
// binding.
func (r *Resolver) sealWebhookSecret(binding, secret string) (string, error) {
	secrets, err := notify.NewSecrets(r.Secrets)
	if err != nil {
		return "", errors.Join(errNoSecretKey, err)
	}
	return secrets.Seal(binding, secret)
}

// errNoSecretKey is a server without a secret key asked to seal.
var errNoSecretKey = errors.New("webhook secrets cannot be sealed: the server has no secret key")
