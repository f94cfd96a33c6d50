package graph_test

import (
	"context"
	"maps"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent/oauth2provider"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/signingkey"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/oidc/keys"
)

const signingKeysQuery = `{ signingKeys(orderBy: {field: CREATED_AT}) { edges { node {
	id kid algorithm createdAt retiredAt expiresAt current pinnedBy { name } } } } }`

// signingKeyNode is a SigningKey as signingKeysQuery reads it.
type signingKeyNode struct {
	ID, Kid, Algorithm string
	CreatedAt          time.Time
	RetiredAt          *time.Time
	ExpiresAt          *time.Time
	Current            bool
	PinnedBy           []struct{ Name string }
}

// signingKeys lists the keys as the admin console does, by kid.
func (b *testBundle) signingKeys(t *testing.T) map[string]signingKeyNode {
	t.Helper()
	var out struct {
		SigningKeys struct {
			Edges []struct{ Node signingKeyNode }
		}
	}
	b.mustDo(t, b.admin, signingKeysQuery, nil, &out)
	byKid := map[string]signingKeyNode{}
	for _, e := range out.SigningKeys.Edges {
		byKid[e.Node.Kid] = e.Node
	}
	return byKid
}

// pinned is a provider's pinned key and algorithm as the API shows them.
type pinned struct {
	SigningAlgorithm string
	SigningKey       *struct{ ID, Kid string }
}

const updatePinned = `mutation($id: ID!, $in: UpdateOAuth2ProviderInput!) {
	updateOAuth2Provider(id: $id, input: $in) { signingAlgorithm signingKey { id kid } } }`

// A provider pins a signing key by ID: its algorithm becomes the key's;
// the update can change or clear the key; the keys list shows which keys
// are current, which providers pin them, and when retired ones expire.
func TestOAuth2ProviderPinsASigningKey(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		ctx := viewer.SystemContext(context.Background())
		require.NoError(t, b.keys.Ensure(t.Context()))
		rs, err := b.keys.Signer(t.Context(), enum.SigningAlgorithmRS256)
		require.NoError(t, err)
		es, err := b.keys.Signer(t.Context(), enum.SigningAlgorithmES256)
		require.NoError(t, err)
		list := b.signingKeys(t)
		require.Len(t, list, 2)
		for _, k := range list {
			require.True(t, k.Current)
			require.Nil(t, k.RetiredAt)
			require.Nil(t, k.ExpiresAt, "a current key does not expire")
			require.Empty(t, k.PinnedBy)
		}
		esID, rsID := list[es.ID].ID, list[rs.ID].ID

		flowID := b.createFlow(t, "consent", enum.FlowDesignationAuthorization)
		var out struct {
			CreateOAuth2Provider struct {
				Provider struct {
					pinned

					ID string
				}
			}
		}
		b.mustDo(t, b.admin, `mutation($in: CreateOAuth2ProviderInput!) { createOAuth2Provider(input: $in) {
			provider { id signingAlgorithm signingKey { id kid } } } }`, map[string]any{"in": map[string]any{
			"name": "Legacy", "redirectUris": []any{}, "authorizationFlowID": flowID, "signingKeyID": esID,
		}}, &out)
		p := out.CreateOAuth2Provider.Provider
		require.Equal(t, "ES256", p.SigningAlgorithm, "giving only the key sets the algorithm")
		require.NotNil(t, p.SigningKey)
		require.Equal(t, es.ID, p.SigningKey.Kid)
		require.Equal(t, []struct{ Name string }{{"Legacy"}}, b.signingKeys(t)[es.ID].PinnedBy)

		var plain struct{ CreateOAuth2Provider struct{ Provider pinned } }
		b.mustDo(t, b.admin, `mutation($in: CreateOAuth2ProviderInput!) { createOAuth2Provider(input: $in) {
			provider { signingAlgorithm signingKey { id kid } } } }`, map[string]any{"in": map[string]any{
			"name": "Plain", "redirectUris": []any{}, "authorizationFlowID": flowID,
		}}, &plain)
		require.Equal(t, "RS256", plain.CreateOAuth2Provider.Provider.SigningAlgorithm, "RS256 when neither is given")
		require.Nil(t, plain.CreateOAuth2Provider.Provider.SigningKey)

		// While the key is pinned, the algorithm is the key's.
		e := requireCode(t, b.do(t, b.admin, updatePinned, map[string]any{"id": p.ID, "in": map[string]any{"signingAlgorithm": "RS256"}}), "VALIDATION_FAILED")
		require.Equal(t, "signingAlgorithm", e.Extensions["field"])
		require.Contains(t, e.Message, es.ID)
		var upd struct{ UpdateOAuth2Provider pinned }
		b.mustDo(t, b.admin, updatePinned, map[string]any{"id": p.ID, "in": map[string]any{"signingAlgorithm": "ES256", "name": "Legacy app"}}, &upd)
		require.Equal(t, es.ID, upd.UpdateOAuth2Provider.SigningKey.Kid)

		// Another key: the algorithm follows; the first key is unpinned.
		b.mustDo(t, b.admin, updatePinned, map[string]any{"id": p.ID, "in": map[string]any{"signingKeyID": rsID}}, &upd)
		require.Equal(t, "RS256", upd.UpdateOAuth2Provider.SigningAlgorithm)
		require.Equal(t, rs.ID, upd.UpdateOAuth2Provider.SigningKey.Kid)
		esRow := b.client.SigningKey.Query().Where(signingkey.Kid(es.ID)).OnlyX(ctx)
		require.NotNil(t, esRow.UnpinnedAt, "the key the provider pinned before is recorded unpinned")
		require.WithinDuration(t, time.Now(), *esRow.UnpinnedAt, time.Minute)
		require.Empty(t, b.signingKeys(t)[es.ID].PinnedBy)

		// Cleared: the algorithm stays; the current key signs again.
		b.mustDo(t, b.admin, updatePinned, map[string]any{"id": p.ID, "in": map[string]any{"clearSigningKey": true}}, &upd)
		require.Nil(t, upd.UpdateOAuth2Provider.SigningKey)
		require.Equal(t, "RS256", upd.UpdateOAuth2Provider.SigningAlgorithm)
		require.NotNil(t, b.client.SigningKey.Query().Where(signingkey.Kid(rs.ID)).OnlyX(ctx).UnpinnedAt)

		// Deleting a provider unpins its key.
		b.mustDo(t, b.admin, updatePinned, map[string]any{"id": p.ID, "in": map[string]any{"signingKeyID": esID}}, &upd)
		before := *b.client.SigningKey.Query().Where(signingkey.Kid(es.ID)).OnlyX(ctx).UnpinnedAt
		b.mustDo(t, b.admin, `mutation($id: ID!) { deleteOAuth2Provider(id: $id) }`, map[string]any{"id": p.ID}, nil)
		after := b.client.SigningKey.Query().Where(signingkey.Kid(es.ID)).OnlyX(ctx).UnpinnedAt
		require.False(t, after.Before(before), "deleting the provider records the unpinning")
		require.Empty(t, b.signingKeys(t)[es.ID].PinnedBy)
	})
}

// A rotated key is listed retired with its expiry; pinning it (allowed
// while it is published) hides the expiry, as it no longer runs.
func TestSigningKeysListRetiredAndPinned(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite3")
	ctx := viewer.SystemContext(context.Background())
	require.NoError(t, b.keys.Ensure(t.Context()))
	old, err := b.keys.Signer(t.Context(), enum.SigningAlgorithmES256)
	require.NoError(t, err)
	_, _, err = b.keys.Rotate(t.Context(), 0)
	require.NoError(t, err)
	list := b.signingKeys(t)
	require.Len(t, list, 4)
	k := list[old.ID]
	require.False(t, k.Current)
	require.NotNil(t, k.RetiredAt)
	require.NotNil(t, k.ExpiresAt)
	require.Equal(t, k.RetiredAt.Add(keys.TokenLifetime+keys.Skew), *k.ExpiresAt)
	current := 0
	for _, k := range list {
		if k.Current {
			current++
			require.Nil(t, k.RetiredAt)
		}
	}
	require.Equal(t, 2, current, "one current key per algorithm")

	flowID := b.createFlow(t, "consent", enum.FlowDesignationAuthorization)
	b.provider(t, flowID, map[string]any{"name": "Old RP", "signingKeyID": k.ID})
	k = b.signingKeys(t)[old.ID]
	require.Nil(t, k.ExpiresAt, "a pinned key does not expire")
	require.NotNil(t, k.RetiredAt, "pinning un-retires nothing")
	require.Equal(t, "Old RP", k.PinnedBy[0].Name)
	require.Equal(t, enum.SigningAlgorithmES256, b.client.OAuth2Provider.Query().Where(oauth2provider.Name("Old RP")).OnlyX(ctx).SigningAlgorithm)
}

// Keys that cannot be pinned, and contradictory inputs, are field errors
// that store nothing.
func TestOAuth2ProviderSigningKeyBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite3")
	ctx := viewer.SystemContext(context.Background())
	require.NoError(t, b.keys.Ensure(t.Context()))
	list := b.signingKeys(t)
	var esID, rsID string
	for _, k := range list {
		if k.Algorithm == "ES256" {
			esID = k.ID
		} else {
			rsID = k.ID
		}
	}
	// A key sealed under another secret key (a server whose secret key
	// was changed made it), and a key retired past its retention.
	other, err := keys.New(b.client, testSecretKey+"-changed", keys.Options{})
	require.NoError(t, err)
	require.NoError(t, other.Ensure(t.Context()))
	var sealedID string
	for kid, k := range b.signingKeys(t) {
		if _, ok := list[kid]; !ok {
			sealedID = k.ID
		}
	}
	require.NotEmpty(t, sealedID)
	expired, err := strconv.Atoi(rsID)
	require.NoError(t, err)
	b.client.SigningKey.UpdateOneID(expired).SetRetiredAt(time.Now().Add(-keys.TokenLifetime - keys.Skew - time.Minute)).ExecX(ctx)
	consent := b.createFlow(t, "consent", enum.FlowDesignationAuthorization)

	tests := []struct {
		name, field, message string
		in                   map[string]any
	}{
		{"unknown key", "signingKey", "no signing key", map[string]any{"signingKeyID": consent}},
		{"sealed key", "signingKey", "secret key", map[string]any{"signingKeyID": sealedID}},
		{"expired key", "signingKey", "no longer published", map[string]any{"signingKeyID": rsID}},
		{"algorithm other than the key's", "signingAlgorithm", "ES256", map[string]any{"signingKeyID": esID, "signingAlgorithm": "RS256"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			input := map[string]any{"name": "New " + tt.name, "redirectUris": []any{}, "authorizationFlowID": consent}
			maps.Copy(input, tt.in)
			e := requireCode(t, b.do(t, b.admin, createProvider, map[string]any{"in": input}), "VALIDATION_FAILED")
			require.Equal(t, tt.field, e.Extensions["field"], "%+v", e)
			require.Contains(t, e.Message, tt.message)
			n, err := b.client.OAuth2Provider.Query().Where(oauth2provider.Name("New " + tt.name)).Count(ctx)
			require.NoError(t, err)
			require.Zero(t, n, "nothing stored")
		})
	}

	t.Run("update", func(t *testing.T) {
		t.Parallel()
		p := b.provider(t, consent, map[string]any{"name": "Updated"}).Provider
		for _, tt := range tests {
			e := requireCode(t, b.do(t, b.admin, updatePinned, map[string]any{"id": p.ID, "in": tt.in}), "VALIDATION_FAILED")
			require.Equal(t, tt.field, e.Extensions["field"], "%s: %+v", tt.name, e)
		}
		e := requireCode(t, b.do(t, b.admin, updatePinned, map[string]any{"id": p.ID, "in": map[string]any{"signingKeyID": esID, "clearSigningKey": true}}), "VALIDATION_FAILED")
		require.Equal(t, "clearSigningKey", e.Extensions["field"])
		stored := b.client.OAuth2Provider.Query().Where(oauth2provider.Name("Updated")).OnlyX(ctx)
		require.Nil(t, stored.SigningKeyID, "nothing pinned")
		require.Equal(t, enum.SigningAlgorithmRS256, stored.SigningAlgorithm)
	})

	// Only superusers see keys or pin them.
	requireCode(t, b.do(t, b.alice, `{ signingKeys { edges { node { kid current expiresAt } } } }`, nil), "FORBIDDEN")
}
