package keys_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/signingkey"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/oidc/keys"
)

const secret = "a-secret-key-of-at-least-32-characters"

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func newStore(t *testing.T, client *ent.Client, secretKey string, c *clock) *keys.Store {
	t.Helper()
	s, err := keys.New(client, secretKey, keys.Options{NowFunc: c.Now})
	require.NoError(t, err)
	return s
}

// verifies reports whether the public key of pubs with key's ID verifies
// a signature key makes.
func verifies(t *testing.T, pubs []keys.PublicKey, key *keys.Key) bool {
	t.Helper()
	digest := sha256.Sum256([]byte("header.payload"))
	sig, err := key.Private.Sign(rand.Reader, digest[:], crypto.SHA256)
	require.NoError(t, err)
	for _, p := range pubs {
		if p.ID != key.ID {
			continue
		}
		require.Equal(t, key.Algorithm, p.Algorithm)
		switch pub := p.Public.(type) {
		case *rsa.PublicKey:
			return rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig) == nil
		case *ecdsa.PublicKey:
			return ecdsa.VerifyASN1(pub, digest[:], sig)
		}
	}
	return false
}

func kids(pubs []keys.PublicKey) []string {
	out := make([]string, len(pubs))
	for i, p := range pubs {
		out[i] = p.ID
	}
	return out
}

func TestKeys(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			client := servicetest.Database(t, d).Ent
			ctx := t.Context()
			c := &clock{now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
			s := newStore(t, client, secret, c)

			_, err := s.Signer(ctx, enum.SigningAlgorithmRS256)
			require.ErrorIs(t, err, keys.ErrNoKey, "no key before the first start")
			require.NoError(t, s.Ensure(ctx))
			require.NoError(t, s.Ensure(ctx))
			rows := client.SigningKey.Query().AllX(viewer.SystemContext(ctx))
			require.Len(t, rows, 2, "one key per algorithm, created once")

			for _, row := range rows {
				_, err := x509.ParsePKCS8PrivateKey(row.PrivateKey)
				require.Error(t, err, "the private key is not stored in the clear")
				require.True(t, strings.HasPrefix(row.PublicKey, "-----BEGIN PUBLIC KEY-----"))
			}

			rs, err := s.Signer(ctx, enum.SigningAlgorithmRS256)
			require.NoError(t, err)
			require.IsType(t, &rsa.PrivateKey{}, rs.Private)
			es, err := s.Signer(ctx, enum.SigningAlgorithmES256)
			require.NoError(t, err)
			require.IsType(t, &ecdsa.PrivateKey{}, es.Private)

			// Another replica with the same secret key signs with the
			// same keys, and its JWKS verifies both.
			other := newStore(t, client, secret, c)
			again, err := other.Signer(ctx, enum.SigningAlgorithmRS256)
			require.NoError(t, err)
			require.Equal(t, rs.ID, again.ID)
			pubs, err := other.PublicKeys(ctx)
			require.NoError(t, err)
			require.ElementsMatch(t, []string{rs.ID, es.ID}, kids(pubs))
			require.True(t, verifies(t, pubs, rs))
			require.True(t, verifies(t, pubs, es))

			// Rotation: nothing before the key is due.
			created, deleted, err := s.Rotate(ctx, keys.DefaultRotation)
			require.NoError(t, err)
			require.Zero(t, created+deleted)

			c.Advance(keys.DefaultRotation)
			created, deleted, err = s.Rotate(ctx, keys.DefaultRotation)
			require.NoError(t, err)
			require.Equal(t, 2, created)
			require.Zero(t, deleted)
			created, _, err = s.Rotate(ctx, keys.DefaultRotation)
			require.NoError(t, err)
			require.Zero(t, created, "rotating again changes nothing")

			rs2, err := other.Signer(ctx, enum.SigningAlgorithmRS256)
			require.NoError(t, err)
			require.NotEqual(t, rs.ID, rs2.ID, "new tokens use the new key")
			pubs, err = other.PublicKeys(ctx)
			require.NoError(t, err)
			require.Len(t, pubs, 4)
			require.True(t, verifies(t, pubs, rs), "tokens of the retired key still verify")
			require.True(t, verifies(t, pubs, rs2))

			// Until every token the retired key signed has expired.
			c.Advance(keys.TokenLifetime + keys.Skew - time.Second)
			pubs, err = other.PublicKeys(ctx)
			require.NoError(t, err)
			require.Contains(t, kids(pubs), rs.ID)
			c.Advance(2 * time.Second)
			pubs, err = other.PublicKeys(ctx)
			require.NoError(t, err)
			require.NotContains(t, kids(pubs), rs.ID)
			require.Contains(t, kids(pubs), rs2.ID)
			_, deleted, err = s.Rotate(ctx, keys.DefaultRotation)
			require.NoError(t, err)
			require.Equal(t, 2, deleted, "the retired keys are deleted")
			require.Equal(t, 2, client.SigningKey.Query().CountX(viewer.SystemContext(ctx)))
		})
	}
}

// A server whose secret key changed cannot open the old keys: it creates
// new ones and keeps publishing the old public keys, so tokens already
// issued verify.
func TestChangedSecretKey(t *testing.T) {
	t.Parallel()
	client := servicetest.Database(t, "sqlite3").Ent
	ctx := t.Context()
	c := &clock{now: time.Now()}
	old := newStore(t, client, secret, c)
	require.NoError(t, old.Ensure(ctx))
	oldKey, err := old.Signer(ctx, enum.SigningAlgorithmES256)
	require.NoError(t, err)

	changed := newStore(t, client, secret+"-rotated-by-the-admin", c)
	_, err = changed.Signer(ctx, enum.SigningAlgorithmES256)
	require.ErrorIs(t, err, keys.ErrNoKey)
	require.NoError(t, changed.Ensure(ctx))
	newKey, err := changed.Signer(ctx, enum.SigningAlgorithmES256)
	require.NoError(t, err)
	require.NotEqual(t, oldKey.ID, newKey.ID)
	pubs, err := changed.PublicKeys(ctx)
	require.NoError(t, err)
	require.True(t, verifies(t, pubs, oldKey))
	require.True(t, verifies(t, pubs, newKey))

	// A sealed key copied to another key ID does not open: the key ID is
	// bound to the ciphertext.
	row := client.SigningKey.Query().Where(signingkey.Kid(newKey.ID)).OnlyX(viewer.SystemContext(ctx))
	client.SigningKey.Create().SetKid("copied").SetAlgorithm(row.Algorithm).SetPublicKey(row.PublicKey).
		SetPrivateKey(row.PrivateKey).SetCreatedAt(c.Now().Add(time.Hour)).SetUpdatedAt(c.Now()).
		SaveX(viewer.SystemContext(ctx))
	fresh := newStore(t, client, secret+"-rotated-by-the-admin", c)
	got, err := fresh.Signer(context.Background(), enum.SigningAlgorithmES256)
	require.NoError(t, err)
	require.Equal(t, newKey.ID, got.ID, "the newer, copied key is skipped")
}

func TestNoSecretKey(t *testing.T) {
	t.Parallel()
	_, err := keys.New(nil, "", keys.Options{})
	require.Error(t, err)
}

// pinner is a provider that can pin a key, as oidc/clients stores one.
type pinner struct {
	client *ent.Client
	store  *keys.Store
	id     int
}

func newPinner(t *testing.T, client *ent.Client, store *keys.Store) *pinner {
	t.Helper()
	ctx := viewer.SystemContext(t.Context())
	flow := client.Flow.Create().SetSlug("consent").SetName("consent").SetTitle("Consent").
		SetDesignation(enum.FlowDesignationAuthorization).SaveX(ctx)
	p := client.OAuth2Provider.Create().SetName("legacy").SetClientID("legacy").SetAuthorizationFlowID(flow.ID).SaveX(ctx)
	return &pinner{client: client, store: store, id: p.ID}
}

// pin pins kid, which must be pinnable.
func (p *pinner) pin(t *testing.T, kid string) {
	t.Helper()
	ctx := viewer.SystemContext(t.Context())
	row := p.client.SigningKey.Query().Where(signingkey.Kid(kid)).OnlyX(ctx)
	_, err := p.store.Pinnable(ctx, p.client, row.ID)
	require.NoError(t, err)
	p.client.OAuth2Provider.UpdateOneID(p.id).SetSigningKeyID(row.ID).ExecX(ctx)
}

// unpin clears the pinned key kid and records it.
func (p *pinner) unpin(t *testing.T, kid string) {
	t.Helper()
	ctx := viewer.SystemContext(t.Context())
	row := p.client.SigningKey.Query().Where(signingkey.Kid(kid)).OnlyX(ctx)
	p.client.OAuth2Provider.UpdateOneID(p.id).ClearSigningKey().ExecX(ctx)
	require.NoError(t, p.store.Unpinned(ctx, p.client, row.ID))
}

// row reads key kid; nil when it was deleted.
func row(t *testing.T, client *ent.Client, kid string) *ent.SigningKey {
	t.Helper()
	r, err := client.SigningKey.Query().Where(signingkey.Kid(kid)).Only(viewer.SystemContext(t.Context()))
	if ent.IsNotFound(err) {
		return nil
	}
	require.NoError(t, err)
	return r
}

// A pinned current key is neither retired nor deleted by rotation: a new
// key becomes current for everyone else, the pinned one keeps signing
// for its provider and stays published. Unpinned, it is retired at the
// next rotation and deleted once its tokens have expired.
func TestPinnedKeyIsExemptFromRotation(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			client := servicetest.Database(t, d).Ent
			ctx := t.Context()
			c := &clock{now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
			s := newStore(t, client, secret, c)
			require.NoError(t, s.Ensure(ctx))
			pinned, err := s.Signer(ctx, enum.SigningAlgorithmRS256)
			require.NoError(t, err)
			es, err := s.Signer(ctx, enum.SigningAlgorithmES256)
			require.NoError(t, err)
			p := newPinner(t, client, s)
			p.pin(t, pinned.ID)
			current, err := s.IsCurrent(ctx, row(t, client, pinned.ID))
			require.NoError(t, err)
			require.True(t, current)

			c.Advance(keys.DefaultRotation)
			created, _, err := s.Rotate(ctx, keys.DefaultRotation)
			require.NoError(t, err)
			require.Equal(t, 2, created)
			require.Nil(t, row(t, client, pinned.ID).RetiredAt, "a pinned key is never retired")
			require.NotNil(t, row(t, client, es.ID).RetiredAt, "the unpinned key of the other algorithm is")
			next, err := s.Signer(ctx, enum.SigningAlgorithmRS256)
			require.NoError(t, err)
			require.NotEqual(t, pinned.ID, next.ID, "every other provider signs with the new key")
			current, err = s.IsCurrent(ctx, row(t, client, pinned.ID))
			require.NoError(t, err)
			require.False(t, current)
			got, err := s.Pinned(ctx, row(t, client, pinned.ID).ID)
			require.NoError(t, err)
			require.Equal(t, pinned.ID, got.ID)

			// Long after any retention, the pinned key is still there and
			// published; the unpinned retired one is gone.
			c.Advance(3 * (keys.TokenLifetime + keys.Skew))
			_, deleted, err := s.Rotate(ctx, keys.DefaultRotation)
			require.NoError(t, err)
			require.Equal(t, 1, deleted)
			require.Nil(t, row(t, client, es.ID))
			pubs, err := s.PublicKeys(ctx)
			require.NoError(t, err)
			require.True(t, verifies(t, pubs, pinned), "a pinned key is published")
			expires, err := keys.ExpiresAt(viewer.SystemContext(ctx), row(t, client, pinned.ID))
			require.NoError(t, err)
			require.Nil(t, expires, "no expiry while it may sign")

			// The database refuses to delete a pinned key.
			require.Error(t, client.SigningKey.DeleteOneID(row(t, client, pinned.ID).ID).Exec(viewer.SystemContext(ctx)))

			// Unpinned: an ordinary non-current key again, retired by the
			// next rotation and deleted after the retention.
			p.unpin(t, pinned.ID)
			unpinnedAt := c.Now()
			c.Advance(time.Hour)
			_, deleted, err = s.Rotate(ctx, keys.DefaultRotation)
			require.NoError(t, err)
			require.Zero(t, deleted)
			r := row(t, client, pinned.ID)
			require.NotNil(t, r.RetiredAt, "the next rotation retires it")
			require.True(t, r.RetiredAt.Equal(unpinnedAt.Add(time.Hour)))
			expires, err = keys.ExpiresAt(viewer.SystemContext(ctx), r)
			require.NoError(t, err)
			require.NotNil(t, expires)
			require.True(t, expires.Equal(r.RetiredAt.Add(keys.TokenLifetime+keys.Skew)), "%s", expires)

			c.Advance(keys.TokenLifetime + keys.Skew - time.Second)
			_, deleted, err = s.Rotate(ctx, keys.DefaultRotation)
			require.NoError(t, err)
			require.Zero(t, deleted)
			pubs, err = s.PublicKeys(ctx)
			require.NoError(t, err)
			require.True(t, verifies(t, pubs, pinned), "its last tokens still verify")
			c.Advance(2 * time.Second)
			_, deleted, err = s.Rotate(ctx, keys.DefaultRotation)
			require.NoError(t, err)
			require.Equal(t, 1, deleted)
			require.Nil(t, row(t, client, pinned.ID))
		})
	}
}

// A retired key can be pinned while it is published; pinning stops its
// clock (it stays retired, published and undeleted), and unpinning
// restarts the whole retention from then: the tokens it signed last
// verify as long as any other key's. A key past its retention, a deleted
// one or one this server cannot open cannot be pinned.
func TestPinningARetiredKey(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			client := servicetest.Database(t, d).Ent
			ctx := t.Context()
			sys := viewer.SystemContext(ctx)
			c := &clock{now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
			s := newStore(t, client, secret, c)
			require.NoError(t, s.Ensure(ctx))
			old, err := s.Signer(ctx, enum.SigningAlgorithmES256)
			require.NoError(t, err)
			oldRS, err := s.Signer(ctx, enum.SigningAlgorithmRS256)
			require.NoError(t, err)
			c.Advance(keys.DefaultRotation)
			_, _, err = s.Rotate(ctx, keys.DefaultRotation)
			require.NoError(t, err)
			retiredAt := c.Now()
			require.NotNil(t, row(t, client, old.ID).RetiredAt)

			c.Advance(keys.TokenLifetime)
			p := newPinner(t, client, s)
			p.pin(t, old.ID)
			require.True(t, row(t, client, old.ID).RetiredAt.Equal(retiredAt), "pinning un-retires nothing")

			// Past the retention, before the rotation deletes it: the
			// unpinned RS256 key is no longer published, so it cannot be
			// pinned; once deleted it is not found.
			c.Advance(keys.Skew + time.Minute)
			oldRSRow := row(t, client, oldRS.ID)
			_, err = s.Pinnable(sys, client, oldRSRow.ID)
			require.ErrorIs(t, err, keys.ErrExpired)
			_, deleted, err := s.Rotate(ctx, keys.DefaultRotation)
			require.NoError(t, err)
			require.Equal(t, 1, deleted, "the unpinned retired key goes, the pinned one stays")
			_, err = s.Pinnable(sys, client, oldRSRow.ID)
			require.ErrorIs(t, err, keys.ErrNotFound)
			_, err = s.Pinned(ctx, oldRSRow.ID)
			require.ErrorIs(t, err, keys.ErrNotFound)

			c.Advance(10 * keys.TokenLifetime)
			_, deleted, err = s.Rotate(ctx, keys.DefaultRotation)
			require.NoError(t, err)
			require.Zero(t, deleted)
			pubs, err := s.PublicKeys(ctx)
			require.NoError(t, err)
			require.True(t, verifies(t, pubs, old), "a pinned retired key stays published")
			got, err := s.Pinned(ctx, row(t, client, old.ID).ID)
			require.NoError(t, err)
			require.Equal(t, old.ID, got.ID)

			p.unpin(t, old.ID)
			unpinnedAt := c.Now()
			r := row(t, client, old.ID)
			require.True(t, r.RetiredAt.Equal(retiredAt))
			expires, err := keys.ExpiresAt(sys, r)
			require.NoError(t, err)
			require.True(t, expires.Equal(unpinnedAt.Add(keys.TokenLifetime+keys.Skew)), "the retention runs from the unpinning")
			_, err = s.Pinnable(sys, client, r.ID)
			require.NoError(t, err, "it can be pinned again while published")

			c.Advance(keys.TokenLifetime + keys.Skew - time.Second)
			_, deleted, err = s.Rotate(ctx, keys.DefaultRotation)
			require.NoError(t, err)
			require.Zero(t, deleted)
			pubs, err = s.PublicKeys(ctx)
			require.NoError(t, err)
			require.True(t, verifies(t, pubs, old), "the tokens it signed last still verify")
			c.Advance(2 * time.Second)
			pubs, err = s.PublicKeys(ctx)
			require.NoError(t, err)
			require.NotContains(t, kids(pubs), old.ID)
			_, deleted, err = s.Rotate(ctx, keys.DefaultRotation)
			require.NoError(t, err)
			require.Equal(t, 1, deleted)

			// A server with another secret key cannot open the keys, so
			// it cannot pin them (nor sign with them).
			current, err := s.Signer(ctx, enum.SigningAlgorithmRS256)
			require.NoError(t, err)
			other := newStore(t, client, secret+"-changed", c)
			_, err = other.Pinnable(sys, client, row(t, client, current.ID).ID)
			require.ErrorIs(t, err, keys.ErrSealed)
			_, err = other.Pinned(ctx, row(t, client, current.ID).ID)
			require.ErrorIs(t, err, keys.ErrSealed)
		})
	}
}
