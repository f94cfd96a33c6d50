package outposts

import (
	"context"
	"fmt"

	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/outpost"
	"github.com/gatehouse-id/gatehouse/ent/proxyprovider"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Create creates a standalone outpost serving providerIDs and returns it
// with its token, shown this once (only its hash is stored).
func Create(ctx context.Context, c *ent.Client, name string, typ enum.OutpostType, providerIDs []int) (*ent.Outpost, string, error) {
	if err := checkProviders(ctx, c, "provider_ids", providerIDs); err != nil {
		return nil, "", err
	}
	token, err := newToken()
	if err != nil {
		return nil, "", err
	}
	o, err := c.Outpost.Create().
		SetName(name).
		SetType(typ).
		SetTokenHash(credential.HashTokenSecret(token)).
		AddProviderIDs(providerIDs...).
		Save(ctx)
	if err != nil {
		return nil, "", err
	}
	return o, token, nil
}

// UpdateParams change an outpost; nil keeps the name.
type UpdateParams struct {
	Name              *string
	AddProviderIDs    []int
	RemoveProviderIDs []int
}

// Update renames an outpost and assigns or unassigns proxy providers.
func Update(ctx context.Context, c *ent.Client, id int, p UpdateParams) (*ent.Outpost, error) {
	if err := checkProviders(ctx, c, "add_provider_ids", p.AddProviderIDs); err != nil {
		return nil, err
	}
	return c.Outpost.UpdateOneID(id).
		SetNillableName(p.Name).
		AddProviderIDs(p.AddProviderIDs...).
		RemoveProviderIDs(p.RemoveProviderIDs...).
		Save(ctx)
}

// RotateToken gives a standalone outpost a new token, returned this once;
// the old one stops working at once. The embedded outpost's token is
// derived from the secret key: rotating it is refused.
func RotateToken(ctx context.Context, c *ent.Client, id int) (*ent.Outpost, string, error) {
	o, err := c.Outpost.Get(ctx, id)
	if err != nil {
		return nil, "", err
	}
	if o.Embedded {
		return nil, "", &problem.PreconditionError{Reason: "embedded_outpost", Message: "the embedded outpost's token is derived from the server's secret key; it cannot be rotated"}
	}
	token, err := newToken()
	if err != nil {
		return nil, "", err
	}
	o, err = c.Outpost.UpdateOneID(id).SetTokenHash(credential.HashTokenSecret(token)).Save(ctx)
	if err != nil {
		return nil, "", err
	}
	return o, token, nil
}

// Delete deletes a standalone outpost; its providers go back to the
// embedded outpost. The embedded outpost cannot be deleted.
func Delete(ctx context.Context, c *ent.Client, id int) error {
	o, err := c.Outpost.Get(ctx, id)
	if err != nil {
		return err
	}
	if o.Embedded {
		return &problem.PreconditionError{Reason: "embedded_outpost", Message: "the embedded outpost cannot be deleted"}
	}
	return c.Outpost.DeleteOne(o).Exec(ctx)
}

// EnsureEmbedded creates the embedded outpost if there is none, and makes
// its stored token hash match the token derived from secretKey (which
// changes when the secret key does). Bootstrap calls it on every start,
// with the system's rights.
func EnsureEmbedded(ctx context.Context, c *ent.Client, secretKey string) (*ent.Outpost, error) {
	hash := credential.HashTokenSecret(EmbeddedToken(secretKey))
	o, err := c.Outpost.Query().Where(outpost.Embedded(true)).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		o, err = c.Outpost.Create().SetName(EmbeddedName).SetEmbedded(true).SetTokenHash(hash).Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("create the embedded outpost: %w", err)
		}
		return o, nil
	case err != nil:
		return nil, fmt.Errorf("read the embedded outpost: %w", err)
	case o.TokenHash == hash:
		return o, nil
	}
	return c.Outpost.UpdateOneID(o.ID).SetTokenHash(hash).Save(ctx)
}

// checkProviders refuses IDs that are no proxy provider's.
func checkProviders(ctx context.Context, c *ent.Client, field string, ids []int) error {
	if len(ids) == 0 {
		return nil
	}
	n, err := c.ProxyProvider.Query().Where(proxyprovider.IDIn(ids...)).Count(ctx)
	if err != nil {
		return fmt.Errorf("read proxy providers: %w", err)
	}
	unique := map[int]bool{}
	for _, id := range ids {
		unique[id] = true
	}
	if n != len(unique) {
		return problem.Invalid(field, "names a proxy provider that does not exist")
	}
	return nil
}
