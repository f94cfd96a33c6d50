package graph

import (
	"context"
	"strconv"
	"time"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/graph/model"
	"github.com/gatehouse-id/gatehouse/oidc/clients"
	"github.com/gatehouse-id/gatehouse/outposts"
)

// The admin's writes of secrets: each is audited by what it did
// (PASSWORD_SET, SECRET_ROTATE) in the mutation's transaction, on top of
// the model event the audit hook records, so that notification rules and
// the audit log can single them out. Events name the object, never the
// secret.

// Model names as the audit log's model events spell them.
const (
	modelOAuth2Provider = "oauth2_provider"
	modelOutpost        = "outpost"
)

// setUserPassword sets (or, with nil, removes) user id's password.
func (r *Resolver) setUserPassword(ctx context.Context, id string, password *string) (*ent.User, error) {
	nid, err := parseID(id)
	if err != nil {
		return nil, err
	}
	hash := ""
	if password != nil {
		if hash, err = r.hashPassword(ctx, *password); err != nil {
			return nil, err
		}
	}
	c := ent.FromContext(ctx)
	u, err := c.User.UpdateOneID(nid).SetPasswordChangedAt(time.Now()).SetPasswordHash(hash).Save(ctx)
	if err != nil {
		return nil, err
	}
	return u, r.audit(ctx, c, enum.EventActionPasswordSet, audit.Subject(map[string]any{"removed": password == nil}, u))
}

// rotateClientSecret gives OAuth2 provider id a new client secret.
func (r *Resolver) rotateClientSecret(ctx context.Context, id string) (*model.CreateOAuth2ProviderPayload, error) {
	nid, err := parseID(id)
	if err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	if err := refuseManaged(ctx, c, nid); err != nil {
		return nil, err
	}
	p, secret, err := clients.RotateSecret(ctx, c, nid)
	if err != nil {
		return nil, err
	}
	return providerPayload(p, secret), r.audit(ctx, c, enum.EventActionSecretRotate, secretRotated(modelOAuth2Provider, p.ID, p.Name, "client_secret"))
}

// rotateOutpostToken gives outpost id a new token.
func (r *Resolver) rotateOutpostToken(ctx context.Context, id string) (*model.CreateOutpostPayload, error) {
	nid, err := parseID(id)
	if err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	o, token, err := outposts.RotateToken(ctx, c, nid)
	if err != nil {
		return nil, err
	}
	return &model.CreateOutpostPayload{Outpost: o, Token: token}, r.audit(ctx, c, enum.EventActionSecretRotate, secretRotated(modelOutpost, o.ID, o.Name, "token"))
}

// secretRotated is the context of a SECRET_ROTATE event: the object (its
// model as model events name it, ID and name) and the secret's field name.
func secretRotated(modelName string, id int, name, field string) map[string]any {
	return map[string]any{audit.KeyModel: modelName, "id": strconv.Itoa(id), "name": name, "secret": field} //nolint:goconst // the event's context keys, as the audit hook writes them
}

// audit records action with c (a mutation's transaction: the event is
// written, or not, with the change).
func (r *Resolver) audit(ctx context.Context, c *ent.Client, action enum.EventAction, data map[string]any) error {
	if r.Auditor == nil {
		return nil
	}
	_, err := r.Auditor.Record(ctx, c, action, data)
	return err
}
